#!/usr/bin/env bash
# Randomized agreement: >= 10,000 seeded, realistic version pairs per scheme compared by
# `vigil vercmp SCHEME -` and by the real tools: `dpkg --compare-versions`, rpm's own
# rpm.labelCompare (Debian python3-rpm), pypa/packaging's Version (Debian
# python3-packaging), node-semver (npm's copy: compare, and satisfies for ranges) and
# Maven's own ComparableVersion (Debian libmaven3-core-java, run by its main()).
# Zero disagreements required. The real tools' answers are cached in
# $VIGIL_CACHE/vercmp-agreement-<hash>/ (dpkg takes ~40 s).
#   VIGIL_AGREE_N=N   pairs per scheme (default 10000)
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VIGIL=${VIGIL:-build/vigil}
N=${VIGIL_AGREE_N:-10000}
SEED=20261124
PY=/usr/bin/python3
# the cache key: the pair generator, this script and the oracles' own versions (a new dpkg,
# rpm, packaging, node-semver or Maven must be asked again, not trusted from the cache)
tool_versions() {
  dpkg --version 2>/dev/null | head -1
  "$PY" -c 'import rpm; print("rpm", rpm.__version__)' 2>/dev/null
  "$PY" -c 'import packaging; print("packaging", packaging.__version__)' 2>/dev/null
  node --version 2>/dev/null
  cat "$(npm root -g 2>/dev/null)/npm/node_modules/semver/package.json" 2>/dev/null | sha256sum
  sha256sum /usr/share/java/maven3-artifact.jar 2>/dev/null
}
key=$( (cat "$HERE/gen_pairs.py" "$HERE/test_agreement.sh"; tool_versions) | sha256sum | cut -c1-12)
cache=${VIGIL_CACHE:-$HOME/.cache/vigil}/vercmp-agreement-$key
mkdir -p "$cache"
fail=0

# report SCHEME TOOL PAIRS EXPECTED: compares vigil's answers with the tool's
report() {
  local scheme=$1 tool=$2 pairs=$3 expected=$4 got
  got=$(mktemp)
  # a range vigil cannot parse is "error", never "no": node-semver says "error" only for a
  # range it rejects too (validRange), so a parse failure of vigil's is a disagreement
  cut -f1,2 "$pairs" | "$VIGIL" vercmp "$scheme" ${SATISFIES:+--satisfies} - > "$got" || {
    echo "FAIL: version/agreement/$scheme: vigil vercmp exited non-zero"; rm -f "$got"; fail=1; return; }
  local n bad
  if [ ! -s "$expected" ]; then
    echo "FAIL: version/agreement/$scheme: $tool gave no answers"; rm -f "$got"; fail=1; return
  fi
  n=$(wc -l < "$expected")
  bad=$(paste "$pairs" "$expected" "$got" | awk -F'\t' '{ e = $(NF-1); g = $NF; if (e != g) { c++; if (c <= 5) printf "%s %s %s (%s says %s)\n", $1, g, $2, "'"$tool"'", e } } END { print c + 0 > "/dev/stderr" }' 2> "$got.count")
  if [ "$n" -lt "$N" ] || [ "$(wc -l < "$got")" -ne "$n" ]; then
    echo "FAIL: version/agreement/$scheme: expected $N answers, got $(wc -l < "$got") of $n"; fail=1
  elif [ "$(cat "$got.count")" != 0 ]; then
    echo "FAIL: version/agreement/$scheme: $(cat "$got.count") of $n pairs disagree with $tool, e.g.:"
    printf '%s\n' "$bad" | sed 's/^/    /'; fail=1
  else
    echo "PASS: version/agreement/$scheme${SATISFIES:+ ranges}: $n random ${SATISFIES:+version/range }pairs, 0 disagreements with $tool"
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

# PEP 440: candidates that packaging accepts, the first N of them
if ! "$PY" -c 'import packaging.version' 2> /dev/null; then
  echo "SKIP: version/agreement/pep440: python3-packaging is not installed"
else
  pairs=$cache/pep440-$N.pairs
  if [ ! -s "$cache/pep440-$N.expected" ]; then
    python3 "$HERE/gen_pairs.py" pep440 $((N * 2)) "$SEED" | "$PY" -c '
import sys
from packaging.version import Version, InvalidVersion
n = int(sys.argv[1]); pairs = open(sys.argv[2], "w"); exp = open(sys.argv[3], "w")
for line in sys.stdin:
    if n == 0:
        continue
    a, b = line.rstrip("\n").split("\t")
    try:
        x, y = Version(a), Version(b)
    except InvalidVersion:
        continue
    pairs.write(line); exp.write("<\n" if x < y else ">\n" if x > y else "=\n"); n -= 1
' "$N" "$pairs" "$cache/pep440-$N.tmp" && mv "$cache/pep440-$N.tmp" "$cache/pep440-$N.expected"
  fi
  report pep440 "packaging $("$PY" -c 'import packaging; print(packaging.__version__)')" "$pairs" "$cache/pep440-$N.expected"
fi

# node-semver: SemVer precedence, and ranges (satisfies)
SEMVER_JS=$(npm root -g 2> /dev/null)/npm/node_modules/semver
if ! command -v node > /dev/null || [ ! -f "$SEMVER_JS/package.json" ]; then
  echo "SKIP: version/agreement/semver: node and npm's bundled semver are not installed"
  echo "SKIP: version/agreement/npm-ranges: node and npm's bundled semver are not installed"
else
  ver=$(node -p "require('$SEMVER_JS/package.json').version")
  pairs=$cache/semver-$N.pairs
  if [ ! -s "$cache/semver-$N.expected" ]; then
    python3 "$HERE/gen_pairs.py" semver "$N" "$SEED" > "$pairs"
    node -e '
const semver = require(process.argv[1]);
const lines = require("fs").readFileSync(process.argv[2], "utf8").split("\n").filter(l => l);
process.stdout.write(lines.map(l => { const [a, b] = l.split("\t"); const c = semver.compare(a, b);
  return c < 0 ? "<" : c > 0 ? ">" : "="; }).join("\n") + "\n");
' "$SEMVER_JS" "$pairs" > "$cache/semver-$N.tmp" && mv "$cache/semver-$N.tmp" "$cache/semver-$N.expected"
  fi
  report semver "node-semver $ver compare" "$pairs" "$cache/semver-$N.expected"
  pairs=$cache/npmrange-$N.pairs
  if [ ! -s "$cache/npmrange-$N.expected" ]; then
    python3 "$HERE/gen_pairs.py" npmrange "$N" "$SEED" > "$pairs"
    node -e '
const semver = require(process.argv[1]);
const lines = require("fs").readFileSync(process.argv[2], "utf8").split("\n").filter(l => l);
process.stdout.write(lines.map(l => { const [v, r] = l.split("\t");
  return semver.validRange(r) === null ? "error" : semver.satisfies(v, r) ? "yes" : "no"; }).join("\n") + "\n");
' "$SEMVER_JS" "$pairs" > "$cache/npmrange-$N.tmp" && mv "$cache/npmrange-$N.tmp" "$cache/npmrange-$N.expected"
  fi
  SATISFIES=1 report npm "node-semver $ver satisfies" "$pairs" "$cache/npmrange-$N.expected"
fi
# Maven: ComparableVersion's main() compares each argument with the next one
MAVEN_JAR=/usr/share/java/maven3-artifact.jar
if ! command -v java > /dev/null || [ ! -f "$MAVEN_JAR" ]; then
  echo "SKIP: version/agreement/maven: java or $MAVEN_JAR (libmaven3-core-java) is missing"
else
  pairs=$cache/maven-$N.pairs
  if [ ! -s "$cache/maven-$N.expected" ]; then
    python3 "$HERE/gen_pairs.py" maven "$N" "$SEED" > "$pairs"
    tr '\t' '\n' < "$pairs" | tr '\n' '\0' |
      xargs -0 -n 2000 java -cp "$MAVEN_JAR" org.apache.maven.artifact.versioning.ComparableVersion |
      python3 -c '
import sys
k = 0
for l in sys.stdin:
    if l.startswith("Display parameters"):
        k = 0  # a new java run (xargs splits at pair boundaries: -n is even)
    elif l.startswith("   "):
        if k % 2 == 0:
            print({"<": "<", ">": ">", "==": "="}[l.split()[1]])
        k += 1
' > "$cache/maven-$N.tmp" && mv "$cache/maven-$N.tmp" "$cache/maven-$N.expected"
  fi
  mver=$(find /usr/share/java -name 'maven3-artifact-*.jar' 2> /dev/null | sed -n 's/.*artifact-\(.*\)\.jar$/\1/p' | head -1)
  report maven "Maven ${mver:-3} ComparableVersion" "$pairs" "$cache/maven-$N.expected"
fi
exit $fail
