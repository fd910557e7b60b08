# expect: nothing of this check
FROM debian:12
RUN apt-get update && apt-get install -y curl
WORKDIR /x
RUN a
COPY . .
RUN b
RUN --mount=type=cache,target=/root/.cache c
RUN d
