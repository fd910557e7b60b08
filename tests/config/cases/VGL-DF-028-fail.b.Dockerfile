# expect: VGL-DF-028 line 2
FROM debian:12
RUN echo no healthcheck
