# expect: nothing of this check
FROM debian:12
RUN wget -q https://example.com/a.tar.gz
RUN wget --progress=dot:giga -O /tmp/b https://example.com/b
RUN wget -qO- https://example.com/c | tar xz
RUN wget --no-verbose https://example.com/d
RUN wget -nv https://example.com/e
RUN curl -fsSLO https://example.com/f
