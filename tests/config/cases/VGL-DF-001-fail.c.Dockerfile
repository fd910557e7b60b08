# expect: VGL-DF-001 line 3
FROM debian:12
USER 0:0
