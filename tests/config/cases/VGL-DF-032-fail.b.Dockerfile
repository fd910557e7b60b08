# expect: VGL-DF-032 line 5
# expect: VGL-DF-032 line 6
# expect: VGL-DF-032 line 7
FROM debian:12
ONBUILD MAINTAINER me
onbuild from alpine
ONBUILD onbuild COPY . /x
