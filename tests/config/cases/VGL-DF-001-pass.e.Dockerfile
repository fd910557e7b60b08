# expect: nothing of this check
FROM debian:12
ARG USER=app
USER ${USER}
