# expect: nothing of this check
FROM debian:12
RUN apt-get update
RUN apt-get install -y curl
RUN apt-cache policy curl
RUN aptitude install -y wget
RUN echo apt install is for people
