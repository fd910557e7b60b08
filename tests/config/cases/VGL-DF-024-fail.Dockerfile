# expect: VGL-DF-024 line 4
# expect: VGL-DF-024 line 5
FROM alpine:3.19
RUN cd /src && make
ONBUILD RUN cd /app/src && make install
