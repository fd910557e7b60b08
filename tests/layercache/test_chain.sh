#!/usr/bin/env bash
# Cached base layers, and an image's own layer that changes what they gave the analyzers
# (docs/layer-cache.md): the inventory, secret and malware results of a replayed layer
# come from the cache (the layer's output, not its files), the configuration checks get
# the kept files. tests/layercache/mkimages.py --variants builds, on the Debian fixture
# plus two base layers: "pkgrepl", whose own layer replaces the dpkg database (a package
# left out, another's version changed) and /etc/passwd (a second UID 0), and "pkgwh",
# whose own layer deletes both. Each is scanned without the cache, then with a cache
# that the base image filled (the base layers replayed), then again (every layer from
# the cache): the JSON and table reports must be byte-identical, and must differ from the
# base's where the own layer says so (the test is not vacuous).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=${VIGIL_SHARED:-$top/../shared}
VIGIL=${VIGIL:-$top/build/vigil}
fail=0
pass() { echo "PASS: layercache-chain: $1"; }
bad() { echo "FAIL: layercache-chain: $1"; fail=1; }
for t in python3 jq sqlite3; do
  if ! command -v "$t" > /dev/null; then
    if [ "${CI:-}" = true ]; then echo "FAIL: layercache-chain: $t not installed"; exit 1; fi
    echo "SKIP: layercache-chain: $t not installed"; exit 0
  fi
done
if [ ! -d "$shared/vulndata" ]; then
  if [ "${CI:-}" = true ]; then echo "FAIL: layercache-chain: $shared/vulndata missing"; exit 1; fi
  echo "SKIP: layercache-chain: $shared/vulndata missing"; exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
D=$("$top/tests/fixtures/make-golden-debian.sh" 2> "$tmp/fx.err") ||
  { bad "Debian fixture failed: $(tail -2 "$tmp/fx.err")"; exit 1; }
python3 "$top/tests/layercache/mkimages.py" "$tmp/img" 1 "$D/oci" --variants ||
  { bad "mkimages.py failed"; exit 1; }
db=$tmp/vigil.db
"$VIGIL" db update --from "$shared/vulndata" --db "$db" > "$tmp/up" 2>&1 ||
  { bad "db update failed: $(tail -3 "$tmp/up")"; exit 1; }

scan() { # scan OUT TAG [options...]
  local out=$1 tag=$2
  shift 2
  "$VIGIL" scan "$tmp/img" --tag "$tag" --scanners all --db "$db" --db-max-age 100000 \
    --format json -o "$out.json" --format table -o "$out.txt" "$@" > /dev/null 2> "$out.err"
  echo $? > "$out.rc"
}
same() { cmp -s "$1.json" "$2.json" && cmp -s "$1.txt" "$2.txt" && cmp -s "$1.rc" "$2.rc"; }
cache=$tmp/cache
for t in base pkgrepl pkgwh; do scan "$tmp/ref.$t" "$t"; done
for t in base pkgrepl pkgwh; do scan "$tmp/cold.$t" "$t" --cache-dir "$cache"; done
for t in pkgwh pkgrepl base; do scan "$tmp/warm.$t" "$t" --cache-dir "$cache"; done

for t in base pkgrepl pkgwh; do
  rc=$(cat "$tmp/ref.$t.rc")
  if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
    bad "$t: the uncached scan failed (exit $rc): $(grep -v warning "$tmp/ref.$t.err" | head -2)"
    continue
  fi
  for p in cold warm; do
    if same "$tmp/ref.$t" "$tmp/$p.$t"; then
      pass "$t: $p cache: JSON and table reports byte-identical to the uncached scan"
    else
      bad "$t: $p cache: the report differs from the uncached scan: $(diff <(jq -S . "$tmp/ref.$t.json") <(jq -S . "$tmp/$p.$t.json") 2>&1 | head -8 | cut -c1-200 | tr '\n' ' ')"
    fi
  done
done

# not vacuous: what the own layers changed shows in the reports
debs() { jq '[.packages[]? | select(.type == "deb")] | length' "$1.json"; }
ver() { jq -r --arg n "$2" '[.packages[]? | select(.type == "deb" and .name == $n) | .version] | first // ""' "$1.json"; }
cfg() { jq --arg id "$2" '[.. | objects | select(.id? == $id)] | length' "$1.json"; }
nb=$(debs "$tmp/ref.base") nr=$(debs "$tmp/ref.pkgrepl") nw=$(debs "$tmp/ref.pkgwh")
if [ "$nb" -gt 50 ] && [ "$nr" -lt "$nb" ] && [ "$nr" -gt 0 ] && [ "$nw" = 0 ]; then
  pass "the own layers change the inventory: $nb Debian packages in the base, $nr after the replaced database, $nw after its deletion"
else
  bad "the variants do not change the inventory as built: base $nb, pkgrepl $nr, pkgwh $nw Debian packages"
fi
if [ "$(cfg "$tmp/ref.pkgrepl" VGL-IMG-021)" -gt 0 ] && [ "$(cfg "$tmp/ref.base" VGL-IMG-021)" = 0 ] &&
  [ "$(cfg "$tmp/ref.pkgwh" VGL-IMG-021)" = 0 ]; then
  pass "the replaced /etc/passwd (a second UID 0) gives VGL-IMG-021 in pkgrepl only"
else
  bad "VGL-IMG-021 expected in pkgrepl only: base $(cfg "$tmp/ref.base" VGL-IMG-021), pkgrepl $(cfg "$tmp/ref.pkgrepl" VGL-IMG-021), pkgwh $(cfg "$tmp/ref.pkgwh" VGL-IMG-021)"
fi
# the base's layers were replayed: every entry hit, the warm pass hit all of them again
hits=$(sqlite3 "$cache/store.db" "SELECT count(*) || ' ' || sum(hits) || ' ' || sum(hits = 0) FROM layer_cache")
read -r entries total unhit <<< "$hits"
if [ "${entries:-0}" -ge 5 ] && [ "${unhit:-1}" = 0 ] && [ "${total:-0}" -ge 15 ]; then
  pass "the cache was used: $entries entries, $total hits, none unused"
else
  bad "the cache was not used as expected: entries, hits, unused: $hits"
fi
exit $fail
