# expect: VGL-DF-010 line 6
# expect: VGL-DF-010 line 7
# expect: VGL-DF-010 line 8
# expect: VGL-DF-010 line 9
FROM debian:12
RUN apt-get update
RUN apt-get -q update
RUN apt update && echo done
RUN apt-get update -qq
