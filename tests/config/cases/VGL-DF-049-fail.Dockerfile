# expect: VGL-DF-049 line 4
FROM debian:12
RUN wget -q https://example.com/a -O /a
RUN curl -fsSLo /b https://example.com/b
