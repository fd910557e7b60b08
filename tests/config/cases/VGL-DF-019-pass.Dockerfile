# expect: nothing of this check
ARG VERSION=1
FROM alpine:3.19
ENV PASSWORD_FILE=/run/secrets/db LANG=C.UTF-8
