# expect: nothing of this check
FROM debian:12
RUN curl -fsSLo /b https://example.com/b
RUN curl -fsSLo /c https://example.com/c
RUN apt-get install -y wget
RUN echo wget
