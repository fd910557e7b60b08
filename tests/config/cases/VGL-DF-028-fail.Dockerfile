# expect: VGL-DF-028 line 2
FROM alpine:3.19
USER app
