# expect: VGL-DF-004 line 4
# expect: VGL-DF-004 line 5
FROM alpine:3.19
ADD app.py /app/
ONBUILD ADD . /app/src
