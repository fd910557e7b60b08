# expect: nothing of this check
# wget only, in several RUNs (busybox patterns)
FROM busybox:1.36
RUN wget -q https://example.com/a -O /a
RUN wget -q https://example.com/b -O /b
