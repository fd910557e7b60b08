# expect: VGL-DF-026 line 3
FROM golang:1.22 AS build
COPY --from=build /a /b
