# expect: VGL-DF-020 line 3
FROM alpine:3.19
ENTRYPOINT /app/server --port 80
