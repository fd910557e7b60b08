#!/usr/bin/env bash
# Randomized agreement: >= 10,000 seeded, realistic version pairs per scheme compared by
# `vigil vercmp SCHEME -` and by the real tools: `dpkg --compare-versions` and rpm's own
# rpm.labelCompare (Debian python3-rpm). Zero disagreements required. The real tools'
# answers are cached in $VIGIL_CACHE/vercmp-agreement-<hash>/ (dpkg takes ~40 s).
#   VIGIL_AGREE_N=N   pairs per scheme (default 10000)
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VIGIL=${VIGIL:-build/vigil}
N=${VIGIL_AGREE_N:-10000}
SEED=20261124
PY=/usr/bin/python3
key=$(cat "$HERE/gen_pairs.py" "$HERE/test_agreement.sh" | sha256sum | cut -c1-12)
cache=${VIGIL_CACHE:-$HOME/.cache/vigil}/vercmp-agreement-$key
mkdir -p "$cache"
fail=0

# report SCHEME TOOL PAIRS EXPECTED: compares vigil's answers with the tool's
report() {
  local scheme=$1 tool=$2 pairs=$3 expected=$4 got
  got=$(mktemp)
  cut -f1,2 "$pairs" | "$VIGIL" vercmp "$scheme" - > "$got" || {
    echo "FAIL: version/agreement/$scheme: vigil vercmp exited non-zero"; rm -f "$got"; fail=1; return; }
  local n bad
  n=$(wc -l < "$expected")
  bad=$(paste "$pairs" "$expected" "$got" | awk -F'\t' '{ e = $(NF-1); g = $NF; if (e != g) { c++; if (c <= 5) printf "%s %s %s (%s says %s)\n", $1, g, $2, "'"$tool"'", e } } END { print c + 0 > "/dev/stderr" }' 2> "$got.count")
  if [ "$n" -lt "$N" ] || [ "$(wc -l < "$got")" -ne "$n" ]; then
    echo "FAIL: version/agreement/$scheme: expected $N answers, got $(wc -l < "$got") of $n"; fail=1
  elif [ "$(cat "$got.count")" != 0 ]; then
    echo "FAIL: version/agreement/$scheme: $(cat "$got.count") of $n pairs disagree with $tool, e.g.:"
    printf '%s\n' "$bad" | sed 's/^/    /'; fail=1
  else
    echo "PASS: version/agreement/$scheme: $n random pairs, 0 disagreements with $tool"
  fi
  rm -f "$got" "$got.count"
}

# dpkg
if ! command -v dpkg > /dev/null; then
  echo "SKIP: version/agreement/dpkg: dpkg is not installed"
else
  pairs=$cache/dpkg-$N.pairs
  if [ ! -s "$cache/dpkg-$N.expected" ]; then
    python3 "$HERE/gen_pairs.py" dpkg "$N" "$SEED" > "$pairs"
    while IFS=$'\t' read -r a b; do
      if dpkg --compare-versions "$a" lt "$b" 2> /dev/null; then echo '<'
      elif dpkg --compare-versions "$a" eq "$b" 2> /dev/null; then echo '='
      else echo '>'; fi
    done < "$pairs" > "$cache/dpkg-$N.tmp" && mv "$cache/dpkg-$N.tmp" "$cache/dpkg-$N.expected"
  fi
  report dpkg "dpkg --compare-versions" "$pairs" "$cache/dpkg-$N.expected"
fi

# rpm
if ! "$PY" -c 'import rpm' 2> /dev/null; then
  echo "SKIP: version/agreement/rpm: python3-rpm is not installed (apt-get install python3-rpm)"
else
  pairs=$cache/rpm-$N.pairs
  if [ ! -s "$cache/rpm-$N.expected" ]; then
    python3 "$HERE/gen_pairs.py" rpm "$N" "$SEED" > "$pairs"
    "$PY" -c '
import sys, rpm
for line in open(sys.argv[1]):
    f = [None if x == "-" else x for x in line.rstrip("\n").split("\t")[2:]]
    c = rpm.labelCompare(tuple(f[0:3]), tuple(f[3:6]))
    print("<" if c < 0 else ">" if c > 0 else "=")
' "$pairs" > "$cache/rpm-$N.tmp" && mv "$cache/rpm-$N.tmp" "$cache/rpm-$N.expected"
  fi
  report rpm "rpm.labelCompare" "$pairs" "$cache/rpm-$N.expected"
fi
exit $fail
