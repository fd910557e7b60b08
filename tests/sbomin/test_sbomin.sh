#!/usr/bin/env bash
# vigil scan sbom:FILE - SBOM input. Against a database mirror written here (OSV records
# for npm, Maven, PyPI, Go and Debian 12; Alpine's secdb for busybox):
#   1. documents shaped like the CycloneDX 1.4-1.6 and SPDX 2.2/2.3 (JSON and tag-value)
#      specification examples and like Syft's / Trivy's output (tests/sbomin/make-docs.py)
#      give the expected vulnerabilities;
#   2. round trip: `vigil sbom --format cyclonedx` (and spdx, and SPDX as tag-value) of the
#      Alpine 3.20 root filesystem and of the npm fixture matched as sbom: = the scan of the
#      image / tree itself;
#   3. an SBOM written by @cyclonedx/cyclonedx-npm (npm registry; installed once into
#      $VIGIL_CACHE) of the npm fixture = `vigil fs` of its lockfile;
#   4. errors, gates, and `vigil sbom` listing the files it could not read.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=${VIGIL_SHARED:-$top/../shared}
VIGIL=${VIGIL:-$top/build/vigil}
PY=${PY:-python3}
CACHE=${VIGIL_CACHE:-$HOME/.cache/vigil}
fail=0
pass() { echo "PASS: sbomin: $1"; }
bad() { echo "FAIL: sbomin: $1"; fail=1; }
skip() { echo "SKIP: sbomin: $1"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- database mirror ----
osv() { # osv ID ECOSYSTEM NAME FIXED TYPE
  cat > "$tmp/m/golang-vulndb/data/osv/$1.json" <<J
{"schema_version":"1.3.1","id":"GHSA-$1","aliases":["$1"],"summary":"$3 test advisory","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"$2","name":"$3"},"ranges":[{"type":"$5","events":[{"introduced":"0"},{"fixed":"$4"}]}]}],"database_specific":{"severity":"HIGH"}}
J
}
mkdir -p "$tmp/m/golang-vulndb/data/osv" "$tmp/m/alpine-secdb/v3.20"
osv CVE-2099-0201 npm lodash 4.17.21 SEMVER
osv CVE-2099-0202 npm minimist 1.2.6 SEMVER
osv CVE-2099-0203 Maven org.apache.jena:apache-jena 3.17.0 ECOSYSTEM
osv CVE-2099-0204 PyPI flask 2.2.5 ECOSYSTEM
osv CVE-2099-0205 Debian:12 openssl 3.0.13-1~deb12u1 ECOSYSTEM
osv CVE-2099-0206 Go github.com/gin-gonic/gin 1.9.1 SEMVER
{ printf 'distroversion: v3.20\nreponame: main\narchs:\n  - x86_64\npackages:\n'
  printf '  - pkg:\n      name: busybox\n      secfixes:\n        99.0-r0:\n          - CVE-2099-0101\n'
} > "$tmp/m/alpine-secdb/v3.20/main.yaml"
for f in golang-vulndb alpine-secdb; do tar -czf "$tmp/m/$f.tar.gz" -C "$tmp/m" "$f" && rm -rf "${tmp:?}/m/$f"; done
if ! "$VIGIL" db update --from "$tmp/m" --only golang-vulndb,alpine-secdb --db "$tmp/v.db" >"$tmp/up" 2>&1; then
  bad "db update: $(tail -2 "$tmp/up")"; exit 1
fi

# vulns FILE.json: "ID NAME" lines, sorted
vulns() { $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(";".join(sorted("%s %s" % (v["id"], v["package"]["name"]) for v in d["vulnerabilities"])))' "$1"; }
# vkeys FILE.json: "ID NAME VERSION" lines, sorted, one per line
vkeys() { $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
for k in sorted({(v["id"], v["package"]["name"], v["package"]["version"]) for v in d["vulnerabilities"]}): print(*k)' "$1"; }

# ---- 1. specification-shaped and other tools' documents ----
$PY "$top/tests/sbomin/make-docs.py" "$tmp/docs"
while IFS=$'\t' read -r doc want; do
  if ! "$VIGIL" scan "sbom:$tmp/docs/$doc" --db "$tmp/v.db" --format json > "$tmp/r.json" 2>"$tmp/err"; then
    bad "$doc: scan failed: $(head -2 "$tmp/err")"; continue
  fi
  got=$(vulns "$tmp/r.json")
  [ "$got" = "$want" ] && pass "$doc: $want" || bad "$doc: got '$got', want '$want'"
done < "$tmp/docs/expect.tsv"
grep -q "without a package URL" "$tmp/err" 2>/dev/null || true
"$VIGIL" scan "sbom:$tmp/docs/cdx-1.4.json" --db "$tmp/v.db" --format json > /dev/null 2>"$tmp/err"
grep -q "1 entries without a package URL" "$tmp/err" && pass "a CPE-only component is left out with a warning" \
  || bad "no warning for the CPE-only component: $(cat "$tmp/err")"

# one unreadable purl is a warning, not the end of the scan (it was "out of memory":
# the parser's "not a purl" was -1, which is VIGIL_ENOMEM)
cat > "$tmp/badpurl.json" <<'J'
{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[
 {"type":"library","name":"x","version":"1","purl":"not-a-purl"},
 {"type":"library","name":"lodash","version":"4.17.20","purl":"pkg:npm/lodash@4.17.20"}]}
J
if "$VIGIL" scan "sbom:$tmp/badpurl.json" --db "$tmp/v.db" --format json > "$tmp/r.json" 2>"$tmp/err" &&
   [ "$(vulns "$tmp/r.json")" = "CVE-2099-0201 lodash" ] && grep -q "1 with an unreadable one" "$tmp/err"; then
  pass "an unreadable purl is left out with a warning, the other components are matched"
else
  bad "unreadable purl: $(vulns "$tmp/r.json" 2>/dev/null) $(head -2 "$tmp/err")"
fi

# ---- 2. round trips ----
src=$shared/fixtures/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz
if [ -f "$src" ]; then
  mkdir -p "$tmp/rootfs" && tar -xzf "$src" -C "$tmp/rootfs" 2>/dev/null
  "$VIGIL" scan "rootfs:$tmp/rootfs" --scanners vuln --db "$tmp/v.db" --format json > "$tmp/img.json" 2>/dev/null
  "$VIGIL" sbom "rootfs:$tmp/rootfs" --format cyclonedx -o "$tmp/a.cdx.json" 2>/dev/null
  "$VIGIL" sbom "rootfs:$tmp/rootfs" --format spdx -o "$tmp/a.spdx.json" 2>/dev/null
  $PY "$top/tests/sbomin/make-docs.py" tv "$tmp/a.spdx.json" "$tmp/a.spdx"
  n=$(vkeys "$tmp/img.json" | wc -l)
  [ "$n" -ge 3 ] || bad "alpine: the image scan found $n vulnerabilities (busybox, busybox-binsh, ssl_client expected)"
  for f in a.cdx.json a.spdx.json a.spdx; do
    "$VIGIL" scan "sbom:$tmp/$f" --db "$tmp/v.db" --format json > "$tmp/r.json" 2>"$tmp/err" || { bad "alpine $f: $(head -2 "$tmp/err")"; continue; }
    if [ "$(vkeys "$tmp/r.json")" = "$(vkeys "$tmp/img.json")" ]; then
      pass "round trip alpine 3.20 via $f: the same $n vulnerabilities as the image scan"
    else
      bad "round trip alpine via $f: $(diff <(vkeys "$tmp/img.json") <(vkeys "$tmp/r.json") | head -5 | tr '\n' ' ')"
    fi
  done
else
  if [ "${CI:-}" = true ]; then bad "$src not found"; else skip "alpine round trip: $src not found"; fi
fi
cp -r "$top/tests/fixtures/npm-app" "$tmp/npm-app"
"$VIGIL" fs "$tmp/npm-app" --scanners vuln --db "$tmp/v.db" --format json > "$tmp/fs.json" 2>/dev/null
"$VIGIL" sbom "fs:$tmp/npm-app" --format cyclonedx -o "$tmp/n.cdx.json" 2>/dev/null
"$VIGIL" scan "sbom:$tmp/n.cdx.json" --db "$tmp/v.db" --format json > "$tmp/r.json" 2>/dev/null
want="CVE-2099-0201 lodash;CVE-2099-0202 minimist;CVE-2099-0202 minimist" # minimist 1.2.0 and 0.0.8 (mkdirp)
if [ "$(vulns "$tmp/fs.json")" = "$want" ] && [ "$(vkeys "$tmp/r.json")" = "$(vkeys "$tmp/fs.json")" ]; then
  pass "round trip npm lockfile: vigil fs = scan sbom: of vigil sbom fs: ($want)"
else
  bad "round trip npm: fs '$(vulns "$tmp/fs.json")' sbom '$(vulns "$tmp/r.json")'"
fi
# locations and layers come back from Vigil's own properties
$PY - "$tmp/r.json" <<'P' && pass "Vigil's CycloneDX properties restore locations" || bad "locations lost in the round trip"
import json, sys
d = json.load(open(sys.argv[1]))
assert all(v["package"]["location"] == "/package-lock.json" for v in d["vulnerabilities"]), d["vulnerabilities"]
P

# ---- 3. an SBOM written by @cyclonedx/cyclonedx-npm ----
tool=$CACHE/cyclonedx-npm-6.0.1
gen() {
  if [ ! -x "$tool/node_modules/.bin/cyclonedx-npm" ]; then
    rm -rf "$tool.tmp" && mkdir -p "$tool.tmp" &&
      timeout 900 npm install --no-audit --no-fund --prefix "$tool.tmp" @cyclonedx/cyclonedx-npm@6.0.1 > "$tmp/npm-install.log" 2>&1 &&
      rm -rf "$tool" && mv "$tool.tmp" "$tool" || return 1
  fi
  ( cd "$tmp/npm-app" && timeout 900 npm ci --ignore-scripts --no-audit --no-fund > "$tmp/npm-ci.log" 2>&1 &&
    "$tool/node_modules/.bin/cyclonedx-npm" --output-file "$tmp/cdxnpm.json" > "$tmp/cdxnpm.log" 2>&1 )
}
if ! command -v npm > /dev/null; then
  if [ "${CI:-}" = true ]; then bad "npm missing (apt-get install npm)"; else skip "cyclonedx-npm: npm not installed"; fi
elif mkdir -p "$CACHE" && (flock 9; gen) 9>"$CACHE/cyclonedx-npm.lock"; then
  "$VIGIL" scan "sbom:$tmp/cdxnpm.json" --db "$tmp/v.db" --format json > "$tmp/r.json" 2>"$tmp/err"
  if [ "$(vulns "$tmp/r.json")" = "$want" ]; then
    pass "cyclonedx-npm 6.0.1 SBOM of the npm fixture: $want (as vigil fs of its lockfile)"
  else
    bad "cyclonedx-npm SBOM: got '$(vulns "$tmp/r.json")' $(head -2 "$tmp/err")"
  fi
else
  msg="cyclonedx-npm could not be installed or run (npm registry unreachable?): $(tail -2 "$tmp"/npm-*.log "$tmp/cdxnpm.log" 2>/dev/null | tr '\n' ' ' | cut -c1-200)"
  if [ "${CI:-}" = true ]; then bad "$msg"; else skip "$msg"; fi
fi

# ---- 4. errors, gates, unreadable files ----
printf '{"bomFormat":"CycloneDX","specVersion":"1.5","components":[' > "$tmp/bad.json"
"$VIGIL" scan "sbom:$tmp/bad.json" --db "$tmp/v.db" > /dev/null 2>"$tmp/e"; rc=$?
[ $rc = 2 ] && [ "$(wc -l < "$tmp/e")" = 1 ] && grep -q "malformed JSON" "$tmp/e" \
  && pass "malformed JSON: exit 2, one line" || bad "malformed: rc $rc $(cat "$tmp/e")"
printf '<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5"/>' > "$tmp/x.xml"
"$VIGIL" scan "sbom:$tmp/x.xml" --db "$tmp/v.db" > /dev/null 2>"$tmp/e"; rc=$?
[ $rc = 2 ] && grep -q "XML" "$tmp/e" && pass "XML SBOM: a clear error" || bad "xml: rc $rc $(cat "$tmp/e")"
"$VIGIL" scan "sbom:$tmp/none.json" --db "$tmp/v.db" > /dev/null 2>"$tmp/e"; rc=$?
[ $rc = 2 ] && pass "missing SBOM: exit 2" || bad "missing: rc $rc"
"$VIGIL" scan "sbom:$tmp/docs/cdx-1.4.json" --db "$tmp/v.db" --exit-code 4 > /dev/null 2>&1; rc=$?
[ $rc = 4 ] && pass "--exit-code gates an SBOM scan" || bad "exit code $rc"
"$VIGIL" scan "sbom:$tmp/docs/spdx-2.3.spdx" --db "$tmp/v.db" --severity CRITICAL --exit-code 4 > /dev/null 2>&1; rc=$?
[ $rc = 0 ] && pass "--severity CRITICAL filters the HIGH findings" || bad "severity filter exit $rc"
mkdir -p "$tmp/mal/a" "$tmp/mal/b"
: > "$tmp/mal/a/package-lock.json"; printf '{"lockfileVersion":3,"packages":' > "$tmp/mal/b/package-lock.json"
cp "$tmp/npm-app/package-lock.json" "$tmp/mal/"
ok=1
"$VIGIL" sbom "fs:$tmp/mal" > "$tmp/t.txt" 2>/dev/null
grep -q "2 files could not be read" "$tmp/t.txt" && grep -q "/a/package-lock.json" "$tmp/t.txt" || { ok=0; bad "table: $(tail -3 "$tmp/t.txt")"; }
"$VIGIL" sbom "fs:$tmp/mal" --format json > "$tmp/t.json" 2>/dev/null
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [u["path"] for u in d["unreadable"]]==["/a/package-lock.json","/b/package-lock.json"], d["unreadable"]' "$tmp/t.json" || { ok=0; bad "json unreadable list"; }
"$VIGIL" sbom "fs:$tmp/mal" --format cyclonedx > "$tmp/t.cdx" 2>/dev/null
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); p=[x["value"] for x in d["metadata"]["properties"] if x["name"]=="vigil:unreadable"]; assert len(p)==2 and "/b/package-lock.json" in p[1], p' "$tmp/t.cdx" || { ok=0; bad "cyclonedx unreadable properties"; }
"$VIGIL" sbom "fs:$tmp/mal" --format spdx > "$tmp/t.spdx" 2>/dev/null
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "/a/package-lock.json" in d["creationInfo"]["comment"]' "$tmp/t.spdx" || { ok=0; bad "spdx comment"; }
[ $ok = 1 ] && pass "vigil sbom lists the files it could not read (empty, truncated JSON) in table, JSON, CycloneDX and SPDX"
exit $fail
