# expect: nothing of this check
# ONBUILD triggers that may run in a child build (official *-onbuild images).
FROM python:3.12-slim
ONBUILD ARG PIP_INDEX_URL
ONBUILD WORKDIR /usr/src/app
ONBUILD COPY requirements.txt /usr/src/app/
ONBUILD ENV APP_ENV=production
ONBUILD EXPOSE 8080
ONBUILD LABEL org.opencontainers.image.source=https://example.com/app
ONBUILD HEALTHCHECK CMD ["/healthcheck"]
