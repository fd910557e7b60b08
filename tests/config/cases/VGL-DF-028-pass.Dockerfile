# expect: nothing of this check
FROM alpine:3.19 AS base
HEALTHCHECK CMD ["wget", "-q", "http://localhost/"]
FROM base
USER app
