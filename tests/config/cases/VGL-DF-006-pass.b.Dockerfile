# expect: nothing of this check
FROM debian:12
RUN apt-get install -y curl=7.88.1-10 wget=1.21.3-1
RUN apt-get install -y ./vendor/tool_1.0_amd64.deb
RUN apt-get install -y -t bookworm-backports golang=2:1.21~2
RUN apt-get install -y "${PACKAGES}"
RUN apt-get install -y git/bookworm-backports
