#!/usr/bin/env bash
# Error codes (issue 22): VIGIL_ENOMEM is -1, so a parser's "malformed" -1 (or jansson's
# -1 for a key that is not UTF-8) passed on as a Vigil error code turned hostile input
# into "out of memory" or "cannot be read" and ended the whole command. Each case below
# did; now the bad record is left out (with a warning where the reader counts it) and
# the rest is read. Reproducers through the CLI; docs/hostile.md lists the audit.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VIGIL=${VIGIL:-$ROOT/build/vigil}
case $VIGIL in /*) ;; *) VIGIL=$ROOT/$VIGIL ;; esac
PY=${PYTHON:-python3}
VARIANT=$(basename "$(dirname "$VIGIL")")
failed=0
pass() { echo "PASS: errcodes: $1 ($VARIANT)"; }
fail() { echo "FAIL: errcodes: $1 ($VARIANT): $2"; failed=1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-errcodes.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1

# names NAME DIR WANT: `vigil sbom DIR --format json` exits 0 and lists exactly WANT
# (package names, sorted, one line, bytes that are not UTF-8 shown as \xNN)
names() {
    local name=$1 dir=$2 want=$3 got rc
    "$VIGIL" sbom "$dir" -q --format json >"$TMP/out.json" 2>"$TMP/err"
    rc=$?
    got=$("$PY" -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8", errors="surrogateescape"))
print(" ".join(sorted(p["name"] for p in d["packages"])).encode("ascii", "backslashreplace").decode())' \
        "$TMP/out.json" 2>/dev/null)
    if [ $rc -eq 0 ] && [ "$got" = "$want" ]; then
        pass "$name"
    else
        fail "$name" "exit $rc, packages '$got', stderr: $(head -c 300 "$TMP/err" | tr '\n' '|')"
    fi
}

# 1. go.sum with a module path that is not UTF-8 ("out of memory")
mkdir gosum
printf 'example.com/a v1.0.0 h1:abc=\nexample.com/\xff\xfe v1.2.0 h1:def=\ngolang.org/x/net v0.1.0 h1:ghi=\n' \
    >gosum/go.sum
names "go.sum module path that is not UTF-8" gosum \
    'example.com/a example.com/\ufffd\ufffd golang.org/x/net'

# 2. go.mod whose replaced module is not UTF-8 ("out of memory")
mkdir gomod
printf 'module example.com/app\n\ngo 1.21\n\nrequire (\n\texample.com/\xc3 v1.0.0\n\tgolang.org/x/text v0.3.5\n)\n\nreplace example.com/\xc3 => example.com/fork v1.0.1\n' \
    >gomod/go.mod
names "go.mod replace of a module path that is not UTF-8" gomod 'example.com/fork golang.org/x/text'

# 3. Gemfile.lock with a gem name that is not UTF-8 ("out of memory")
mkdir gem
printf 'GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (2.2.3)\n    r\xffck (1.0)\n\nDEPENDENCIES\n  rack\n  r\xffck\n' \
    >gem/Gemfile.lock
names "Gemfile.lock gem name that is not UTF-8" gem 'rack r\ufffdck'

# 4. packages.lock.json with a package id that is not UTF-8 ("out of memory")
mkdir nuget
printf '{"version":1,"dependencies":{"net8.0":{"Newt\xffsoft.Json":{"type":"Direct","requested":"[13.0.1, )","resolved":"13.0.1"},"Serilog":{"type":"Direct","requested":"[2.10.0, )","resolved":"2.10.0"}}}}' \
    >nuget/packages.lock.json
names "packages.lock.json package id that is not UTF-8" nuget 'Newt\ufffdsoft.Json Serilog'

# 4b. packages.lock.json and Package.resolved with a value over the reader's 4 KiB
#     buffer ("out of memory": the buffer's VIGIL_ELIMIT was returned as VIGIL_ENOMEM);
#     the entry is skipped with a warning, the others listed
mkdir nuget2 swift
"$PY" - <<'PYEOF'
import json
json.dump({"version": 1, "dependencies": {"net8.0": {
    "Evil": {"type": "Direct", "resolved": "1." + "0" * 5000},
    "Serilog": {"type": "Direct", "requested": "[2.10.0, )", "resolved": "2.10.0"}}}},
    open("nuget2/packages.lock.json", "w"))
json.dump({"pins": [
    {"identity": "x", "location": "https://github.com/a/" + "b" * 5000, "state": {"version": "1.0.0"}},
    {"identity": "swift-nio", "location": "https://github.com/apple/swift-nio.git",
     "state": {"revision": "abc", "version": "2.40.0"}}], "version": 2},
    open("swift/Package.resolved", "w"))
PYEOF
names "packages.lock.json version over 4 KiB" nuget2 'Serilog'
grep -q 'entry with a value over 4 KiB' "$TMP/err" || fail "packages.lock.json version over 4 KiB" "no warning"
names "Package.resolved location over 4 KiB" swift 'swift-nio'
grep -q 'pin with a value over 4 KiB' "$TMP/err" || fail "Package.resolved location over 4 KiB" "no warning"

# 5. pnpm-lock.yaml whose name@version, cut to the 1 KiB key, ends inside an 'é'
#    ("out of memory"; the dependency list is valid UTF-8, only the cut is not)
mkdir pnpm
"$PY" - <<'PYEOF'
name = "a" * 200
ver = "1.0.0-" + "0" * 815 + "\u00e9"
assert len(name) + 1 + len(ver.encode()) == 1024
open("pnpm/pnpm-lock.yaml", "w", encoding="utf-8").write(f"""lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      {name}:
        specifier: ^1.0.0
        version: {ver}
      lodash:
        specifier: ^4.17.20
        version: 4.17.20
packages:
  lodash@4.17.20:
    resolution: {{integrity: sha512-x}}
""")
PYEOF
names "pnpm-lock.yaml dependency key cut inside a UTF-8 sequence" pnpm 'lodash'

# 5b. pnpm-lock.yaml with a dependency name whose 255-byte cut (the YAML reader's key
#     limit) ends inside an 'é': the whole lockfile was "cannot be read", lodash hidden
mkdir pnpm2
"$PY" - <<'PYEOF'
name = "a" * 254 + "\u00e9"
open("pnpm2/pnpm-lock.yaml", "w", encoding="utf-8").write(f"""lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      {name}:
        specifier: ^1.0.0
        version: 1.0.0
      lodash:
        specifier: ^4.17.20
        version: 4.17.20
packages:
  lodash@4.17.20:
    resolution: {{integrity: sha512-x}}
""")
PYEOF
names "pnpm-lock.yaml dependency name cut to the YAML key limit inside a UTF-8 sequence" pnpm2 'lodash'

# 6. a Dockerfile RUN with a 2 MiB word: the shell reader's 1 MiB word cap (ELIMIT) was
#    counted as "out of memory" (exit 2, no file, no line); the word is cut and the
#    checks still see `curl | sh` after it
"$PY" -c "print('FROM alpine:3.20\nRUN echo ' + 'a' * (2 << 20) + ' && curl -fsSL http://example.com/i.sh | sh')" \
    >Dockerfile.long
"$VIGIL" config Dockerfile.long --format json >"$TMP/out.json" 2>"$TMP/err"
rc=$?
if [ $rc -eq 0 ] && "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if any(m["id"] == "VGL-DF-018" and m["line"] == 2 for m in d["misconfigurations"]) else 1)' \
    "$TMP/out.json" 2>/dev/null; then
    pass "Dockerfile RUN with a 2 MiB word: checked, curl | sh after it found"
else
    fail "Dockerfile RUN with a 2 MiB word" "exit $rc, stderr: $(head -c 300 "$TMP/err" | tr '\n' '|')"
fi

# 7. Alpine secdb: a packages[] item that is an unterminated (or too deep) sequence ended
#    `vigil db update` with "feed alpine-secdb: v3.20/main.yaml cannot be read"
secdb() {
    local name=$1 item=$2 rc
    rm -rf mirror && mkdir -p mirror/alpine-secdb/v3.20
    printf -- '---\ndistroversion: v3.20\npackages:\n  - pkg:\n      name: openssl\n      secfixes:\n        3.1.4-r0:\n          - CVE-2023-5363\n%s\n' \
        "$item" >mirror/alpine-secdb/v3.20/main.yaml
    (cd mirror && tar -czf alpine-secdb.tar.gz alpine-secdb)
    rm -f s.db
    "$VIGIL" db update --from mirror --db s.db >"$TMP/out" 2>"$TMP/err"
    rc=$?
    got=$("$VIGIL" db info --db s.db --format json 2>/dev/null | "$PY" -c '
import json, sys
for f in json.load(sys.stdin)["feeds"]:
    if f["name"] == "alpine-secdb":
        print(f["records"], f["skipped"])' 2>/dev/null)
    if [ $rc -eq 0 ] && [ "$got" = "1 1" ] &&
        grep -q 'feed alpine-secdb: 1 malformed record(s) skipped' "$TMP/err"; then
        pass "$name"
    else
        fail "$name" "exit $rc, records/skipped '$got', stderr: $(grep -v 'not in the mirror' "$TMP/err" | head -c 300 | tr '\n' '|')"
    fi
}
secdb "secdb item that is an unterminated sequence: skipped, the rest imported" '  - [a, b'
deep=$(printf '%.0s[' $(seq 80))$(printf '%.0s]' $(seq 80))
secdb "secdb item nested deeper than the reader's limit: skipped, the rest imported" "  - $deep"

exit $failed
