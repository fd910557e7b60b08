# expect: VGL-DF-008 line 5
# expect: VGL-DF-008 line 6
# apt-get clean empties /var/cache/apt/archives, not the lists.
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 && apt-get clean
RUN apt-get update && apt-get install -y --no-install-recommends git=1:2.39.2-1.1 && rm -rf /var/cache/apt/archives/*
