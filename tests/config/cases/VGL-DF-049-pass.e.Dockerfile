# expect: nothing of this check
# Neither tool: ADD and COPY fetch (scratch-based images)
FROM alpine:3.20 AS fetch
ADD https://example.com/app-1.0.tgz /tmp/
FROM scratch
COPY --from=fetch /tmp/app-1.0.tgz /
