# expect: VGL-DF-055 line 4
FROM debian:12
USER 1000
USER nobody
