# expect: nothing of this check
FROM alpine:3.19
RUN chmod 755 /app
RUN chmod -R 0750 /data
RUN chmod u+rwx /tmp/x
RUN chmod 1777 /tmp/shared
RUN echo chmod 777
