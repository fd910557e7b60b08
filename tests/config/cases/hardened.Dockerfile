# a hardened multi-stage Dockerfile: no findings
# syntax=docker/dockerfile:1.7
ARG GO_VERSION=1.22
FROM golang:${GO_VERSION}-bookworm@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/root/go/pkg/mod go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/app ./cmd/app

FROM debian:12-slim@sha256:1111111111111111111111111111111111111111111111111111111111111111
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates=20230311 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd -l -r -u 10001 app
COPY --from=build --chown=app:app /out/app /usr/local/bin/app
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=30s CMD ["/usr/local/bin/app", "health"]
ENTRYPOINT ["/usr/local/bin/app"]
