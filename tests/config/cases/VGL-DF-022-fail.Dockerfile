# expect: VGL-DF-022 line 6
# expect: VGL-DF-022 line 7
# expect: VGL-DF-022 line 8
# expect: VGL-DF-022 line 10
FROM alpine:3.19
WORKDIR app
WORKDIR "src"
WORKDIR 'build/out'
ARG sub=lib
WORKDIR ${sub}
