#!/usr/bin/env bash
# Terminal and report safety (issue 22): every table of every command, rendered from an
# image, feed, Dockerfile, Kubernetes manifest and host files whose every string field
# carries ESC, CSI (7-bit, and 8-bit both as UTF-8 U+009B and as a raw byte), OSC, BEL,
# bidirectional overrides and invalid UTF-8 (fixtures: make-terminal.py), must show them
# escaped: no control character (but newline), no C1 control, no bidi control and no
# invalid UTF-8 on stdout or stderr. The JUnit, SARIF, CycloneDX and SPDX reports of the
# same image must validate (xmllint; the official schemas in ../shared/specs/schemas).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SHARED=${VIGIL_SHARED:-$ROOT/../shared}
VIGIL=${VIGIL:-$ROOT/build/vigil}
case $VIGIL in /*) ;; *) VIGIL=$ROOT/$VIGIL ;; esac
SYSPY=/usr/bin/python3   # Debian's, with python3-jsonschema
VARIANT=$(basename "$(dirname "$VIGIL")")
failed=0
pass() { echo "PASS: output-safety: $1 ($VARIANT)"; }
fail() { echo "FAIL: output-safety: $1 ($VARIANT): $2"; failed=1; }
miss() { # a missing tool: FAIL under CI, else SKIP
    if [ "${CI:-}" = true ]; then fail "$1" "$2"; else echo "SKIP: output-safety: $1 ($VARIANT): $2"; fi
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-outsafe.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
if ! python3 "$HERE/make-terminal.py" "$TMP/f" 2>"$TMP/gen.err"; then
    fail "fixtures" "make-terminal.py: $(tail -1 "$TMP/gen.err")"; exit 1
fi
F=$TMP/f
if ! "$VIGIL" db update --from "$F/mirror" --db "$F/v.db" >/dev/null 2>"$TMP/db.err"; then
    fail "fixtures" "db update: $(tail -1 "$TMP/db.err")"; exit 1
fi

# safe FILE: exit 0 when FILE has no raw control (but \n), C1, bidi control or invalid
# UTF-8; prints what it found otherwise. With MUST set, FILE must also show the payload
# escaped (proof that hostile text reached this output at all).
cat >"$TMP/safe.py" <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read()
must = len(sys.argv) > 2 and sys.argv[2] == "1"
bad = []
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    bad.append("invalid UTF-8 at byte %d" % e.start)
    text = data.decode("utf-8", "replace")
for m in re.finditer(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]", text):
    bad.append("raw U+%04X at char %d" % (ord(m.group()), m.start()))
    if len(bad) > 3:
        break
if must and not any(s in text for s in ("\\x1b", "\\u009b", "\\u202e", "\\xff")):
    bad.append("no escaped payload in the output (hostile text did not reach it?)")
if bad:
    print("; ".join(bad[:4]))
    sys.exit(1)
PY

# check NAME MUST CMD...: runs vigil CMD (any exit code but a crash), checks stdout and stderr
check() {
    local name=$1 must=$2 rc why
    shift 2
    "$VIGIL" "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?
    why=""
    [ $rc -ge 3 ] && why="exit $rc"
    grep -qaE 'Sanitizer|runtime error:' "$TMP/err" && why="$why sanitizer report"
    if ! r=$(python3 "$TMP/safe.py" "$TMP/out" "$must"); then why="$why stdout: $r"; fi
    if ! r=$(python3 "$TMP/safe.py" "$TMP/err" 0); then why="$why stderr: $r"; fi
    if [ -z "$why" ]; then pass "$name"; else fail "$name" "$why"; fi
}

IMG=$F/img
SC=(--scanners all --db "$F/v.db" --malware-hashes "$F/hashes.txt")
check "inspect table" 1 inspect "$IMG"
check "ls table" 1 ls "$IMG"
check "ls --all-layers table" 1 ls --all-layers "$IMG"
check "sbom table" 1 sbom "$IMG"
check "scan table (vuln, secret, malware, config)" 1 scan "${SC[@]}" "$IMG"
check "config table of a Dockerfile" 1 config "$F/Dockerfile"
check "config table of a Kubernetes manifest" 1 config "$F/k8s.yaml"
check "audit host table" 1 audit host --root "$F/host" --docker-inspect "$F/inspect.json"
check "db info table" 0 db info --db "$F/v.db"
HV=$(printf 'evil\033[2J\033]0;owned\a\302\23331m\342\200\256evil\342\201\246\a')
check "db lookup table" 1 db lookup alpine:3.20 "$HV" --db "$F/v.db"
check "db lookup, no statements (stderr)" 0 db lookup alpine:3.20 "$(printf 'x\033[2J\302\233\377')" --db "$F/v.db"
check "error line naming a hostile path" 0 ls "$TMP/$(printf 'no\033]0;t\a\302\233\342\200\256\377')"
# a source tree whose directory, file and Dockerfile carry the payload (vigil fs)
python3 - "$TMP/src" <<'PY'
import os, secrets, string, sys
HB = ("\x1b[2J\x1b]0;owned\x07\u009b31m\u202eevil\u2066\x07").encode() + b"\x9b\xff\xfe"
d = sys.argv[1].encode()
os.makedirs(d + b"/app" + HB)
tok = "ghp_" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(36))
open(d + b"/app" + HB + b"/cfg" + HB + b".env", "wb").write(b"GITHUB_TOKEN=" + tok.encode() + b"\n")
open(d + b"/Dockerfile", "wb").write(b"FROM alpine" + HB + b"\nUSER root\nRUN echo " + HB + b"\n")
PY
check "fs table of a source tree" 1 fs --db "$F/v.db" "$TMP/src"
# saved reports and SBOMs of the hostile image, rendered again
"$VIGIL" scan "${SC[@]}" --format json "$IMG" >"$TMP/saved.json" 2>/dev/null
check "convert table of a saved scan report" 1 convert "$TMP/saved.json"
"$VIGIL" sbom --format cyclonedx "$IMG" >"$TMP/saved.cdx" 2>/dev/null
check "scan table of an SBOM input (sbom:FILE)" 1 scan --db "$F/v.db" "sbom:$TMP/saved.cdx"
check "vercmp with hostile versions (stderr)" 0 vercmp apk "1.0$HV" "2.0$(printf '\302\233\377')"
check "version with the database's details" 0 version --db "$F/v.db"

# the scan table must show every scanner's findings (else the check above proves little)
"$VIGIL" scan "${SC[@]}" "$IMG" >"$TMP/scan.txt" 2>/dev/null
if grep -q '^Vulnerabilities: 1 ' "$TMP/scan.txt" && grep -q '^Secrets: 1 ' "$TMP/scan.txt" &&
   grep -q '^Malware: 1 ' "$TMP/scan.txt" && grep -q '^Misconfigurations: [1-9]' "$TMP/scan.txt"; then
    pass "the hostile image has a finding of every kind"
else
    fail "the hostile image has a finding of every kind" "$(grep -a ': [0-9]* (' "$TMP/scan.txt" | tr '\n' '|')"
fi

# ---- machine formats of the same image ----
if command -v xmllint >/dev/null; then
    for c in "scan junit" "audit junit" "config junit" "convert junit" "fs junit"; do
        case $c in
        scan*) "$VIGIL" scan "${SC[@]}" --format junit "$IMG" >"$TMP/r.xml" 2>"$TMP/err" ;;
        convert*) "$VIGIL" convert --format junit "$TMP/saved.json" >"$TMP/r.xml" 2>"$TMP/err" ;;
        fs*) "$VIGIL" fs --db "$F/v.db" --format junit "$TMP/src" >"$TMP/r.xml" 2>"$TMP/err" ;;
        audit*) "$VIGIL" audit host --root "$F/host" --docker-inspect "$F/inspect.json" --format junit >"$TMP/r.xml" 2>"$TMP/err" ;;
        config*) "$VIGIL" config --format junit "$F/Dockerfile" "$F/k8s.yaml" >"$TMP/r.xml" 2>"$TMP/err" ;;
        esac
        if out=$(xmllint --noout "$TMP/r.xml" 2>&1) && [ -s "$TMP/r.xml" ] &&
           r=$(python3 "$TMP/safe.py" "$TMP/r.xml" 1); then
            pass "$c: well-formed XML 1.0, payload escaped"
        else
            fail "$c" "$(echo "$out" | head -2 | tr '\n' '|') $r"
        fi
    done
else
    miss "junit" "xmllint not installed (apt-get install libxml2-utils)"
fi

if "$SYSPY" -c 'import jsonschema' 2>/dev/null; then
    "$VIGIL" scan "${SC[@]}" --format sarif "$IMG" >"$TMP/r.sarif" 2>/dev/null
    if r=$("$SYSPY" - "$TMP/r.sarif" "$SHARED/specs/schemas/sarif-2.1.0/sarif-schema-2.1.0.json" <<'PY' 2>&1
import json, sys, jsonschema
doc = json.load(open(sys.argv[1])); jsonschema.validate(doc, json.load(open(sys.argv[2])))
assert len(doc["runs"][0]["results"]) >= 4, "too few results"
PY
    ); then pass "scan sarif: valid SARIF 2.1.0"; else fail "scan sarif" "$(echo "$r" | tail -2 | tr '\n' '|')"; fi
    "$VIGIL" scan "${SC[@]}" --format cyclonedx "$IMG" >"$TMP/r.cdx" 2>/dev/null
    "$VIGIL" sbom --format cyclonedx "$IMG" >"$TMP/s.cdx" 2>/dev/null
    "$VIGIL" sbom --format spdx "$IMG" >"$TMP/s.spdx" 2>/dev/null
    for x in "cyclonedx r.cdx scan" "cyclonedx s.cdx sbom" "spdx s.spdx sbom"; do
        set -- $x
        if r=$("$SYSPY" "$ROOT/tests/catalog/sbom_check.py" validate "$1" "$TMP/$2" "$SHARED/specs/schemas" 2>&1); then
            pass "$3 $1: valid against the official schema"
        else
            fail "$3 $1" "$(echo "$r" | tail -2 | tr '\n' '|')"
        fi
    done
    for j in r.sarif r.cdx s.cdx s.spdx; do # JSON: exact RFC 8259 (strict UTF-8, no raw controls)
        if ! python3 -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' "$TMP/$j" 2>/dev/null; then
            fail "$j is strict JSON" "not UTF-8 or not RFC 8259"
        fi
    done
else
    miss "sarif/cyclonedx/spdx" "python3-jsonschema not installed for /usr/bin/python3"
fi
exit $failed
