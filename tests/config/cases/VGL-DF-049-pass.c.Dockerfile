# expect: nothing of this check
# curl only, across stages (golang / node official images)
FROM golang:1.22 AS build
RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 && rm -rf /var/lib/apt/lists/*
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
