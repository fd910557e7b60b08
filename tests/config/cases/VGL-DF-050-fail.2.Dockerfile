# args: --policy cases/VGL-DF-050-policy.yml
# expect: VGL-DF-050 line 5
FROM alpine:3.19 AS base
LABEL org.opencontainers.image.source=https://example.com/x
FROM base
LABEL org.opencontainers.image.title=x
