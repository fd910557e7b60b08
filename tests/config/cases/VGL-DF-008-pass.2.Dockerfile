# expect: nothing of this check
FROM ubuntu:22.04
RUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y --no-install-recommends curl=7.81.0
RUN --mount=type=tmpfs,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends curl=7.81.0
RUN --mount=type=cache,dst=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends curl=7.81.0
