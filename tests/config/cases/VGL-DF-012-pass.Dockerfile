# expect: nothing of this check
FROM alpine:3.19
RUN apk add --no-cache curl=8.5.0-r0
RUN apk add --no-cache git~2.52
RUN apk add --no-cache --virtual build-deps gcc=13.2.1_git20231014-r0 musl-dev~1.2
RUN apk add --no-cache -t .deps 'openssl>3.1'
RUN apk add --no-cache /tmp/pkgs/local-1.0-r0.apk
RUN apk add --no-cache --repository https://dl-cdn.alpinelinux.org/alpine/edge/main git=2.45.0-r0
