# expect: VGL-DF-055 line 3
FROM debian:12
USER www-data:33
