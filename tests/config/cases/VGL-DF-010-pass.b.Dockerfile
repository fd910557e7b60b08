# expect: nothing of this check
FROM debian:12
RUN apt-get update && apt-get install -y curl
RUN apt-get -q update && apt-get -q install -y wget
RUN echo apt-get update
RUN apt-get install -y git
RUN apt-get update; apt-get install -y vim
