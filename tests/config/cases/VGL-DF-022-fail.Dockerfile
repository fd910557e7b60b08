# expect: VGL-DF-022 line 3
FROM alpine:3.19
WORKDIR app
