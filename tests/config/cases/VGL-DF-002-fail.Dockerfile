# expect: VGL-DF-002 line 2
FROM ubuntu:latest
