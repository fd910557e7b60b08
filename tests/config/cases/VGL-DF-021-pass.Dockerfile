# expect: nothing of this check
FROM alpine:3.19
SHELL ["/bin/ash", "-o", "pipefail", "-c"]
RUN wget -qO- https://example.com/x.tgz | tar xz
