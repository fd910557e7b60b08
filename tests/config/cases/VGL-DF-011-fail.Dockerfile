# expect: VGL-DF-011 line 3
FROM alpine:3.19
RUN apk add curl=8.5.0-r0
