# expect: nothing of this check
FROM alpine:3.19
COPY app.py /app/
ONBUILD COPY . /app/src
ONBUILD RUN echo ADD
