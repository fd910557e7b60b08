# expect: VGL-DF-009 line 3
FROM ubuntu:22.04
RUN apt-get update && apt-get dist-upgrade -y
