# expect: VGL-DF-052 line 4
FROM debian:12
RUN a
RUN b
