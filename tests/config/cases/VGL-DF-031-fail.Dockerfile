# expect: VGL-DF-031 line 3
FROM debian:12
RUN useradd -u 123456 app
