# expect: VGL-DF-009 line 6
# expect: VGL-DF-009 line 7
# expect: VGL-DF-009 line 8
# expect: VGL-DF-009 line 9
FROM debian:12
RUN apt-get upgrade -y
RUN apt-get update && apt-get dist-upgrade -y
RUN apt-get -y full-upgrade
RUN apt upgrade -y
