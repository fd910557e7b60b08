# args: --allowed-registries *.corp.com,ghcr.io/acme
# expect: VGL-DF-029 line 5
# expect: VGL-DF-029 line 6
# expect: VGL-DF-029 line 8
FROM corp.com.evil.io/base:1
FROM ghcr.io/other/tool:1 AS tool
FROM registry.corp.com/app:1
RUN --mount=type=bind,from=quay.io/x/tool:1,target=/t /t/run
RUN --mount=type=bind,from=tool,target=/t /t/run
