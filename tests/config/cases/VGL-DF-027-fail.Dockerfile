# expect: VGL-DF-027 line 3
FROM alpine:3.19
MAINTAINER ops@example.com
