# expect: nothing of this check
FROM alpine:3.19
RUN wget -qO /tmp/i.sh https://example.com/install.sh && sha256sum -c /i.sha256 && sh /tmp/i.sh
