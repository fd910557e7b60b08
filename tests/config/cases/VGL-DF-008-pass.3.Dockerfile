# expect: nothing of this check
# The lists removed in the same RUN (official images' patterns), or no apt-get at all.
FROM debian:12-slim
RUN set -eux; apt-get update; apt-get install -y --no-install-recommends ca-certificates=20230311; rm -rf /var/lib/apt/lists/*
RUN apt-get update \
    && apt-get install -y --no-install-recommends gnupg=2.2.40-1.1 dirmngr=2.2.40-1.1 \
    && apt-get dist-clean
RUN apt-get update && apt-get install -y --no-install-recommends tzdata=2024a-0+deb12u1 \
    && apt-get clean && rm -rf /var/lib/apt/lists/* /tmp/* /var/tmp/*
RUN dpkg --print-architecture > /arch
