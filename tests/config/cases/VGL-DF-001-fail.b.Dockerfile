# expect: VGL-DF-001 line 4
FROM debian:12
RUN useradd -r app
USER root
