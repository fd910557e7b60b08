# expect: VGL-DF-017 line 3
FROM alpine:3.19
RUN sudo chown app /data
