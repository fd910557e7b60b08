# expect: VGL-DF-012 line 6
# expect: VGL-DF-012 line 7
# expect: VGL-DF-012 line 8
# expect: VGL-DF-012 line 9
FROM alpine:3.19
RUN apk add --no-cache curl
RUN apk add --no-cache --virtual .build-deps=1 gcc
RUN apk add --no-cache -t build-deps make
RUN apk add --no-cache --repository https://dl-cdn.alpinelinux.org/alpine/edge/main git
