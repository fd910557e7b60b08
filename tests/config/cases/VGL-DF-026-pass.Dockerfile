# expect: nothing of this check
FROM golang:1.22 AS build
RUN go build -o /a .
FROM alpine:3.19
COPY --from=build /a /b
COPY --from=0 /a /c
