#!/usr/bin/env bash
# Vulnerability database: full build time from a mirror (median of N builds), database
# size, the median time of one package lookup, the export bundle's size and time, and
# per feed: the time and size of a database of that feed alone. Prints markdown for
# BENCHMARKS.md.
#   bench/db.sh [-n RUNS] [MIRROR]     default mirror: ../shared/vulndata
#   FEEDS=a,b bench/db.sh ...          only these feeds (db update --only); default all
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=3
while getopts n: o; do case $o in n) RUNS=$OPTARG ;; *) exit 2 ;; esac; done
shift $((OPTIND - 1))
MIRROR=${1:-$ROOT/../shared/vulndata}
make -C "$ROOT" -s build/vigil build/bench-dblookup
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
times=()
for _ in $(seq "$RUNS"); do
  rm -f "$tmp/v.db"
  t0=$(date +%s.%N)
  "$ROOT/build/vigil" db update --from "$MIRROR" --db "$tmp/v.db" ${FEEDS:+--only "$FEEDS"} > /dev/null 2>&1
  t1=$(date +%s.%N)
  times+=("$(echo "$t1 - $t0" | bc)")
done
med=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "feeds: $("$ROOT/build/vigil" db info --db "$tmp/v.db" --format json | /usr/bin/python3 -c 'import json,sys; print(", ".join("%s %d" % (f["name"], f["records"]) for f in json.load(sys.stdin)["feeds"]))')"
echo
echo "| full build s (median of $RUNS) | database MB | lookup |"
echo "|---|---|---|"
echo "| $med | $(echo "scale=1; $(stat -c %s "$tmp/v.db") / 1048576" | bc) | $("$ROOT/build/bench-dblookup" "$tmp/v.db" 5000) |"

t0=$(date +%s.%N)
"$ROOT/build/vigil" db export "$tmp/v.vdb" --db "$tmp/v.db" > /dev/null 2>&1
t1=$(date +%s.%N)
echo
echo "| export s | bundle MB (zstd) |"
echo "|---|---|"
echo "| $(echo "$t1 - $t0" | bc) | $(echo "scale=1; $(stat -c %s "$tmp/v.vdb") / 1048576" | bc) |"
echo
echo "| feed alone | records | packages | build s | database MB |"
echo "|---|---:|---:|---:|---:|"
"$ROOT/build/vigil" db info --db "$tmp/v.db" --format json |
  /usr/bin/python3 -c 'import json,sys; [print(f["name"], f["records"], f["packages"]) for f in json.load(sys.stdin)["feeds"]]' |
  while read -r name recs pkgs; do
    rm -f "$tmp/f.db"
    t0=$(date +%s.%N)
    "$ROOT/build/vigil" db update --from "$MIRROR" --only "$name" --db "$tmp/f.db" > /dev/null 2>&1
    t1=$(date +%s.%N)
    echo "| $name | $recs | $pkgs | $(echo "$t1 - $t0" | bc) | $(echo "scale=1; $(stat -c %s "$tmp/f.db") / 1048576" | bc) |"
  done
