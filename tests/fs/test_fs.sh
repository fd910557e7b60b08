#!/usr/bin/env bash
# vigil fs DIR / vigil scan fs:DIR: a source tree scanned as CI does before a build. The
# script writes a small repository (npm lockfile, Dockerfiles, a Kubernetes manifest,
# GitHub tokens made at run time) and a database mirror (one OSV record for lodash), then
# checks findings, .gitignore rules (root, nested, negation, anchoring, '**'), .git, the
# --skip-dirs / --skip-files globs, the gates and the errors.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
PY=${PY:-python3}
fail=0
pass() { echo "PASS: fs: $1"; }
bad() { echo "FAIL: fs: $1"; fail=1; }
tmp=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT

# ---- the database: lodash < 4.17.21 (CVE-2099-0201) ----
mkdir -p "$tmp/m/golang-vulndb/data/osv"
cat > "$tmp/m/golang-vulndb/data/osv/GHSA-2099-0201.json" <<'J'
{"schema_version":"1.3.1","id":"GHSA-2099-0201","aliases":["CVE-2099-0201"],"summary":"lodash test advisory","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"lodash"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"4.17.21"}]}]}],"database_specific":{"severity":"HIGH"}}
J
tar -czf "$tmp/m/golang-vulndb.tar.gz" -C "$tmp/m" golang-vulndb && rm -rf "$tmp/m/golang-vulndb"
if ! "$VIGIL" db update --from "$tmp/m" --only golang-vulndb --db "$tmp/v.db" >"$tmp/up" 2>&1; then
  bad "db update: $(tail -2 "$tmp/up")"; exit 1
fi

# ---- the repository ----
r=$tmp/repo
mkdir -p "$r/app" "$r/ignored" "$r/logs" "$r/sub/gen" "$r/deep/a/b" "$r/.git" "$r/vendor/x" "$r/k8s"
# a GitHub token with its checksum (CRC-32 of the 30 random characters, base62)
tok() { $PY -c 'import secrets,string,zlib; a=string.ascii_letters+string.digits; b="".join(secrets.choice(a) for _ in range(30)); d=string.digits+string.ascii_uppercase+string.ascii_lowercase; c=zlib.crc32(b.encode()); s=""
for _ in range(6): c,r=divmod(c,62); s=d[r]+s
print("ghp_"+b+s)'; }
put() { echo "token = $(tok)" > "$1"; }
cat > "$r/.gitignore" <<'G'
# build output
ignored/
*.log
!keep.log
/top-only.txt
**/b/*.tmp
G
cat > "$r/sub/.gitignore" <<'G'
*.txt
!yes.txt
/gen
G
put "$r/app/creds.txt"; put "$r/ignored/secret.txt"; put "$r/a.log"; put "$r/keep.log"
put "$r/top-only.txt"; mkdir -p "$r/other"; put "$r/other/top-only.txt"; put "$r/sub/no.txt"; put "$r/sub/yes.txt"
put "$r/sub/gen/x.cfg"; put "$r/deep/a/b/c.tmp"; put "$r/deep/a/b/c.cfg"; put "$r/.git/config"
put "$r/vendor/x/v.cfg"; put "$r/app/min.js.map"
cat > "$r/app/package-lock.json" <<'J'
{"name":"app","version":"1.0.0","lockfileVersion":3,"packages":{"":{"name":"app","version":"1.0.0","dependencies":{"lodash":"4.17.15"}},"node_modules/lodash":{"version":"4.17.15"}}}
J
printf 'FROM debian:latest\nRUN apt-get update\n' > "$r/Dockerfile"
printf 'FROM debian:latest\n' > "$r/ignored/Dockerfile"
cat > "$r/k8s/pod.yaml" <<'Y'
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: c
      image: nginx:1.25
      securityContext: {privileged: true}
Y

scan() { "$VIGIL" fs "$r" --db "$tmp/v.db" --format json "$@" 2>"$tmp/err"; }

# 1. the walk: what .gitignore and .git leave out
"$VIGIL" ls "fs:$r" > "$tmp/ls" 2>"$tmp/err" || bad "ls fs: failed: $(head -2 "$tmp/err")"
want_in="/app/creds.txt /keep.log /other/top-only.txt /sub/yes.txt /deep/a/b/c.cfg /app/package-lock.json"
want_out="/ignored /a.log /top-only.txt /sub/no.txt /sub/gen /deep/a/b/c.tmp /.git"
ok=1
for p in $want_in; do grep -q " $p\$" "$tmp/ls" || { ok=0; bad "walk: $p missing"; }; done
for p in $want_out; do grep -q " $p\$" "$tmp/ls" && { ok=0; bad "walk: $p should be left out"; }; done
[ $ok = 1 ] && pass "walk: .gitignore (root and nested, '!', '/' anchors, '**', dir-only) and .git applied"

# 2. findings: vulnerability from the lockfile, secrets, Dockerfile and Kubernetes checks
if scan > "$tmp/a.json"; then
  $PY - "$tmp/a.json" <<'P' > "$tmp/a.txt" || bad "report: $(cat "$tmp/a.txt")"
import json, sys
d = json.load(open(sys.argv[1]))
v = sorted((x["id"], x["package"]["name"], x["package"]["location"]) for x in d["vulnerabilities"])
s = sorted(x["path"] for x in d["secrets"])
c = sorted((x["id"], x["file"].split("/repo/", 1)[-1]) for x in d["misconfigurations"])
print("V", v); print("S", s); print("C", c); print("F", d["image"]["format"])
assert v == [("CVE-2099-0201", "lodash", "/app/package-lock.json")], v
assert s == sorted(["/app/creds.txt", "/keep.log", "/other/top-only.txt", "/sub/yes.txt",
                    "/deep/a/b/c.cfg", "/vendor/x/v.cfg", "/app/min.js.map"]), s
files = {f for _, f in c}
assert "Dockerfile" in files and "k8s/pod.yaml" in files, files
assert not any(f.startswith("ignored") for f in files), files
assert any(i == "VGL-DF-002" for i, _ in c), c
assert d["image"]["format"] == "fs"
P
  [ $fail = 0 ] && pass "findings: lockfile vulnerability, secrets outside ignored paths, Dockerfile and k8s checks"
else
  bad "vigil fs failed: $(head -3 "$tmp/err")"
fi

# 3. vigil scan fs:DIR is the same scan
"$VIGIL" scan "fs:$r" --scanners vuln,secret,config --db "$tmp/v.db" --format json > "$tmp/b.json" 2>/dev/null
if $PY - "$tmp/a.json" "$tmp/b.json" <<'P'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
key = lambda d: (sorted(x["id"] for x in d["vulnerabilities"]), sorted(x["path"] for x in d["secrets"]),
                 sorted((x["id"], x["file"]) for x in d["misconfigurations"]))
sys.exit(0 if key(a) == key(b) else 1)
P
then pass "scan fs:DIR gives the findings of vigil fs DIR"; else bad "scan fs:DIR differs from vigil fs"; fi

# 4. --skip-dirs / --skip-files
scan --skip-dirs app,vendor --skip-files '*.cfg' --skip-files 'k8s/*.yaml' > "$tmp/c.json" || bad "skip run failed: $(head -2 "$tmp/err")"
if $PY - "$tmp/c.json" <<'P'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["vulnerabilities"] == [], d["vulnerabilities"]
s = sorted(x["path"] for x in d["secrets"])
assert s == ["/keep.log", "/other/top-only.txt", "/sub/yes.txt"], s
assert not any("pod.yaml" in x["file"] for x in d["misconfigurations"])
P
then pass "--skip-dirs (names at any depth) and --skip-files (comma lists, repeated, paths) leave paths out"
else bad "--skip-dirs / --skip-files did not apply"; fi
scan --skip-dirs '**/b' > "$tmp/d.json" 2>/dev/null
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if "/deep/a/b/c.cfg" not in [x["path"] for x in d["secrets"]] else 1)' "$tmp/d.json" \
  && pass "--skip-dirs '**/b' crosses directories" || bad "--skip-dirs '**/b' did not match deep/a/b"

# 5. gates and formats
"$VIGIL" fs "$r" --db "$tmp/v.db" --exit-code 7 > /dev/null 2>&1; rc=$?
[ $rc = 7 ] && pass "--exit-code: 7 with findings" || bad "--exit-code gave $rc"
"$VIGIL" fs "$r" --db "$tmp/v.db" --exit-code 7 --skip-dirs app,vendor,k8s,sub,deep,other --skip-files 'keep.log,Dockerfile' --format json > "$tmp/out" 2>&1; rc=$?
[ $rc = 0 ] && pass "--exit-code: 0 when everything is skipped" || bad "clean tree exit $rc: $(tail -2 "$tmp/out")"
"$VIGIL" fs "$r" --db "$tmp/v.db" --format sarif > "$tmp/s.sarif" 2>/dev/null &&
  $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["runs"][0]["results"]' "$tmp/s.sarif" 2>/dev/null \
  && pass "SARIF report" || bad "SARIF report"

# 6. errors: one line, exit 2
"$VIGIL" fs "$tmp/nope" --db "$tmp/v.db" > /dev/null 2>"$tmp/e1"; rc=$?
[ $rc = 2 ] && [ "$(wc -l < "$tmp/e1")" = 1 ] && pass "missing directory: exit 2, one line" || bad "missing dir: rc $rc $(cat "$tmp/e1")"
"$VIGIL" fs "$r/Dockerfile" --db "$tmp/v.db" > /dev/null 2>"$tmp/e2"; rc=$?
[ $rc = 2 ] && grep -q "needs a directory" "$tmp/e2" && pass "a file: needs a directory" || bad "file: rc $rc $(cat "$tmp/e2")"
# the skip globs apply to images and root filesystems too (no .gitignore there)
"$VIGIL" scan "rootfs:$r" --scanners secret --db "$tmp/v.db" --format json > "$tmp/rf1" 2>/dev/null
"$VIGIL" scan "rootfs:$r" --scanners secret --skip-dirs app --db "$tmp/v.db" --format json > "$tmp/rf2" 2>/dev/null
n1=$($PY -c 'import json,sys; print(sum(1 for s in json.load(open(sys.argv[1]))["secrets"] if s["path"].startswith("/app/")))' "$tmp/rf1" 2>/dev/null)
n2=$($PY -c 'import json,sys; print(sum(1 for s in json.load(open(sys.argv[1]))["secrets"] if s["path"].startswith("/app/")))' "$tmp/rf2" 2>/dev/null)
[ "${n1:-0}" -gt 0 ] && [ "$n2" = 0 ] && pass "--skip-dirs on a root filesystem scan leaves the directory out ($n1 -> 0 secrets under /app)" ||
  bad "skip on rootfs: /app secrets $n1 -> $n2"

# 7. a hostile .gitignore: huge, with pathological patterns; the walk still ends
h=$tmp/hostile; mkdir -p "$h/d"
$PY -c '
import sys
with open(sys.argv[1], "w") as f:
    for i in range(20000): f.write("*a" * 60 + "b\n")
    f.write("[" * 3000 + "\n" + "\\\\" * 2000 + "\n")' "$h/.gitignore"
printf 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n' > "$h/d/$(printf 'a%.0s' $(seq 1 200))"
"$VIGIL" ls "fs:$h" > "$tmp/hl" 2>&1; rc=$?
[ $rc = 0 ] && pass "hostile .gitignore (rule cap, long star patterns): the walk completes" || bad "hostile .gitignore: rc $rc $(tail -2 "$tmp/hl")"
exit $fail
