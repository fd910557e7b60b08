# expect: nothing of this check
FROM alpine:3.19
ENTRYPOINT ["/app/server", "--port", "80"]
