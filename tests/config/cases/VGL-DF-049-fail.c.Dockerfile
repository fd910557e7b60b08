# expect: VGL-DF-049 line 5
FROM debian:12
RUN curl -fsSLO https://example.com/b
RUN echo x
RUN wget -q https://example.com/a
