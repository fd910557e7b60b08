# expect: VGL-DF-049 line 6
FROM debian:12 AS a
RUN curl -fsSLo /b https://example.com/b
FROM debian:12
RUN echo hi
RUN wget -q https://example.com/a -O /a && curl -V
