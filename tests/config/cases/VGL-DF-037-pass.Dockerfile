# expect: nothing of this check
FROM golang:1.22 AS build
RUN go build -o /out/app .
FROM alpine:3.19
COPY --from=build /out/app /usr/local/bin/
COPY --from=BUILD /out/app /usr/local/bin/
COPY --from=0 /out/app /usr/local/bin/
COPY --from=nginx:1.25 /etc/nginx /etc/nginx
COPY --from=ghcr.io/acme/tools:1 /t /t
COPY --from=${BUILDER} /t /t
