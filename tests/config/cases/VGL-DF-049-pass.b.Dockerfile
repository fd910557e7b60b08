# expect: nothing of this check
# wget only (alpine-based official images)
FROM alpine:3.20
RUN wget -q -O /tmp/app.tgz https://example.com/app-1.0.tgz && tar -xzf /tmp/app.tgz -C /opt
RUN wget -qO- https://example.com/sum.txt > /tmp/sum.txt
