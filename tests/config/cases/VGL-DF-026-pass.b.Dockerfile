# expect: nothing of this check
FROM alpine:3.19 AS build
FROM alpine:3.19 AS app
COPY --from=build /a /b
COPY --from=0 /a /b
COPY --from=alpine:3.19 /x /y
