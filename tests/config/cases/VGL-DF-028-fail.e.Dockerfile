# expect: VGL-DF-028 line 4
FROM debian:12 AS base
HEALTHCHECK CMD ["true"]
FROM debian:12
