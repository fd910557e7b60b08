# expect: nothing of this check
FROM alpine:3.19
RUN apk add --no-cache curl=8.5.0-r0
RUN --mount=type=cache,target=/var/cache/apk apk add git=2.43.0-r0
RUN --mount=type=cache,target=/var/cache apk add tini=0.19.0-r2
RUN apk del curl
RUN apk info
