# expect: VGL-DF-019 line 3
# expect: VGL-DF-019 line 5
ARG GITHUB_TOKEN
FROM alpine:3.19
ENV DB_PASSWORD=hunter2 \
    LANG=C.UTF-8
