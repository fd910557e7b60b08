# expect: VGL-DF-030 line 6
# expect: VGL-DF-030 line 7
# expect: VGL-DF-030 line 8
# expect: VGL-DF-030 line 9
FROM alpine:3.19
RUN chmod 777 /app
RUN chmod -R 0777 /data
RUN chmod a+rwx /tmp/x
RUN mkdir /x && chmod ugo+rwx /x
