# expect: nothing of this check
FROM alpine:3.19
USER app
HEALTHCHECK CMD ["wget", "-q", "http://localhost/"]
