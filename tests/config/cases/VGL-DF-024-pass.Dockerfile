# expect: nothing of this check
FROM alpine:3.19
WORKDIR /src
RUN make
ONBUILD WORKDIR /app/src
ONBUILD RUN make install
