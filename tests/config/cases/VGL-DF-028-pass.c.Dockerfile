# expect: nothing of this check
FROM debian:12
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
