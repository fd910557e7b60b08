# expect: VGL-DF-030 line 3
FROM alpine:3.19
RUN chmod -R 777 /data
