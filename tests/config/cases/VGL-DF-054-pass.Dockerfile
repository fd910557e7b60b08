# expect: nothing of this check
FROM debian:12 AS build
FROM alpine:3.19
COPY --from=build /usr/bin/tool /usr/bin/
COPY --from=build /etc/ssl/certs/ /etc/ssl/certs/
COPY / /dest/
COPY --from=busybox:1.36 /bin/busybox /bin/
COPY --from=build /opt/app/. /opt/app/
