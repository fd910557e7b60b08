# expect: VGL-DF-033 line 7
# expect: VGL-DF-033 line 8
# expect: VGL-DF-033 line 9
# expect: VGL-DF-033 line 11
# expect: VGL-DF-033 line 12
FROM debian:12
RUN apt-get update && apt-get install --no-install-recommends curl=7.88.1-10
RUN apt-get install -q wget=1.21.3-1
RUN apt-get update \
    && apt-get install --no-install-recommends -o Dpkg::Options::=--force-confnew git=1:2.39.2-1
RUN DEBIAN_FRONTEND=noninteractive apt-get install --no-install-recommends ca-certificates=20230311
RUN apt-get -q install --no-install-recommends tini=0.19.0-1
