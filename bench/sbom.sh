#!/usr/bin/env bash
# Cataloging cost: `vigil sbom --format json` against `vigil ls --format json` (intake
# alone) on the same images; median wall time and peak RSS of N runs each, interleaved.
# Prints a markdown table for BENCHMARKS.md.
#   bench/sbom.sh [-n RUNS] [IMAGE...]   default: the fixture images (debian, alpine edge,
#                                         and the bench images when built)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=5
while getopts n: o; do case $o in n) RUNS=$OPTARG ;; *) exit 2 ;; esac; done
shift $((OPTIND - 1))
VIGIL=${VIGIL:-$ROOT/build/vigil}
[ -x "$VIGIL" ] || make -C "$ROOT" -s
images=("$@")
if [ ${#images[@]} -eq 0 ]; then
  fx=$("$ROOT/tests/fixtures/build-images.sh" 2>/dev/null)
  images=("$fx/debian/oci-gzip" "$fx/edge/oci-gzip")
  for d in "${VIGIL_CACHE:-$HOME/.cache/vigil}"/bench-*/{small,medium,large} "${VIGIL_CACHE:-$HOME/.cache/vigil}"/app*/*; do
    [ -f "$d/index.json" ] && images+=("$d")
  done
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
measure() {  # measure OUT CMD...: appends "wall rss_kb"
  local out=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$tmp/rss" "$@" > /dev/null 2>&1
  t1=$(date +%s.%N)
  echo "$(echo "$t1 - $t0" | bc) $(cat "$tmp/rss")" >> "$out"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -r)"
echo "runs: $RUNS per command, median; vigil $("$VIGIL" version | cut -d' ' -f2)"
echo
echo "| image | packages | ls (intake) s | sbom s | overhead | ls RSS MB | sbom RSS MB |"
echo "|---|---|---|---|---|---|---|"
for img in "${images[@]}"; do
  : > "$tmp/ls"; : > "$tmp/sb"
  "$VIGIL" sbom -q "$img" --format json > /dev/null 2>&1 || { echo "| $img | error | | | | | |"; continue; }
  for _ in $(seq "$RUNS"); do
    measure "$tmp/ls" "$VIGIL" ls -q "$img" --format json
    measure "$tmp/sb" "$VIGIL" sbom -q "$img" --format json
  done
  n=$("$VIGIL" sbom -q "$img" --format json | grep -c '"purl"')
  lw=$(cut -d' ' -f1 "$tmp/ls" | median); sw=$(cut -d' ' -f1 "$tmp/sb" | median)
  lr=$(cut -d' ' -f2 "$tmp/ls" | median); sr=$(cut -d' ' -f2 "$tmp/sb" | median)
  printf '| %s | %s | %.3f | %.3f | %+.1f%% | %.1f | %.1f |\n' "${img#"$HOME"/.cache/vigil/}" "$n" "$lw" "$sw" \
    "$(echo "($sw - $lw) * 100 / $lw" | bc -l)" "$(echo "$lr / 1024" | bc -l)" "$(echo "$sr / 1024" | bc -l)"
done
