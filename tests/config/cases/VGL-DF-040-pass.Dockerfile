# expect: nothing of this check
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
FROM --platform=${TARGETPLATFORM} alpine:3.19
FROM debian:12
FROM --platform=$TARGETOS/$TARGETARCH busybox:1.36
FROM alpine:3.19 AS final
