# Vigil as a container image, as CI jobs run scanners. Multi-stage: the build stage
# compiles vigil, the final stage holds the binary, the shared libraries it links and a
# non-root user. The bases are made from Debian packages by scripts/container/make-bases.sh
# (mmdebstrap + podman import: debian:bookworm-slim cannot be pulled offline); elsewhere
# pass --build-arg BUILDER=... RUNTIME=... naming equivalent images.
#
#   scripts/container/make-bases.sh
#   buildah bud --layers -t localhost/vigil:latest .
#   podman run --rm -v "$PWD:/work:ro" -v vigil-db:/db localhost/vigil:latest \
#       scan /work/app.tar --fail-on HIGH
#
# The database is mounted at /db (VIGIL_DB=/db/vigil.db): build it once with
# `vigil db update` (or import a `db export` bundle) into that volume.
ARG BUILDER=localhost/vigil-builder:bookworm
ARG RUNTIME=localhost/vigil-runtime:bookworm

FROM ${BUILDER} AS build
WORKDIR /src
COPY Makefile ./
COPY include ./include
COPY src ./src
COPY scripts/gen-man.sh scripts/embed-web.sh ./scripts/
COPY web ./web
# the eBPF sensor's vmlinux.h comes from the running kernel's BTF (read-only /sys)
RUN make -j2 build/vigil && strip build/vigil && scripts/gen-man.sh build/vigil > build/vigil.1

FROM ${RUNTIME}
COPY --from=build /src/build/vigil /usr/local/bin/vigil
COPY --from=build /src/build/vigil.1 /usr/local/share/man/man1/vigil.1
RUN echo 'vigil:x:10001:10001:vigil:/home/vigil:/usr/sbin/nologin' >> /etc/passwd && \
    echo 'vigil:x:10001:' >> /etc/group && \
    mkdir -p /home/vigil /db && chown 10001:10001 /home/vigil /db
USER 10001:10001
ENV HOME=/home/vigil VIGIL_DB=/db/vigil.db
VOLUME /db
WORKDIR /home/vigil
LABEL org.opencontainers.image.title="vigil" \
      org.opencontainers.image.description="container image security scanner" \
      org.opencontainers.image.licenses="Apache-2.0"
HEALTHCHECK NONE
ENTRYPOINT ["/usr/local/bin/vigil"]
CMD ["help"]
