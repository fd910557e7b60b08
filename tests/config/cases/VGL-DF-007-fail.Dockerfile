# expect: VGL-DF-007 line 3
FROM ubuntu:22.04
RUN apt-get update && apt-get install -y curl=7.81.0 && rm -rf /var/lib/apt/lists/*
