# expect: nothing of this check
FROM alpine:3.19
SHELL ["/bin/ash", "-o", "pipefail", "-c"]
RUN wget -qO- https://example.com/x.tgz | tar xz
FROM debian:12 AS b
SHELL ["/bin/bash", "-eo", "pipefail", "-c"]
RUN curl -fsSL https://example.com/k | gpg --dearmor -o /k.gpg
FROM debian:12 AS c
SHELL ["/bin/bash", "-euo", "pipefail", "-c"]
RUN ls | wc -l
FROM debian:12 AS d
SHELL ["/bin/bash", "-o", "errexit", "-o", "pipefail", "-c"]
RUN ls | wc -l
FROM c AS e
RUN ls | wc -l
