# expect: VGL-DF-055 line 5
# A name that starts with "root" is still a name.
FROM debian:12
RUN useradd -r -u 10001 rootless
USER rootless
