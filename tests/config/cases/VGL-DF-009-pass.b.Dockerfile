# expect: nothing of this check
FROM debian:12
RUN apt-get update && apt-get install -y --only-upgrade openssl=3.0.11-1
RUN apt-get install -y unattended-upgrades=2.9.1
RUN echo apt-get upgrade
RUN apt-get update
RUN apt-get autoremove -y
