# expect: nothing of this check
FROM alpine:3.19
ARG DIR=/srv
WORKDIR ${DIR}/app
WORKDIR "/usr/local"
WORKDIR '/usr/local'
ARG dir
WORKDIR "${dir}"
WORKDIR $UNSET_VAR
WORKDIR ${UNSET:-/opt}
WORKDIR C:\\app
