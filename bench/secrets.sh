#!/usr/bin/env bash
# Secret scanning benchmarks (numbers for BENCHMARKS.md):
#  1. the detection pass alone, one thread: MB/s over >= 500 MB of real text (the text
#     files of this machine's /usr: Debian packages' scripts, sources, docs, data),
#     concatenated once into a cache file; Hyperscan build, and the PCRE2-only build
#     (make HYPERSCAN=0) on the first 20 MB of the same text.
#  2. end to end: `vigil scan` of each fixture image with the other scanners
#     (BENCH_BASE, default "vuln,malware,config"; set it to the scanners that are built)
#     and with secret added: median of RUNS runs, wall clock. The vulnerability database
#     is built once from ../shared/vulndata into the cache.
# Usage: bench/secrets.sh [RUNS]   (RUNS defaults to 5)
# Environment: VIGIL (build/vigil), VIGIL_CACHE, BENCH_MB (600), BENCH_BASE,
# BENCH_SKIP_E2E=1, BENCH_SKIP_THROUGHPUT=1.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
VIGIL=${VIGIL:-build/vigil}
CACHE=${VIGIL_CACHE:-$HOME/.cache/vigil}
MB=${BENCH_MB:-600}
LIBS="-larchive -lisal -lzstd -ljansson -lyaml -lsqlite3 -lpcre2-8 -lyara -lcurl -lz -lcrypto -lpthread -lm"
CFLAGS="-std=c11 -D_GNU_SOURCE -O2 -Iinclude -Isrc/lib -pthread"

make -s -j2 build/libvigil.a
cc $CFLAGS -DVIGIL_HAVE_HYPERSCAN -I/usr/include/hs -o build/bench-secrets bench/secrets.c \
    build/libvigil.a $LIBS -lhs
# the PCRE2-only engine: the secret module rebuilt without Hyperscan
P=build/bench-pcre2
mkdir -p "$P"
for f in src/lib/secret/*.c; do
    cc $CFLAGS -c "$f" -o "$P/$(basename "$f" .c).o"
done
cc $CFLAGS -o build/bench-secrets-pcre2 bench/secrets.c "$P"/*.o build/libvigil.a $LIBS -lhs \
    -Wl,--allow-multiple-definition

CORPUS="$CACHE/secret-corpus-$MB"
if [ ! -f "$CORPUS/.done" ]; then
    echo "building a ${MB} MB text corpus from /usr (once)" >&2
    mkdir -p "$CORPUS"
    find /usr -xdev -type f -size -16M -print0 2>/dev/null | sort -z |
        python3 -c '
import sys
limit = int(sys.argv[1]) << 20
out = open(sys.argv[2], "wb")
n = 0
for p in sys.stdin.buffer.read().split(b"\0"):
    if not p:
        continue
    try:
        with open(p, "rb") as f:
            data = f.read()
    except OSError:
        continue
    head = data[:512]
    if not data or b"\0" in head:
        continue
    out.write(data)
    n += len(data)
    if n >= limit:
        break
print(n, file=sys.stderr)
' "$MB" "$CORPUS/corpus.txt"
    touch "$CORPUS/.done"
fi
SIZE=$(stat -c %s "$CORPUS/corpus.txt")
if [ "${BENCH_SKIP_THROUGHPUT:-0}" != 1 ]; then
echo "corpus: $CORPUS/corpus.txt ($((SIZE >> 20)) MiB of text from /usr)"
echo "== detection pass, Hyperscan, 1 thread (best of $RUNS passes)"
build/bench-secrets throughput "$CORPUS/corpus.txt" "$RUNS"
echo "(per core: CPU time of the one thread, which the shared machine's load does not inflate)"
head -c 20000000 "$CORPUS/corpus.txt" >"$CORPUS/head20.txt"
echo "== detection pass, PCRE2 only, 1 thread, first 20 MB (best of 2)"
build/bench-secrets-pcre2 throughput "$CORPUS/head20.txt" 2
fi

[ "${BENCH_SKIP_E2E:-0}" = 1 ] && exit 0
BASE=${BENCH_BASE:-vuln,malware,config}
DB="$CACHE/secret-bench-db/vigil.db"
if ! "$VIGIL" db info --db "$DB" >/dev/null 2>&1; then # missing, or another schema
    rm -f "$DB"
    mkdir -p "$(dirname "$DB")"
    "$VIGIL" db update --from "$(pwd)/../shared/vulndata" --db "$DB" >/dev/null
fi
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# timeit CMD...: "<median wall s> <median cpu s>" over RUNS runs (cpu = user + sys, all
# threads: what the scan costs, whatever else the shared machine is doing)
timeit() {
    local i
    for i in $(seq "$RUNS"); do
        /usr/bin/time -f "%e %U %S" -o "$CORPUS/time.txt" "$@" >/dev/null 2>&1
        tail -1 "$CORPUS/time.txt"
    done >"$CORPUS/times.txt"
    printf '%s %s\n' "$(awk '{print $1}' "$CORPUS/times.txt" | median)" \
        "$(awk '{printf "%.2f\n", $2 + $3}' "$CORPUS/times.txt" | median)"
}
images=("oci:$(tests/fixtures/make-secret-image.sh)/oci")
clean=$(tests/fixtures/secret/make-clean-images.sh)
images+=("rootfs:$clean/debian" "rootfs:$clean/alpine-3.20.3-x86_64")
for b in small medium large; do
    d=$(ls -d "$CACHE"/bench-*/"$b" 2>/dev/null | head -1 || true)
    [ -n "$d" ] && images+=("$d")
done
# the compiled rules are cached (vigil_secret_opts.cache_dir): warm the cache first
"$VIGIL" scan --db "$DB" --scanners secret --format json "${images[0]}" >/dev/null 2>&1 || true
echo "== end to end: vigil scan --scanners $BASE vs $BASE,secret, median of $RUNS (seconds)"
printf '%-44s %9s %9s %7s %9s %9s %7s\n' image wall wall+sec added cpu cpu+sec added
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.0f%%", (b - a) * 100 / a; else print "-" }'; }
for img in "${images[@]}"; do
    read -r w0 c0 < <(timeit "$VIGIL" scan --db "$DB" --scanners "$BASE" --format json "$img")
    read -r w1 c1 < <(timeit "$VIGIL" scan --db "$DB" --scanners "$BASE,secret" --format json "$img")
    name=${img#*cache/vigil/}
    printf '%-44s %9s %9s %7s %9s %9s %7s\n' "${name:0:44}" "$w0" "$w1" "$(pct "$w0" "$w1")" \
        "$c0" "$c1" "$(pct "$c0" "$c1")"
done
