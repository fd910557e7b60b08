# expect: nothing of this check
FROM alpine:3.19
ADD app.py /app/
