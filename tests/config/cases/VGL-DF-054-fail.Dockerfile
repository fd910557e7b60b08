# expect: VGL-DF-054 line 8
# expect: VGL-DF-054 line 9
# expect: VGL-DF-054 line 10
# expect: VGL-DF-054 line 11
# expect: VGL-DF-054 line 12
FROM debian:12 AS build
FROM alpine:3.19
COPY --from=build / /
COPY --from=build / /rootfs/
COPY --from=0 /. /target/
COPY --from=busybox:1.36 / /bb/
COPY --from=build /etc/passwd / /copy/
