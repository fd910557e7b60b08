# expect: VGL-DF-024 line 5
# expect: VGL-DF-024 line 6
# expect: VGL-DF-024 line 7
FROM alpine:3.19
RUN cd /src && make
RUN make -C x; cd /tmp
RUN (cd /a && ls)
