# expect: VGL-DF-053 line 7
# expect: VGL-DF-053 line 8
# expect: VGL-DF-053 line 9
# expect: VGL-DF-053 line 10
# expect: VGL-DF-053 line 11
FROM debian:12
RUN wget https://example.com/a.tar.gz
RUN wget -O /tmp/b https://example.com/b && tar xf /tmp/b
RUN cd /tmp && wget --no-check-certificate https://example.com/c
RUN wget -c https://example.com/d
RUN wget --tries=3 -O- https://example.com/e | tar xz
