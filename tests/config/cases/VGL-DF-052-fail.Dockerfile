# expect: VGL-DF-052 line 7
# expect: VGL-DF-052 line 8
# expect: VGL-DF-052 line 11
# expect: VGL-DF-052 line 12
FROM debian:12
RUN apt-get update
RUN apt-get install -y curl
RUN echo done
WORKDIR /x
RUN a
RUN b
RUN c
