# expect: VGL-DF-026 line 6
# expect: VGL-DF-026 line 8
# expect: VGL-DF-026 line 9
# expect: VGL-DF-026 line 10
FROM alpine:3.19 AS build
COPY --from=build /a /b
FROM alpine:3.19 AS app
COPY --from=app /x /y
COPY --from=1 /x /y
COPY --from=APP /x /y
