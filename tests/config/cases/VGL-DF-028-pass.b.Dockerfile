# expect: nothing of this check
FROM debian:12 AS base
HEALTHCHECK --interval=30s CMD ["true"]
FROM base
