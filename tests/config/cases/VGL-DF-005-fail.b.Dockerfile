# expect: VGL-DF-005 line 6
# expect: VGL-DF-005 line 7
# expect: VGL-DF-005 line 8
# expect: VGL-DF-005 line 9
FROM alpine:3.19
ADD https://example.com/app.tar.gz /opt/
ADD http://example.com/tool /usr/local/bin/tool
ADD rootfs.tar.xz /
ADD git@github.com:moby/buildkit.git#v0.12 /src
