# expect: VGL-DF-055 line 4
FROM debian:12
RUN useradd -r app
USER app
