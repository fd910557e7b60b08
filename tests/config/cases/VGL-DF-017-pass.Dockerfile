# expect: nothing of this check
FROM alpine:3.19
RUN chown app /data
