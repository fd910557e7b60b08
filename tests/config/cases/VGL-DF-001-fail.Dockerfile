# expect: VGL-DF-001 line 4
FROM alpine:3.19 AS base
RUN adduser -D app
USER root
FROM base
CMD ["id"]
