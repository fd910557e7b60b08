# expect: VGL-DF-010 line 3
FROM ubuntu:22.04
RUN apt-get update
RUN apt-get install -y --no-install-recommends curl=7.81.0
