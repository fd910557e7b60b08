# expect: nothing of this check
FROM alpine:3.19 AS base
COPY app.py /app/app.py
WORKDIR /app
COPY requirements.txt ./
FROM base
COPY conf etc/conf
COPY src ${DEST}
