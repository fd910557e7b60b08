#!/usr/bin/env bash
# End-to-end `vigil scan --scanners vuln` per fixture image: wall time (median of N runs),
# peak RSS (/usr/bin/time -v), package and finding counts, and the time vigil_match_run
# alone takes on the inventory already in memory (bench/match.c, median of M runs).
# Images: the golden-scan fixtures (tests/fixtures/make-golden-*.sh) and the benchmark
# images (tests/fixtures/make-bench-images.sh). Prints markdown for BENCHMARKS.md.
#   bench/scan.sh [-n RUNS] [-m MATCH_RUNS] [-s] [MIRROR]
#     -s: skip the benchmark images (golden fixtures only); MIRROR: ../shared/vulndata
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=5
MRUNS=20
BENCH_IMAGES=1
while getopts n:m:s o; do
    case $o in
    n) RUNS=$OPTARG ;;
    m) MRUNS=$OPTARG ;;
    s) BENCH_IMAGES=0 ;;
    *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))
MIRROR=${1:-$ROOT/../shared/vulndata}
VIGIL=$ROOT/build/vigil
make -C "$ROOT" -s build/vigil >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# bench-match: linked like build/vigil against build/libvigil.a (no Makefile rule needed)
hs_cflags=$(pkg-config --cflags libhs 2>/dev/null || true)
# shellcheck disable=SC2086 # flag lists
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I"$ROOT/include" -I"$ROOT/src/lib" \
    -pthread $hs_cflags -o "$tmp/bench-match" "$ROOT/bench/match.c" "$ROOT/build/libvigil.a" \
    $(make -s -C "$ROOT" print-libs)

"$VIGIL" db update --from "$MIRROR" --db "$tmp/v.db" >/dev/null 2>&1

images=()
fx=$ROOT/tests/fixtures
if d=$("$fx/make-golden-debian.sh" 2>/dev/null); then images+=("debian-bullseye=$d/oci"); fi
d=$("$fx/make-golden-alpine.sh")
images+=("alpine-3.9.6-old=$d/oci-3.9.6-old" "alpine-3.20.3=$d/oci-3.20.3")
if d=$("$fx/make-golden-rpm.sh" 2>/dev/null); then images+=("rhel8-rpm=$d/oci"); fi
if d=$("$fx/make-golden-go.sh" 2>/dev/null); then images+=("go-modules=$d/oci"); fi
d=$("$fx/make-golden-lang.sh")
images+=("npm+gems=$d/oci")
if [ "$BENCH_IMAGES" = 1 ]; then
    for d in $("$fx/make-bench-images.sh" small medium large 2>/dev/null); do
        images+=("bench-$(basename "$d")=$d")
    done
fi

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "database: $("$VIGIL" db info --db "$tmp/v.db" --format json | /usr/bin/python3 -c '
import json, sys
print(", ".join(f["name"] for f in json.load(sys.stdin)["feeds"]))')"
echo
echo "| image | packages | findings | scan s (median of $RUNS) | peak RSS MB | match ms (median of $MRUNS) | match ms (min) |"
echo "|---|---|---|---|---|---|---|"
for entry in "${images[@]}"; do
    name=${entry%%=*}
    img=${entry#*=}
    times=()
    for _ in $(seq "$RUNS"); do
        t0=$(date +%s.%N)
        "$VIGIL" scan "$img" --scanners vuln --db "$tmp/v.db" --format json -o "$tmp/out.json" \
            2>/dev/null || true
        t1=$(date +%s.%N)
        times+=("$(echo "$t1 - $t0" | bc)")
    done
    med=$(printf '%s\n' "${times[@]}" | median)
    /usr/bin/time -v "$VIGIL" scan "$img" --scanners vuln --db "$tmp/v.db" --format json \
        -o /dev/null 2>"$tmp/time.txt" || true
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$tmp/time.txt")
    read -r mmed mmin npkg nfind < <("$tmp/bench-match" "$img" "$tmp/v.db" "$MRUNS")
    printf '| %s | %s | %s | %.3f | %s | %s | %s |\n' "$name" "$npkg" "$nfind" "$med" "$rss" \
        "$mmed" "$mmin"
done
