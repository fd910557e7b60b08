#!/usr/bin/env bash
# Vulnerability database: counts equal those computed independently from the raw feed
# archives; statuses and edge cases of the secdb importer; a truncated archive fails its
# update with a clear error and leaves the old database; --only re-imports one feed;
# kill -9 in the middle of an update leaves the old database intact and usable.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=${VIGIL_SHARED:-$top/../shared}
VIGIL=${VIGIL:-$top/build/vigil}
PY=/usr/bin/python3
vd=$shared/vulndata
[ -d "$vd" ] || { echo "SKIP: vulndb: $vd not found (../shared missing)"; exit 0; }
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
fail=0
pass() { echo "PASS: vulndb: $1"; }
bad() { echo "FAIL: vulndb: $1"; fail=1; }
db=$tmp/vigil.db

feed() {  # feed DB NAME FIELD: a field of `db info --format json` for one feed
  "$VIGIL" db info --db "$1" --format json | $PY -c '
import json, sys
for f in json.load(sys.stdin)["feeds"]:
    if f["name"] == sys.argv[1]:
        print(f[sys.argv[2]])' "$2" "$3"
}

# 1. full build from the mirror; counts against the raw files
if "$VIGIL" db update --from "$vd" --db "$db" > "$tmp/out" 2>&1; then
  pass "db update --from ../shared/vulndata"
else
  bad "db update failed: $(tail -3 "$tmp/out")"
fi
want=$($PY - "$vd" <<'PYEOF'
import json, sys, tarfile, yaml
vd = sys.argv[1]
pairs, pkgs = 0, set()
with tarfile.open(vd + "/alpine-secdb.tar.gz") as t:
    for m in t.getmembers():
        if m.isfile() and m.name.endswith(".yaml"):
            rel = m.name.split("/", 1)[1]
            doc = yaml.safe_load(t.extractfile(m))
            for p in doc.get("packages") or []:
                fixes = p["pkg"].get("secfixes") or {}
                if fixes:
                    pkgs.add((rel.split("/")[0], p["pkg"]["name"]))
                for ids in fixes.values():
                    pairs += len(ids or [])
with tarfile.open(vd + "/cisa-kev.tar.gz") as t:
    kev = json.load(t.extractfile("cisa-kev/known_exploited_vulnerabilities.json"))
go = withdrawn = 0
with tarfile.open(vd + "/golang-vulndb.tar.gz") as t:
    for m in t.getmembers():
        parts = m.name.split("/")
        if m.isfile() and parts[1:3] == ["data", "osv"] and len(parts) == 4 and m.name.endswith(".json"):
            if "withdrawn" in json.load(t.extractfile(m)):
                withdrawn += 1
            else:
                go += 1
alma = 0
with tarfile.open(vd + "/almalinux-osv.tar.gz") as t:
    for m in t.getmembers():
        base = m.name.rsplit("/", 1)[-1]
        if m.isfile() and "/advisories/almalinux" in m.name and base.startswith("ALSA-") and base.endswith(".json"):
            alma += 1
debcl = 0
with tarfile.open(vd + "/debian-changelog-osv.tar.gz") as t:
    for m in t.getmembers():
        parts = m.name.split("/")
        if m.isfile() and len(parts) == 3 and parts[1].startswith("Debian-") and parts[2].endswith(".json"):
            debcl += 1
print(pairs, len(pkgs), len(kev["vulnerabilities"]), go, withdrawn, alma, debcl)
PYEOF
)
read -r w_pairs w_pkgs w_kev w_go w_wd w_alma w_debcl <<< "$want"
got="$(feed "$db" alpine-secdb records) $(feed "$db" alpine-secdb packages) $(feed "$db" cisa-kev records) $(feed "$db" golang-vulndb records)"
if [ "$got" = "$w_pairs $w_pkgs $w_kev $w_go" ]; then
  pass "counts equal the raw files: $w_pairs Alpine secfix pairs, $w_pkgs packages, $w_kev KEV entries, $w_go Go OSV entries (+$w_wd withdrawn, not imported)"
else
  bad "counts: db info says '$got', the raw files '$w_pairs $w_pkgs $w_kev $w_go'"
fi
got="$(feed "$db" almalinux-osv records) $(feed "$db" debian-changelog-osv records)"
if [ "$got" = "$w_alma $w_debcl" ]; then
  pass "counts equal the raw files: $w_alma AlmaLinux security advisories (ALSA; ALBA/ALEA left out), $w_debcl Debian changelog OSV records"
else
  bad "counts: db info says '$got', the raw files '$w_alma $w_debcl'"
fi

# the same counts read from the rows the database holds (not the importer's counters):
# statements per (package, fixed version, id), KEV rows, distinct Go vulnerabilities, the
# distinct Alpine (release, package) pairs
sql() { sqlite3 -readonly "$db" "$1" 2>&1; }
got="$(sql "SELECT count(*) FROM affected WHERE feed='alpine-secdb'") $(sql "SELECT count(*) FROM (SELECT DISTINCT ecosystem, package FROM affected WHERE feed='alpine-secdb')") $(sql "SELECT count(*) FROM kev") $(sql "SELECT count(DISTINCT vuln) FROM affected WHERE feed='golang-vulndb'")"
if [ "$got" = "$w_pairs $w_pkgs $w_kev $w_go" ]; then
  pass "rows in the database equal the raw files: $w_pairs Alpine statements of $w_pkgs (release, package), $w_kev KEV rows, $w_go Go vulnerabilities"
else
  bad "rows in the database: '$got', the raw files '$w_pairs $w_pkgs $w_kev $w_go'"
fi

# 2. importer edge cases on a small mirror of our own
mkdir -p "$tmp/mirror/alpine-secdb/v3.20" "$tmp/mirror/cisa-kev"
cat > "$tmp/mirror/alpine-secdb/v3.20/main.yaml" <<'YEOF'
---
distroversion: v3.20
packages:
  - pkg:
      name: openssl
      secfixes:
        3.1.4-r0:
          - CVE-2023-5363
          - CVE_2023-5678 (+ regression fix)
        0:
          - CVE-2022-0001
  - pkg:
      secfixes:
        1.0-r0:
          - GHSA-aaaa-bbbb-cccc
      name: late-name
  - pkg:
      name: broken
      secfixes:
        1.0-r0: [[nested]]
YEOF
printf '{"catalogVersion":"2025.01.01","vulnerabilities":[{"cveID":"CVE-2023-5363","dateAdded":"2025-01-01"}]}' \
  > "$tmp/mirror/cisa-kev/known_exploited_vulnerabilities.json"
mkdir -p "$tmp/mirror/golang-vulndb/data/osv"
cat > "$tmp/mirror/golang-vulndb/data/osv/GO-2099-0001.json" <<'JEOF'
{"id":"GO-2099-0001","aliases":["CVE-2099-1111"],"summary":"two ranges and last_affected",
 "affected":[{"package":{"ecosystem":"Go","name":"example.com/mod"},
   "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.3"},{"introduced":"2.0.0"},{"last_affected":"2.1.0"}]}]},
  {"package":{"ecosystem":"Go","name":"example.com/other"},
   "ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}
JEOF
printf '{"id":"GO-2099-0002","withdrawn":"2099-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Go","name":"example.com/w"}}]}' \
  > "$tmp/mirror/golang-vulndb/data/osv/GO-2099-0002.json"
printf '{"id": ' > "$tmp/mirror/golang-vulndb/data/osv/GO-2099-0003.json"
(cd "$tmp/mirror" && tar -czf alpine-secdb.tar.gz alpine-secdb && tar -czf cisa-kev.tar.gz cisa-kev &&
 tar -czf golang-vulndb.tar.gz golang-vulndb)
"$VIGIL" db update --from "$tmp/mirror" --db "$tmp/small.db" > "$tmp/small.out" 2>&1
rows=$($PY - "$tmp/small.db" <<'PYEOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for r in c.execute("SELECT a.ecosystem, a.package, v.vuln_id, a.status, IFNULL(a.fixed, '-') FROM affected a"
                   " JOIN vulns v ON v.id = a.vuln ORDER BY 1, 2, 3"):
    print("|".join(r))
PYEOF
)
expect='alpine:3.20|late-name|GHSA-aaaa-bbbb-cccc|fixed|1.0-r0
alpine:3.20|openssl|CVE-2022-0001|not_affected|-
alpine:3.20|openssl|CVE-2023-5363|fixed|3.1.4-r0
alpine:3.20|openssl|CVE-2023-5678|fixed|3.1.4-r0
go|example.com/mod|GO-2099-0001|fixed|1.2.3
go|example.com/other|GO-2099-0001|unfixed|-'
if [ "$rows" = "$expect" ]; then
  pass "secdb: fixed versions, '0' = not affected, CVE_ and notes normalised, GHSA, name after secfixes; OSV: several ranges and last_affected kept, no fix = unfixed, withdrawn not imported"
else
  bad "secdb rows differ:"; echo "$rows" | sed 's/^/      /'
fi
ranges=$($PY -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT ranges FROM affected WHERE package=?",("example.com/mod",)).fetchone()[0])' "$tmp/small.db")
case "$ranges" in *last_affected*2.1.0*) pass "OSV ranges stored for the matcher (last_affected 2.1.0 kept)" ;;
  *) bad "OSV ranges not stored: $ranges" ;; esac
if grep -q "malformed record(s) skipped" "$tmp/small.out" && [ "$(feed "$tmp/small.db" alpine-secdb skipped)" = 1 ] &&
   [ "$(feed "$tmp/small.db" golang-vulndb skipped)" = 1 ] && [ "$(feed "$tmp/small.db" golang-vulndb records)" = 1 ]; then
  pass "a malformed secdb entry and a malformed OSV file are skipped, counted and reported; the rest imported"
else
  bad "secdb: malformed entry not counted: $(cat "$tmp/small.out" | head -3)"
fi

out=$("$VIGIL" db lookup alpine:3.20 openssl --db "$tmp/small.db" 2>&1)
if echo "$out" | grep -q "CVE-2023-5363.*fixed.*3.1.4-r0.*alpine-secdb.*known exploited" &&
   echo "$out" | grep -q "CVE-2022-0001.*not_affected"; then
  pass "db lookup: statements for a package, with the KEV flag"
else
  bad "db lookup: $out"
fi

# 3. a truncated archive fails the update with a clear error; the old database stays
cp "$db" "$tmp/before.db"
mkdir -p "$tmp/trunc"
cp "$vd/cisa-kev.tar.gz" "$vd/golang-vulndb.tar.gz" "$tmp/trunc/"
head -c $(( $(stat -c %s "$vd/alpine-secdb.tar.gz") / 2 )) "$vd/alpine-secdb.tar.gz" > "$tmp/trunc/alpine-secdb.tar.gz"
"$VIGIL" db update --from "$tmp/trunc" --db "$db" > "$tmp/trunc.out" 2>&1; rc=$?
if [ $rc = 2 ] && grep -q "alpine-secdb.*truncated or corrupt" "$tmp/trunc.out" && cmp -s "$db" "$tmp/before.db" &&
   ! ls "$tmp"/vigil.db.tmp-* >/dev/null 2>&1; then
  pass "truncated archive: exit 2, '$(grep -o 'feed alpine-secdb[^(]*' "$tmp/trunc.out" | head -1)', old database unchanged, no temporary file left"
else
  bad "truncated archive: exit $rc, $(tail -2 "$tmp/trunc.out")"
fi

# 4. --only re-imports one feed and keeps the others
"$VIGIL" db update --from "$tmp/mirror" --only cisa-kev --db "$db" > "$tmp/only.out" 2>&1
if [ "$(feed "$db" cisa-kev records)" = 1 ] && [ "$(feed "$db" alpine-secdb records)" = "$w_pairs" ]; then
  pass "--only cisa-kev replaced KEV (1 entry) and kept the Alpine data ($w_pairs)"
else
  bad "--only: kev=$(feed "$db" cisa-kev records) alpine=$(feed "$db" alpine-secdb records)"
fi

# 5. kill -9 in the middle of an update: the mirror's archive is a FIFO that never
#    finishes, so the update is caught inside the import
cp "$db" "$tmp/before.db"
mkdir -p "$tmp/hang" && mkfifo "$tmp/hang/alpine-secdb.tar.gz"
for f in "$vd"/*.tar.gz; do [ "$(basename "$f")" = alpine-secdb.tar.gz ] || ln -s "$f" "$tmp/hang/"; done
exec 7<> "$tmp/hang/alpine-secdb.tar.gz"       # opened read-write: never blocks
"$VIGIL" db update --from "$tmp/hang" --db "$db" > "$tmp/hang.out" 2>&1 &
upd=$!; pids+=("$upd")
head -c 50000 "$vd/alpine-secdb.tar.gz" >&7    # part of the archive, then the writer stalls
# the marker: the update has its new database file open and is reading the alpine archive
# (the stalled FIFO), i.e. it is inside the import when it is killed
mid=0
for _ in $(seq 600); do
  if ls "$tmp"/vigil.db.tmp-* >/dev/null 2>&1 &&
     ls -l "/proc/$upd/fd" 2>/dev/null | grep -q 'hang/alpine-secdb.tar.gz'; then
    mid=1; break
  fi
  sleep 0.1
done
kill -9 "$upd"; wait "$upd" 2>/dev/null
exec 7>&-
if [ "$mid" = 1 ]; then
  pass "kill -9 landed inside the import (temporary database present, alpine archive open)"
else
  bad "the update was not seen inside the import within 60 s: $(head -c 300 "$tmp/hang.out")"
fi
if cmp -s "$db" "$tmp/before.db" && "$VIGIL" db info --db "$db" > /dev/null 2>&1 &&
   [ "$(feed "$db" alpine-secdb records)" = "$w_pairs" ]; then
  pass "kill -9 during an update: the old database is intact and usable"
else
  bad "kill -9 during an update damaged the database"
fi
# the next update removes the dead update's temporary file
"$VIGIL" db update --from "$tmp/mirror" --db "$db" > /dev/null 2>&1
if ! ls "$tmp"/vigil.db.tmp-* >/dev/null 2>&1; then
  pass "the next update removes the killed update's temporary file"
else
  bad "stale temporary file left: $(ls "$tmp"/vigil.db.tmp-*)"
fi

# 6. errors a user meets
"$VIGIL" db info --db "$tmp/none.db" > "$tmp/none.out" 2>&1; rc=$?
if [ $rc = 2 ] && grep -q "run 'vigil db update" "$tmp/none.out"; then
  pass "db info without a database: exit 2 and what to do"
else
  bad "db info without a database: exit $rc: $(cat "$tmp/none.out")"
fi
exit $fail
