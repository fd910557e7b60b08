# expect: VGL-DF-005 line 4
# expect: VGL-DF-005 line 5
FROM alpine:3.19
ADD https://example.com/tool.sh /usr/local/bin/tool
ADD vendor.tar.gz /opt/
