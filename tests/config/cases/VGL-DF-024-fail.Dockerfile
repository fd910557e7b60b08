# expect: VGL-DF-024 line 3
FROM alpine:3.19
RUN cd /src && make
