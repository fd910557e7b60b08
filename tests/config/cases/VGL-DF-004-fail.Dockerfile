# expect: VGL-DF-004 line 3
FROM alpine:3.19
ADD app.py /app/
