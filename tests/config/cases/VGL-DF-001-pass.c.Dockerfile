# expect: nothing of this check
FROM debian:12
USER root
RUN apt-get update
USER app:app
