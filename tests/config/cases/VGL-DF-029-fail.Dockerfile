# args: --allowed-registries registry.example.com
# expect: VGL-DF-029 line 4
# expect: VGL-DF-029 line 5
FROM docker.io/library/alpine:3.19
COPY --from=quay.io/x/tool:1 /tool /tool
