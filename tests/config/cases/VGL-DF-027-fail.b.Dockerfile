# expect: VGL-DF-027 line 6
# expect: VGL-DF-027 line 7
# expect: VGL-DF-027 line 9
# expect: VGL-DF-027 line 10
FROM alpine:3.19
MAINTAINER a@example.com
maintainer b@example.com
FROM alpine:3.19
MAINTAINER "C <c@example.com>"
MAINTAINER d
