# expect: VGL-DF-049 line 3
FROM debian:12
RUN wget -q https://example.com/a && curl -fsSLO https://example.com/b
