# expect: VGL-DF-004 line 5
# expect: VGL-DF-004 line 6
# expect: VGL-DF-004 line 7
FROM alpine:3.19
ADD . /app
ADD --chown=app:app src/ /srv/
ADD ["a.conf", "/etc/a.conf"]
