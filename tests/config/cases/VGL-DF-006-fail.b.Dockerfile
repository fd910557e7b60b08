# expect: VGL-DF-006 line 6
# expect: VGL-DF-006 line 7
# expect: VGL-DF-006 line 8
# expect: VGL-DF-006 line 9
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl wget=1.21.3-1 && rm -rf /var/lib/apt/lists/*
RUN apt-get install -y -o Dpkg::Options::=--force-confold git
RUN apt-get -y install --no-install-recommends ca-certificates
RUN apt-get install -qy -t bookworm-backports golang
