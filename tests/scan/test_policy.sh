#!/usr/bin/env bash
# vigil scan: gating, policy file, OpenVEX, report formats and database errors, on the
# Alpine 3.20 root filesystem of ../shared/fixtures against a small mirror that this
# script writes itself (so every expected finding is known by construction):
#   alpine-secdb  v3.20/main.yaml: busybox fixed in 99.0-r0 (CVE-2099-0001, affects the
#                 three packages of origin busybox), fixed long ago in 1.0-r0
#                 (CVE-2099-0002, not affected), zlib fixed in 99.1-r0 (CVE-2099-0003),
#                 zlib "0" (CVE-2099-0004, never affected), musl fixed in 99.2-r0
#                 (CVE-2099-0005, musl and musl-utils), openssl fixed in 3.3.1-r0
#                 (CVE-2099-0007, installed 3.3.2-r0: not affected)
#   golang-vulndb one OSV record for Alpine:3.20 zlib with no fix (CVE-2099-0006, unfixed,
#                 CVSS 3.1 vector of base score 9.8: CRITICAL from CVSS)
#   cisa-kev      CVE-2099-0003 known exploited
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=${VIGIL_SHARED:-$top/../shared}
VIGIL=${VIGIL:-$top/build/vigil}
fail=0
pass() { echo "PASS: scan/policy: $1"; }
bad() { echo "FAIL: scan/policy: $1"; fail=1; }
src=$shared/fixtures/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz
if [ ! -f "$src" ]; then echo "SKIP: scan/policy: $src not found"; exit 0; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/rootfs" && tar -xzf "$src" -C "$tmp/rootfs" 2>/dev/null

# ---- the mirror ----
m=$tmp/mirror
mkdir -p "$m/alpine-secdb/v3.20" "$m/golang-vulndb/data/osv" "$m/cisa-kev"
cat > "$m/alpine-secdb/v3.20/main.yaml" <<'EOF'
distroversion: v3.20
reponame: main
archs:
  - x86_64
packages:
  - pkg:
      name: busybox
      secfixes:
        99.0-r0:
          - CVE-2099-0001
        1.0-r0:
          - CVE-2099-0002
  - pkg:
      name: zlib
      secfixes:
        99.1-r0:
          - CVE-2099-0003
        "0":
          - CVE-2099-0004
  - pkg:
      name: musl
      secfixes:
        99.2-r0:
          - CVE-2099-0005
  - pkg:
      name: openssl
      secfixes:
        3.3.1-r0:
          - CVE-2099-0007
EOF
cat > "$m/golang-vulndb/data/osv/GO-2099-0006.json" <<'EOF'
{"schema_version": "1.3.1", "id": "GO-2099-0006", "modified": "2099-01-02T00:00:00Z",
 "published": "2099-01-01T00:00:00Z", "aliases": ["CVE-2099-0006"],
 "summary": "zlib: an unfixed test vulnerability",
 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
 "affected": [{"package": {"ecosystem": "Alpine:3.20", "name": "zlib"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}
EOF
cat > "$m/cisa-kev/known_exploited_vulnerabilities.json" <<'EOF'
{"title": "test", "catalogVersion": "2099.01.01", "dateReleased": "2099-01-01T00:00:00Z",
 "count": 1, "vulnerabilities": [{"cveID": "CVE-2099-0003", "vendorProject": "zlib",
 "product": "zlib", "vulnerabilityName": "test", "dateAdded": "2099-01-01"}]}
EOF
for f in alpine-secdb golang-vulndb cisa-kev; do tar -czf "$m/$f.tar.gz" -C "$m" "$f"; rm -rf "${m:?}/$f"; done
db=$tmp/v.db
if "$VIGIL" db update --from "$m" --db "$db" > "$tmp/update.out" 2>&1; then
  pass "a database from the test's own mirror"
else
  bad "db update failed: $(tail -3 "$tmp/update.out")"; exit 1
fi

scan() { "$VIGIL" scan --scanners vuln --db "$db" -q "$@" "rootfs:$tmp/rootfs"; }
# findings as "package id status fixed" lines, sorted
rows() {
  python3 - "$1" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
for v in sorted(doc["vulnerabilities"] or [], key=lambda v: (v["package"]["name"], v["id"])):
    print(v["package"]["name"], v["id"], v["status"], v["fixed_version"] or "-",
          "kev" if v["known_exploited"] else "")
EOF
}

# ---- baseline ----
scan --format json > "$tmp/base.json"; rc=$?
rows "$tmp/base.json" > "$tmp/base.rows"
cat > "$tmp/want.rows" <<'EOF'
busybox CVE-2099-0001 fixed 99.0-r0 
busybox-binsh CVE-2099-0001 fixed 99.0-r0 
musl CVE-2099-0005 fixed 99.2-r0 
musl-utils CVE-2099-0005 fixed 99.2-r0 
ssl_client CVE-2099-0001 fixed 99.0-r0 
zlib CVE-2099-0003 fixed 99.1-r0 kev
zlib CVE-2099-0006 unfixed - 
EOF
if [ $rc -eq 0 ] && diff "$tmp/want.rows" "$tmp/base.rows" > "$tmp/d"; then
  pass "exactly the 7 expected findings (source-package match, '0' = never affected, fixed versions already installed left out, unfixed OSV, KEV flag), exit 0 without --exit-code"
else
  bad "baseline (exit $rc): $(cat "$tmp/d")"
fi
if python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
v=[x for x in d["vulnerabilities"] if x["package"]["name"]=="zlib" and x["id"]=="CVE-2099-0003"][0]
assert v["feeds"]==["alpine-secdb"], v["feeds"]
assert v["package"]["source_name"]=="zlib" and v["package"]["purl"].startswith("pkg:apk/alpine/zlib@")
assert d["summary"]["vulnerabilities"]["UNKNOWN"]==6 and d["summary"]["vulnerabilities"]["CRITICAL"]==1 and d["summary"]["failing"]==7
assert d["secrets"] is None and d["database"]["built"]
s=[x for x in d["vulnerabilities"] if x["id"]=="CVE-2099-0006"][0]
assert s["aliases"]==["GO-2099-0006"] and s["title"]=="zlib: an unfixed test vulnerability", s
assert s["cvss"]=={"vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","score":9.8}, s["cvss"]
assert s["severity"]=="CRITICAL" and s["severity_source"]=="cvss:golang-vulndb", s
' "$tmp/base.json" 2>"$tmp/err"; then
  pass "json: feeds, purl, source package, summary per severity, aliases, title and CVSS (score computed from the vector, severity from it) of the OSV record, scanners not run are null"
else
  bad "json fields: $(tail -3 "$tmp/err")"
fi

# ---- gates ----
scan --exit-code 3 --format json > /dev/null; rc=$?
[ $rc -eq 3 ] && pass "--exit-code 3 with findings exits 3" || bad "--exit-code 3 exited $rc"
scan --exit-code 3 --severity HIGH,CRITICAL --format json > "$tmp/high.json"; rc=$?
if [ $rc -eq 3 ] && [ "$(rows "$tmp/high.json" | cut -d' ' -f1,2)" = "zlib CVE-2099-0006" ]; then
  pass "--severity HIGH,CRITICAL: only the CRITICAL finding is shown and gates (exit 3)"
else
  bad "--severity HIGH,CRITICAL exited $rc with $(rows "$tmp/high.json" | wc -l) findings"
fi
scan --exit-code 3 --severity HIGH --format json > "$tmp/high2.json"; rc=$?
[ $rc -eq 0 ] && [ "$(rows "$tmp/high2.json" | wc -l)" -eq 0 ] && pass "--severity HIGH: nothing shown, exit 0" || bad "--severity HIGH exited $rc"
scan --ignore-unfixed --format json > "$tmp/fixed.json"
if ! grep -q CVE-2099-0006 "$tmp/fixed.json" && [ "$(rows "$tmp/fixed.json" | wc -l)" -eq 6 ]; then
  pass "--ignore-unfixed leaves out the unfixed finding only"
else
  bad "--ignore-unfixed: $(rows "$tmp/fixed.json")"
fi
scan --severity BOGUS > /dev/null 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q -- "--severity" "$tmp/err" && pass "a bad --severity is a usage error (exit 2)" || bad "bad --severity: exit $rc"

# ---- policy ----
cat > "$tmp/policy.yaml" <<'EOF'
ignore:
  - id: CVE-2099-0001
    reason: busybox applets not used by the application
    expires: 2099-12-31
  - id: CVE-2099-0003
    package: zlib
    reason: compression of trusted data only
    expires: 2030-06-30
EOF
scan --policy "$tmp/policy.yaml" --today 2030-01-01 --exit-code 4 --format json > "$tmp/pol.json" 2> "$tmp/pol.err"; rc=$?
if [ $rc -eq 4 ] && [ "$(rows "$tmp/pol.json" | cut -d' ' -f1,2 | tr '\n' ' ')" = "musl CVE-2099-0005 musl-utils CVE-2099-0005 zlib CVE-2099-0006 " ] &&
   python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
s=d["suppressed"]; assert len(s)==4, s
assert {x["reason"] for x in s}=={"policy: busybox applets not used by the application","policy: compression of trusted data only"}
' "$tmp/pol.json"; then
  pass "policy: ignore rules suppress by id (all packages) and by id+package, reasons kept in 'suppressed', the rest still gates (exit 4)"
else
  bad "policy ignore (exit $rc): $(rows "$tmp/pol.json" | tr '\n' ';')"
fi
# every finding suppressed: nothing gates (exit 0 with --exit-code, failing 0)
printf 'ignore:\n' > "$tmp/all.yaml"
for id in CVE-2099-0001 CVE-2099-0003 CVE-2099-0005 CVE-2099-0006; do
  printf '  - id: %s\n    reason: accepted\n' "$id" >> "$tmp/all.yaml"
done
scan --policy "$tmp/all.yaml" --exit-code 4 --format json > "$tmp/all.json" 2> "$tmp/all.err"; rc=$?
if [ $rc -eq 0 ] && python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
assert d["summary"]["failing"]==0 and len(d["suppressed"])==7, (d["summary"], len(d["suppressed"]))
' "$tmp/all.json"; then
  pass "policy: with every finding suppressed nothing gates (exit 0, failing 0, 7 in 'suppressed')"
else
  bad "all suppressed: exit $rc $(head -c 300 "$tmp/all.json")"
fi
scan --policy "$tmp/policy.yaml" --today 2030-07-01 --format json > "$tmp/exp.json" 2> "$tmp/exp.err"
if grep -q "zlib CVE-2099-0003" <(rows "$tmp/exp.json") && grep -q "expired on 2030-06-30" "$tmp/exp.err" &&
   grep -q "expired on 2030-06-30" "$tmp/exp.json" && ! grep -q "CVE-2099-0001" <(rows "$tmp/exp.json"); then
  pass "policy: an expired ignore rule reports the finding again and warns (stderr and the report); the unexpired one still applies"
else
  bad "expired rule: $(cat "$tmp/exp.err")"
fi
(cd "$tmp" && cp policy.yaml .vigil.yaml && "$VIGIL" scan --scanners vuln --db "$db" -q --today 2030-01-01 --format json "rootfs:$tmp/rootfs" > auto.json)
[ "$(rows "$tmp/auto.json" | wc -l)" -eq 3 ] && pass "policy: ./.vigil.yaml is used when --policy is not given" || bad ".vigil.yaml not picked up"
rm -f "$tmp/.vigil.yaml"
printf 'ignore:\n  - id: CVE-2099-0001\n    expires: 2099-01-01\n' > "$tmp/noreason.yaml"
scan --policy "$tmp/noreason.yaml" > /dev/null 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "noreason.yaml:2: an ignore entry needs a reason" "$tmp/err" && pass "policy: an ignore rule without a reason is an error naming file and line" || bad "no reason: exit $rc $(cat "$tmp/err")"
printf 'ignore:\n  - id: [unclosed\n' > "$tmp/broken.yaml"
scan --policy "$tmp/broken.yaml" > /dev/null 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "broken.yaml:" "$tmp/err" && pass "policy: malformed YAML is an error with the line" || bad "broken policy: exit $rc $(cat "$tmp/err")"
printf 'ignore:\n  - id: X\n    reason: r\n    expires: 31/12/2099\n' > "$tmp/date.yaml"
scan --policy "$tmp/date.yaml" > /dev/null 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "YYYY-MM-DD" "$tmp/err" && pass "policy: a bad expiry date is an error" || bad "bad date: exit $rc"
printf 'ignore:\n  - path: "/lib/apk/db/*"\n    id: CVE-2099-0005\n    reason: r\n' > "$tmp/path.yaml"
scan --policy "$tmp/path.yaml" --format json > "$tmp/path.json"
! grep -q "CVE-2099-0005" <(rows "$tmp/path.json") && pass "policy: path globs match the package location" || bad "path glob did not match"

# ---- OpenVEX ----
cat > "$tmp/vex.json" <<'EOF'
{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex-1",
 "author": "test", "timestamp": "2099-01-01T00:00:00Z", "version": 1,
 "statements": [
  {"vulnerability": {"name": "CVE-2099-0005"},
   "products": [{"@id": "pkg:apk/alpine/musl"}],
   "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
  {"vulnerability": {"name": "GO-2099-0006"},
   "products": [{"@id": "pkg:apk/alpine/zlib@1.3.1-r1"}], "status": "fixed"},
  {"vulnerability": {"name": "CVE-2099-0001"},
   "products": [{"@id": "pkg:apk/alpine/busybox"}], "status": "affected"},
  {"vulnerability": {"name": "CVE-2099-0001"},
   "products": [{"@id": "pkg:apk/alpine/ssl_client@0.0.1-r0"}],
   "status": "not_affected", "justification": "component_not_present"}]}
EOF
scan --vex "$tmp/vex.json" --format json > "$tmp/vex.out.json"
got=$(rows "$tmp/vex.out.json" | cut -d' ' -f1,2 | tr '\n' ' ')
if [ "$got" = "busybox CVE-2099-0001 busybox-binsh CVE-2099-0001 musl-utils CVE-2099-0005 ssl_client CVE-2099-0001 zlib CVE-2099-0003 " ] &&
   grep -q "vex: not_affected (vulnerable_code_not_in_execute_path)" "$tmp/vex.out.json"; then
  pass "VEX: not_affected (by purl without version) and fixed (by an alias, versioned purl) suppress with the justification; 'affected', another version's statement and other packages stay"
else
  bad "VEX: $got"
fi
echo '{"statements": 3}' > "$tmp/badvex.json"
scan --vex "$tmp/badvex.json" > /dev/null 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "OpenVEX" "$tmp/err" && pass "VEX: a malformed document is an error" || bad "bad VEX: exit $rc"

# ---- formats ----
scan --format sarif > "$tmp/r.sarif"
if python3 - "$tmp/r.sarif" "$shared/specs/schemas/sarif-2.1.0/sarif-schema-2.1.0.json" <<'EOF' 2> "$tmp/err"
import json, sys, jsonschema
doc = json.load(open(sys.argv[1])); schema = json.load(open(sys.argv[2]))
jsonschema.validate(doc, schema)
res = doc["runs"][0]["results"]
assert len(res) == 7, len(res)
rules = doc["runs"][0]["tool"]["driver"]["rules"]
assert sorted(r["id"] for r in rules) == ["CVE-2099-0001", "CVE-2099-0003", "CVE-2099-0005", "CVE-2099-0006"]
assert all(r["ruleId"] == rules[r["ruleIndex"]]["id"] for r in res)
assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "lib/apk/db/installed" for r in res)
EOF
then pass "sarif: valid against the official SARIF 2.1.0 schema, a rule per id, a result per finding with its location"
else bad "sarif: $(tail -3 "$tmp/err")"; fi
scan --format junit > "$tmp/r.xml"
if python3 -c '
import sys, xml.etree.ElementTree as ET
r=ET.parse(sys.argv[1]).getroot(); assert r.tag=="testsuites" and r.get("failures")=="7"
cases=r.findall("./testsuite/testcase"); assert len(cases)==7 and all(c.find("failure") is not None for c in cases)
' "$tmp/r.xml" 2> "$tmp/err"; then pass "junit: well-formed XML, one failing test case per finding"
else bad "junit: $(tail -2 "$tmp/err")"; fi
scan --format cyclonedx > "$tmp/r.cdx.json"
if python3 "$top/tests/catalog/sbom_check.py" validate cyclonedx "$tmp/r.cdx.json" "$shared/specs/schemas" > "$tmp/err" 2>&1 &&
   python3 -c '
import json,sys; d=json.load(open(sys.argv[1])); v=d["vulnerabilities"]; assert len(v)==7
refs={c["bom-ref"]:c["name"] for c in d["components"]}
assert sorted(refs[x["affects"][0]["ref"]] for x in v)==["busybox","busybox-binsh","musl","musl-utils","ssl_client","zlib","zlib"]
' "$tmp/r.cdx.json" 2>> "$tmp/err"; then pass "cyclonedx: valid CycloneDX 1.6 with a vulnerabilities array pointing at the affected components"
else bad "cyclonedx: $(tail -3 "$tmp/err")"; fi
scan --format table > "$tmp/r.txt"
if grep -q "^Vulnerabilities: 7 (CRITICAL: 1, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 6)" "$tmp/r.txt" && grep -q "known exploited" "$tmp/r.txt" && ! grep -q $'\033' "$tmp/r.txt"; then
  pass "table: a summary line per severity, KEV marked, no colours when not on a terminal"
else bad "table: $(head -5 "$tmp/r.txt")"; fi
scan --format xml > /dev/null 2>&1; [ $? -eq 2 ] && pass "an unknown --format is a usage error" || bad "unknown format accepted"
scan --format json -o "$tmp/out.json" > "$tmp/stdout"; rc=$?
[ $rc -eq 0 ] && [ ! -s "$tmp/stdout" ] && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out.json" && pass "-o FILE writes the report there" || bad "-o FILE"

# ---- database problems ----
"$VIGIL" scan --scanners vuln --db "$tmp/none.db" -q "rootfs:$tmp/rootfs" > /dev/null 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "vigil db update" "$tmp/err" && pass "no database: exit 2 saying how to build one" || bad "no database: exit $rc"
cp "$db" "$tmp/old.db"
python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE meta SET value='2020-01-01T00:00:00Z' WHERE key='built'\"); c.commit()" "$tmp/old.db"
"$VIGIL" scan --scanners vuln --db "$tmp/old.db" -q --format json "rootfs:$tmp/rootfs" > "$tmp/old.json" 2> "$tmp/err"; rc=$?
[ $rc -eq 0 ] && grep -q "days old" "$tmp/err" && grep -q "days old" "$tmp/old.json" && pass "an old database: a warning on stderr and in the report, the scan goes on" || bad "old db: exit $rc"
"$VIGIL" scan --scanners vuln --db "$tmp/old.db" -q --fail-on-stale-db "rootfs:$tmp/rootfs" > /dev/null 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && pass "--fail-on-stale-db: an old database fails the scan (exit 2)" || bad "--fail-on-stale-db exit $rc"
"$VIGIL" scan --scanners vuln --db "$tmp/old.db" -q --db-max-age 100000 "rootfs:$tmp/rootfs" > /dev/null 2> "$tmp/err"
! grep -q "days old" "$tmp/err" && pass "--db-max-age raises the limit" || bad "--db-max-age ignored"
exit $fail
