# expect: VGL-DF-055 line 5
FROM debian:12 AS build
USER 1000
FROM gcr.io/distroless/static:nonroot
USER nonroot
