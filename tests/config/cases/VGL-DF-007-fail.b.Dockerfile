# expect: VGL-DF-007 line 6
# expect: VGL-DF-007 line 7
# expect: VGL-DF-007 line 8
# expect: VGL-DF-007 line 9
FROM debian:12
RUN apt-get install -y curl=7.88.1-10
RUN apt-get -y install wget=1.21.3-1
RUN apt install -y git=1:2.39.2-1
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -yq tini=0.19.0-1
