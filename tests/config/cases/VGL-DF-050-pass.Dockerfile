# expect: nothing of this check
FROM alpine:3.19
LABEL org.opencontainers.image.title=x
LABEL org.opencontainers.image.source="https://example.com/x" \
      org.opencontainers.image.version=1.0
LABEL maintainer=me version=1
LABEL legacy value form
LABEL ${KEY}=1
