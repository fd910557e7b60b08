# expect: VGL-DF-003 line 2
FROM ubuntu:22.04
