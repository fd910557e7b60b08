# expect: VGL-DF-022 line 4
# expect: VGL-DF-022 line 5
FROM debian:12
WORKDIR ./src
WORKDIR ../x
