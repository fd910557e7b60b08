# expect: VGL-DF-032 line 4
# expect: VGL-DF-032 line 5
FROM alpine:3.19
ONBUILD FROM alpine:3.19
ONBUILD ONBUILD RUN make
