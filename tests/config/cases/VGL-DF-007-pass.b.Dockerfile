# expect: nothing of this check
FROM debian:12
RUN apt-get install -y --no-install-recommends curl=7.88.1-10
RUN apt-get -o APT::Install-Recommends=false install -y wget=1.21.3-1
RUN apt-get -o APT::Install-Recommends=0 install -y git=1:2.39.2-1
RUN apt-get update
RUN apt-get remove -y curl
