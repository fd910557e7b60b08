# expect: VGL-DF-049 line 4
FROM debian:12
ONBUILD RUN curl -fsSLO https://example.com/b
RUN wget -q https://example.com/a
