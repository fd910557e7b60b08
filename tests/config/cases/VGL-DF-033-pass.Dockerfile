# expect: nothing of this check
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10
RUN apt-get install -qy wget=1.21.3-1
RUN apt-get install --yes git=1:2.39.2-1
RUN apt-get install --assume-yes tini=0.19.0-1
RUN apt-get -qq install ca-certificates=20230311
RUN apt-get update
