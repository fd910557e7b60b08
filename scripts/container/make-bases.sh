#!/usr/bin/env bash
# Builds the two base images of the Dockerfile from Debian packages (no registry is
# reachable here, so debian:bookworm-slim cannot be pulled): mmdebstrap makes a minbase
# bookworm root with bookworm-updates and bookworm-security, and `podman import` stores it
# in the local containers-storage that buildah reads.
#   localhost/vigil-builder:bookworm   compilers and the -dev libraries (the build stage)
#   localhost/vigil-runtime:bookworm   only the shared libraries vigil links (the final stage)
# Cached: an image that exists is kept unless REBUILD=1. Network: deb.debian.org only.
set -euo pipefail
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY=${SECURITY:-http://deb.debian.org/debian-security}
RUNTIME_PKGS=libarchive13,libbpf1,libcurl4,libelf1,libhyperscan5,libisal2,libjansson4,libmicrohttpd12,libpcre2-8-0,libsqlite3-0,libssl3,libxml2,libyaml-0-2,libyara9,libzstd1,zlib1g,libpq5,ca-certificates
BUILD_PKGS=build-essential,pkg-config,libarchive-dev,libisal-dev,libzstd-dev,libjansson-dev,libssl-dev,libsqlite3-dev,zlib1g-dev,libyaml-dev,libpcre2-dev,libhyperscan-dev,libyara-dev,libcurl4-openssl-dev,libxml2-dev,libmicrohttpd-dev,libbpf-dev,libelf-dev,bpftool,clang,libpq-dev
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make_base() { # make_base NAME PACKAGES
    # the image is keyed by its package list (bookworm-HASH) and tagged :bookworm for the
    # Dockerfile's defaults, so a changed list builds a new base instead of reusing the old
    local key
    key=bookworm-$(printf '%s' "$2" | sha256sum | cut -c1-12)
    if [ "${REBUILD:-0}" != 1 ] && podman image exists "localhost/$1:$key"; then
        echo "make-bases: localhost/$1:$key exists" >&2
        podman tag "localhost/$1:$key" "localhost/$1:bookworm" >&2
        return
    fi
    echo "make-bases: building localhost/$1:bookworm with mmdebstrap" >&2
    mmdebstrap --variant=minbase --include="$2" \
        --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
        --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
        bookworm "$tmp/$1.tar" \
        "deb $MIRROR bookworm main" "deb $MIRROR bookworm-updates main" \
        "deb $SECURITY bookworm-security main" >&2
    podman import --change 'CMD ["/bin/sh"]' "$tmp/$1.tar" "localhost/$1:$key" >&2
    podman tag "localhost/$1:$key" "localhost/$1:bookworm" >&2
    rm -f "$tmp/$1.tar"
}
make_base vigil-runtime "$RUNTIME_PKGS"
make_base vigil-builder "$BUILD_PKGS"
