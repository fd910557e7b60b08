# expect: nothing of this check
FROM alpine:3.19
ARG DIR=/srv
WORKDIR ${DIR}/app
