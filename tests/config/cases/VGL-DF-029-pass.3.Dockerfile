# args: --allowed-registries *.corp.com,ghcr.io/acme
# expect: nothing of this check
FROM registry.corp.com/base:1 AS b
FROM eu.mirror.corp.com:5000/app:1
COPY --from=ghcr.io/acme/tools:1 /x /x
RUN --mount=type=bind,from=b,target=/t /t/run
RUN --mount=type=cache,target=/root/.cache /t/run
