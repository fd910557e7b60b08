# expect: nothing of this check
FROM alpine:3.19
ADD app.py /app/
ADD conf/ /etc/app/
COPY rootfs.tar.xz /tmp/
COPY https-notes.txt /doc/
