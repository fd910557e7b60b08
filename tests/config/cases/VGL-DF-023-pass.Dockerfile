# expect: nothing of this check
FROM golang:1.22 AS build
CMD ["a"]
FROM alpine:3.19
COPY --from=build /a /a
CMD ["b"]
