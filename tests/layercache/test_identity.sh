#!/usr/bin/env bash
# The per-layer cache changes nothing in a report (docs/layer-cache.md): every fixture
# image (OCI layouts and docker archives of tests/fixtures) is scanned with every scanner
# against a database built from ../shared/vulndata three times - without the cache, with a
# cache shared by all images (cold: layers of earlier images may already be in it), and
# again (warm: every layer from the cache) - and the three reports must be byte-identical,
# as must the exit codes and error messages. Then the store must show that the warm pass
# read every cached layer from it, and the table report must be identical too.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=${VIGIL_SHARED:-$top/../shared}
VIGIL=${VIGIL:-$top/build/vigil}
fx=$top/tests/fixtures
fail=0
pass() { echo "PASS: layercache: $1"; }
bad() { echo "FAIL: layercache: $1"; fail=1; }
need() {
  if ! command -v "$1" > /dev/null; then
    if [ "${CI:-}" = true ]; then echo "FAIL: layercache: $1 not installed"; exit 1; fi
    echo "SKIP: layercache: $1 not installed"; exit 0
  fi
}
need sqlite3; need python3
if [ ! -d "$shared/vulndata" ]; then
  if [ "${CI:-}" = true ]; then echo "FAIL: layercache: $shared/vulndata missing"; exit 1; fi
  echo "SKIP: layercache: $shared/vulndata missing"; exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/vigil.db
"$VIGIL" db update --from "$shared/vulndata" --db "$db" > "$tmp/up" 2>&1 ||
  { bad "db update failed: $(tail -3 "$tmp/up")"; exit 1; }

# every fixture image: OCI layouts (each directory with an index.json) and docker archives
imgs=()
for s in make-golden-alpine.sh make-golden-debian.sh make-golden-rpm.sh make-golden-go.sh \
  make-golden-lang.sh make-secret-image.sh make-malware-image.sh make-config-images.sh \
  make-appimages-java-go.sh make-appimages-lang.sh build-images.sh; do
  d=$("$fx/$s" 2> "$tmp/fx.err") || { bad "fixture $s failed: $(tail -2 "$tmp/fx.err")"; continue; }
  while IFS= read -r f; do imgs+=("$(dirname "$f")"); done < <(find "$d" -name index.json -not -path '*/blobs/*' | sort)
  while IFS= read -r f; do imgs+=("$f"); done < <(find "$d" -maxdepth 3 -name '*.tar' -size +1k | sort)
done
[ ${#imgs[@]} -ge 20 ] || bad "only ${#imgs[@]} fixture images found"
case $VIGIL in *build-asan*) # the sanitizer build is several times slower: every third image
  sub=(); for i in "${!imgs[@]}"; do [ $((i % 3)) = 0 ] && sub+=("${imgs[$i]}"); done
  imgs=("${sub[@]}") ;;
esac

cache=$tmp/cache
scan() { # scan OUT IMAGE [cache options...]
  local out=$1 img=$2
  shift 2
  "$VIGIL" scan "$img" --scanners all --db "$db" --db-max-age 100000 --format json -o "$out.json" \
    --format table -o "$out.txt" "$@" > /dev/null 2> "$out.err"
  echo $? > "$out.rc"
  # the error line, not the warnings (the same in both) nor progress
  grep -v '^vigil: warning' "$out.err" > "$out.msg" || true
}
# two outputs are the same when both are missing (a refused image) or byte-identical
eq() { { [ ! -e "$1" ] && [ ! -e "$2" ]; } || cmp -s "$1" "$2"; }
alike() { # alike A B: reports, exit codes and messages of two runs
  eq "$1.json" "$2.json" && eq "$1.txt" "$2.txt" && cmp -s "$1.rc" "$2.rc" && cmp -s "$1.msg" "$2.msg"
}
n=0 same=0 scanned=0
for img in "${imgs[@]}"; do
  n=$((n + 1))
  o=$tmp/i$n
  scan "$o.a" "$img"
  scan "$o.b" "$img" --cache-dir "$cache"
  [ "$(cat "$o.a.rc")" = 0 ] && scanned=$((scanned + 1))
  if alike "$o.a" "$o.b"; then
    same=$((same + 1))
  else
    bad "cold cache: $img: the report differs from the uncached scan: $(diff "$o.a.json" "$o.b.json" 2>&1 | head -5 | cut -c1-300 | tr '\n' ' ') $(head -2 "$o.b.msg")"
  fi
done
[ "$same" = "$n" ] && pass "$n fixture images ($scanned scanned, the others refused alike): with a cold cache shared by all images, JSON and table reports byte-identical to uncached scans"

before=$(sqlite3 "$cache/store.db" "SELECT count(*) || ' ' || sum(hits) FROM layer_cache")
entries=${before% *}
[ "${entries:-0}" -gt $(( ${#imgs[@]} / 2 )) ] && pass "the cache holds $entries layers after the cold pass" ||
  bad "the cache holds only ${entries:-0} layers after the cold pass"
n=0 same=0
for img in "${imgs[@]}"; do
  n=$((n + 1))
  o=$tmp/i$n
  scan "$o.c" "$img" --cache-dir "$cache"
  if alike "$o.a" "$o.c"; then
    same=$((same + 1))
  else
    bad "warm cache: $img: the report differs from the uncached scan: $(diff "$o.a.json" "$o.c.json" 2>&1 | head -5 | cut -c1-300 | tr '\n' ' ') $(head -2 "$o.c.msg")"
  fi
done
[ "$same" = "$n" ] && pass "$n fixture images: with every layer from the cache, JSON and table reports byte-identical to uncached scans"
after=$(sqlite3 "$cache/store.db" "SELECT count(*) || ' ' || sum(hits) FROM layer_cache")
unhit=$(sqlite3 "$cache/store.db" "SELECT count(*) FROM layer_cache WHERE hits = 0")
if [ "${after% *}" = "$entries" ] && [ "$unhit" = 0 ] && [ "${after#* }" -gt "${before#* }" ]; then
  pass "the warm pass read from the cache (hits ${before#* } -> ${after#* }), added no entry, every entry was used"
else
  bad "the warm pass did not use the cache as expected: before '$before', after '$after', never hit $unhit"
fi

# a damaged entry is never trusted: the layer is read again, the report is the same
sqlite3 "$cache/store.db" "UPDATE layer_cache SET data = zeroblob(length(data))" ||
  bad "could not damage the cache"
img=${imgs[0]}
scan "$tmp/d" "$img" --cache-dir "$cache"
if cmp -s "$tmp/i1.a.json" "$tmp/d.json" && [ "$(cat "$tmp/d.rc")" = "$(cat "$tmp/i1.a.rc")" ]; then
  pass "damaged cache entries are ignored: the layers are read again, same report"
else
  bad "a damaged cache entry changed the report of $img: $(head -3 "$tmp/d.msg")"
fi
exit $fail
