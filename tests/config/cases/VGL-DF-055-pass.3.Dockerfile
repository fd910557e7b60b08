# expect: nothing of this check
FROM debian:12
ARG UID=10001
USER ${UID}
