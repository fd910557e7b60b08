# expect: VGL-DF-008 line 5
# expect: VGL-DF-008 line 6
FROM ubuntu:22.04
# bind mounts do not clean
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.81.0
RUN --mount=type=bind,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends curl=7.81.0
