#!/usr/bin/env bash
# Version comparison speed: comparisons per second and constraint checks per second per
# scheme (median of 3 runs of each, inside build/bench-vercmp), printed as markdown for
# BENCHMARKS.md.
#   bench/vercmp.sh [SECONDS_PER_SCHEME]     default 1.5
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
make -C "$ROOT" -s build/vigil
LIBS="-larchive -lisal -lzstd -ljansson -lyaml -lsqlite3 -lpcre2-8 -lyara -lcurl -lz -lcrypto -lpthread"
if pkg-config --exists libhs 2> /dev/null; then LIBS="$LIBS -lhs"; fi
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I"$ROOT/include" -pthread \
  -o "$ROOT/build/bench-vercmp" "$ROOT/bench/vercmp.c" "$ROOT/build/libvigil.a" $LIBS
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo
"$ROOT/build/bench-vercmp" "${1:-1.5}"
