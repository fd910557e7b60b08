# expect: VGL-DF-011 line 6
# expect: VGL-DF-011 line 7
# expect: VGL-DF-011 line 8
# expect: VGL-DF-011 line 9
FROM alpine:3.19
RUN apk add curl=8.5.0-r0
RUN apk update && apk add git=2.43.0-r0
RUN apk add --update tini=0.19.0-r2
RUN apk add -t .deps gcc=13.2.1-r0
