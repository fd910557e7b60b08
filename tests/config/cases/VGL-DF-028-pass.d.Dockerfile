# expect: nothing of this check
FROM debian:12
HEALTHCHECK NONE
HEALTHCHECK CMD ["true"]
