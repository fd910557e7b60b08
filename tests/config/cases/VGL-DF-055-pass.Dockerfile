# expect: nothing of this check
FROM debian:12 AS build
USER builder
FROM debian:12
USER 10001
