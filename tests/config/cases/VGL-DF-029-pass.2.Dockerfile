# args: --allowed-registries *
# expect: nothing of this check
FROM quay.io/x/base:1 AS b
FROM alpine:3.19
COPY --from=ghcr.io/a/b:1 /x /x
RUN --mount=type=bind,from=quay.io/x/tool:1,target=/t /t/run
