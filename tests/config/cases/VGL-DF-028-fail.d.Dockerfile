# expect: VGL-DF-028 line 3
FROM debian:12 AS base
HEALTHCHECK NONE
FROM base
