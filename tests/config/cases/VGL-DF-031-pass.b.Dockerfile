# expect: nothing of this check
FROM debian:12
RUN useradd -l -u 100000 app
RUN useradd --no-log-init --uid 2000000 svc
RUN useradd -u 10001 u
RUN useradd -r -u 65535 x
RUN adduser -D -u 100000 y
