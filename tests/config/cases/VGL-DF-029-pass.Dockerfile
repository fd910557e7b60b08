# args: --allowed-registries registry.example.com
# expect: nothing of this check
FROM registry.example.com/base/alpine:3.19
