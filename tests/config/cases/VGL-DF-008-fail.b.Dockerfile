# expect: VGL-DF-008 line 5
# expect: VGL-DF-008 line 6
# expect: VGL-DF-008 line 7
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl=1 && apt-get clean
RUN apt-get install -y --no-install-recommends git=1 && rm -rf /tmp/*
RUN --mount=type=cache,target=/var/cache/apt apt-get install -y --no-install-recommends vim=1
