#!/usr/bin/env bash
# vigil scan --rematch INVENTORY.json: re-matching a saved inventory (`vigil sbom --format
# json`) against a database without the image. On the Alpine 3.20 root filesystem of
# ../shared/fixtures against mirrors this script writes itself:
#   db1  alpine-secdb v3.20: busybox fixed in 99.0-r0 (CVE-2099-0101)
#   db2  the same plus musl fixed in 99.2-r0 (CVE-2099-0102): a newer database finds the
#        new vulnerability in the stored inventory, with the image gone
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=${VIGIL_SHARED:-$top/../shared}
VIGIL=${VIGIL:-$top/build/vigil}
fail=0
pass() { echo "PASS: scan/rematch: $1"; }
bad() { echo "FAIL: scan/rematch: $1"; fail=1; }
src=$shared/fixtures/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz
if [ ! -f "$src" ]; then
  if [ "${CI:-}" = true ]; then echo "FAIL: scan/rematch: $src not found"; exit 1; fi
  echo "SKIP: scan/rematch: $src not found"; exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/rootfs" && tar -xzf "$src" -C "$tmp/rootfs" 2>/dev/null

mirror() { # mirror DIR [musl]
  mkdir -p "$1/alpine-secdb/v3.20"
  { printf 'distroversion: v3.20\nreponame: main\narchs:\n  - x86_64\npackages:\n'
    printf '  - pkg:\n      name: busybox\n      secfixes:\n        99.0-r0:\n          - CVE-2099-0101\n'
    [ "${2:-}" = musl ] &&
      printf '  - pkg:\n      name: musl\n      secfixes:\n        99.2-r0:\n          - CVE-2099-0102\n'
  } > "$1/alpine-secdb/v3.20/main.yaml"
  tar -czf "$1/alpine-secdb.tar.gz" -C "$1" alpine-secdb && rm -rf "${1:?}/alpine-secdb"
}
mirror "$tmp/m1"; mirror "$tmp/m2" musl
for n in 1 2; do
  if ! "$VIGIL" db update --from "$tmp/m$n" --only alpine-secdb --db "$tmp/db$n" > "$tmp/up$n" 2>&1; then
    bad "db update $n failed: $(tail -3 "$tmp/up$n")"; exit 1
  fi
done

# 1. the same findings as the scan of the image
"$VIGIL" sbom --format json -o "$tmp/inv.json" "rootfs:$tmp/rootfs" 2> "$tmp/err" ||
  { bad "vigil sbom failed: $(cat "$tmp/err")"; exit 1; }
"$VIGIL" scan -q --scanners vuln --db "$tmp/db1" --format json "rootfs:$tmp/rootfs" > "$tmp/direct.json" 2> "$tmp/err" ||
  bad "direct scan failed: $(cat "$tmp/err")"
if "$VIGIL" scan -q --db "$tmp/db1" --format json --rematch "$tmp/inv.json" > "$tmp/re1.json" 2> "$tmp/err"; then
  if python3 - "$tmp/direct.json" "$tmp/re1.json" <<'EOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
strip = lambda vs: [{k: v for k, v in x.items() if k != "layer"} | {"layer": x["layer"]["index"]} for x in vs]
assert a["vulnerabilities"] and strip(a["vulnerabilities"]) == strip(b["vulnerabilities"]), "vulnerabilities differ"
assert a["summary"] == b["summary"], "summaries differ"
assert a["packages"] == b["packages"], "packages differ"
assert b["secrets"] is None and b["malware"] is None, "rematch ran other scanners"
ids = sorted({v["id"] for v in b["vulnerabilities"]})
assert ids == ["CVE-2099-0101"], ids
EOF
  then pass "rematch of the saved inventory equals the scan of the image (vulnerabilities, summary, packages)"
  else bad "rematch differs from the direct scan"; fi
else
  bad "rematch failed: $(cat "$tmp/err")"
fi

# 2. a newer database, the image gone
rm -rf "$tmp/rootfs"
"$VIGIL" scan -q --db "$tmp/db2" --format json --rematch "$tmp/inv.json" > "$tmp/re2.json" 2> "$tmp/err"
ids=$(python3 -c 'import json,sys; print(",".join(sorted({v["id"] for v in json.load(open(sys.argv[1]))["vulnerabilities"]})))' "$tmp/re2.json" 2>/dev/null)
if [ "$ids" = "CVE-2099-0101,CVE-2099-0102" ]; then
  pass "a newer database finds the new vulnerability in the stored inventory without the image"
else
  bad "rematch against db2 gave '$ids': $(cat "$tmp/err")"
fi

# 3. gates and formats work on a rematch
"$VIGIL" scan -q --db "$tmp/db2" --exit-code 5 --rematch "$tmp/inv.json" > "$tmp/t.txt" 2>&1; rc=$?
"$VIGIL" scan -q --db "$tmp/db2" --exit-code 5 --severity CRITICAL --rematch "$tmp/inv.json" > /dev/null 2>&1; rc2=$?
if [ $rc = 5 ] && [ $rc2 = 0 ] && grep -q CVE-2099-0102 "$tmp/t.txt"; then
  pass "--exit-code and --severity gate a rematch (exit $rc / $rc2), table lists the finding"
else
  bad "gates on rematch: exit $rc / $rc2"
fi
ok=1
for fmt in sarif junit; do
  "$VIGIL" scan -q --db "$tmp/db2" --format $fmt --rematch "$tmp/inv.json" > "$tmp/o.$fmt" 2>/dev/null &&
    grep -q CVE-2099-0102 "$tmp/o.$fmt" || ok=0
done
[ $ok = 1 ] && pass "sarif and junit reports of a rematch" || bad "sarif / junit of a rematch"

# 4. errors: one line, exit 2
check_err() { # NAME EXPECTED-SUBSTRING ARGS...
  local name=$1 want=$2; shift 2
  "$VIGIL" scan -q --db "$tmp/db1" "$@" > /dev/null 2> "$tmp/e"; local rc=$?
  if [ $rc = 2 ] && [ "$(grep -c . "$tmp/e")" -le 2 ] && grep -q "$want" "$tmp/e"; then
    pass "$name: exit 2, '$want'"
  else
    bad "$name: exit $rc: $(head -c 300 "$tmp/e")"
  fi
}
echo '{"packages": [{"type": "apk", "name": 3}]}' > "$tmp/bad.json"
check_err "malformed inventory" "not a Vigil inventory" --rematch "$tmp/bad.json"
check_err "not JSON" "malformed JSON" --rematch /etc/hostname
check_err "missing file" "cannot read" --rematch "$tmp/none.json"
check_err "with an IMAGE too" "takes the place of IMAGE" --rematch "$tmp/inv.json" rootfs:/
check_err "other scanners" "vulnerabilities only" --scanners secret --rematch "$tmp/inv.json"
check_err "cyclonedx needs the image" "cyclonedx needs an image" --format cyclonedx --rematch "$tmp/inv.json"
exit $fail
