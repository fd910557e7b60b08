# expect: VGL-DF-037 line 9
# expect: VGL-DF-037 line 10
# expect: VGL-DF-037 line 11
# expect: VGL-DF-037 line 12
# expect: VGL-DF-037 line 13
FROM golang:1.22 AS build
RUN go build -o /out/app .
FROM alpine:3.19
COPY --from=builder /out/app /usr/local/bin/
COPY --from=compile /x /x
COPY --from=later /y /y
COPY --from=nginx /etc/nginx /etc/nginx
COPY --from=buld /out/app /app
FROM alpine:3.19 AS later
