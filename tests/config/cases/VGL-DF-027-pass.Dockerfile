# expect: nothing of this check
FROM alpine:3.19
LABEL org.opencontainers.image.authors=ops@example.com
