# expect: nothing of this check
FROM alpine:3.19 AS base
RUN adduser -D app
USER app
FROM base AS final
USER root
RUN apk add --no-cache curl=8.5.0-r0
FROM final
USER 10001:10001
