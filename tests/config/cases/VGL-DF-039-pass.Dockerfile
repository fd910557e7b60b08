# expect: nothing of this check
FROM golang:1.22 AS build
FROM node:20 AS web
FROM alpine:3.19 AS runtime
FROM scratch AS final
FROM final AS release
FROM alpine:3.19
