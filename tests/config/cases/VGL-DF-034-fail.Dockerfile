# expect: VGL-DF-034 line 7
# expect: VGL-DF-034 line 8
# expect: VGL-DF-034 line 9
# expect: VGL-DF-034 line 10
# expect: VGL-DF-034 line 11
FROM debian:12
RUN apt update
RUN apt install -y curl
RUN apt-get update && apt upgrade -y
RUN /usr/bin/apt install -y wget
RUN apt full-upgrade -y
