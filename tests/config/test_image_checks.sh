#!/usr/bin/env bash
# Image CIS checks end to end: `vigil scan --scanners config` on the fixture images of
# tests/fixtures/make-config-images.sh. The image with planted violations must report
# exactly the ids the fixture script wrote down while planting them; the hardened image
# none. Also the table, SARIF and JUnit outputs, a policy file and --exit-code.
set -uo pipefail
cd "$(dirname "$0")/../.."
VIGIL=${VIGIL:-build/vigil}
fail=0
pass() { echo "PASS: config/image: $1"; }
bad() { echo "FAIL: config/image: $1: $2"; fail=1; }

dir=$(tests/fixtures/make-config-images.sh) || { echo "FAIL: config/image: fixture build"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ids NAME JSON: the sorted, distinct misconfiguration ids of a scan report
ids() {
  python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print("\n".join(sorted({m["id"] for m in d["misconfigurations"]})))' "$1"
}

if "$VIGIL" scan --scanners config --format json "$dir/violations" >"$tmp/v.json" 2>"$tmp/err"; then
  got=$(ids "$tmp/v.json"); want=$(cat "$dir/violations.expected")
  if [ "$got" = "$want" ]; then pass "violations image reports exactly the planted ids"
  else bad "violations image ids" "got $(echo $got) want $(echo $want)"; fi
else
  bad "scan violations" "$(cat "$tmp/err")"
fi

# every finding carries the contract's fields, evidence and no ENV value
python3 - "$tmp/v.json" <<'EOF' && pass "findings carry the contract fields and evidence" || bad "finding fields" "see above"
import json, sys
d = json.load(open(sys.argv[1]))
keys = {"id", "cis", "kind", "severity", "title", "message", "file", "line", "object",
        "layer", "remediation"}
ok = True
for m in d["misconfigurations"]:
    if not keys <= set(m):
        print("missing", keys - set(m), m["id"]); ok = False
    if m["kind"] != "image" or not m["remediation"]:
        print("kind/remediation", m); ok = False
    if "fixture-not-a-real-token" in json.dumps(m):
        print("ENV value leaked", m["id"]); ok = False
by = {m["id"]: m for m in d["misconfigurations"]}
exp = {"VGL-IMG-009": ("file", "/usr/local/bin/suidtool"), "VGL-IMG-015": ("file", "/app/.git"),
       "VGL-IMG-003": ("object", "history[1]"), "VGL-IMG-005": ("object", "history[2]"),
       "VGL-IMG-001": ("cis", "4.1"), "VGL-IMG-002": ("cis", "4.6"), "VGL-IMG-009#": ("cis", "4.8")}
for k, (f, v) in exp.items():
    m = by.get(k.rstrip("#"))
    if not m or m[f] != v:
        print("evidence", k, f, m and m[f], "!=", v); ok = False
if by.get("VGL-IMG-009", {}).get("layer") != 0 or by.get("VGL-IMG-015", {}).get("layer") != 1:
    print("layers wrong"); ok = False
sys.exit(0 if ok else 1)
EOF

if "$VIGIL" scan --scanners config --format json "$dir/hardened" >"$tmp/h.json" 2>"$tmp/err"; then
  got=$(ids "$tmp/h.json")
  if [ -z "$got" ]; then pass "hardened image reports nothing"
  else bad "hardened image" "reported $(echo $got)"; fi
else
  bad "scan hardened" "$(cat "$tmp/err")"
fi

# table: one row per planted id
if "$VIGIL" scan --scanners config "$dir/violations" >"$tmp/t.txt" 2>&1; then
  n=0
  while read -r id; do grep -q "$id" "$tmp/t.txt" && n=$((n + 1)); done <"$dir/violations.expected"
  if [ "$n" = "$(wc -l <"$dir/violations.expected")" ]; then pass "table lists every id"
  else bad "table" "$n ids of $(wc -l <"$dir/violations.expected")"; fi
else bad "table scan" "$(tail -3 "$tmp/t.txt")"; fi

# SARIF and JUnit parse and carry the ids
for fmt in sarif junit; do
  if "$VIGIL" scan --scanners config --format $fmt "$dir/violations" >"$tmp/o.$fmt" 2>"$tmp/err" &&
     python3 - "$tmp/o.$fmt" "$fmt" "$dir/violations.expected" <<'EOF'
import json, sys, xml.etree.ElementTree as ET
path, fmt, exp = sys.argv[1:4]
want = set(open(exp).read().split())
text = open(path).read()
if fmt == "sarif":
    d = json.loads(text)
    got = {r["ruleId"] for r in d["runs"][0]["results"]}
else:
    ET.fromstring(text)
    got = {i for i in want if i in text}
sys.exit(0 if want <= got else 1)
EOF
  then pass "$fmt output has every id"; else bad "$fmt output" "$(head -c 300 "$tmp/err")"; fi
done

# a policy that skips one check and lowers another
printf 'checks:\n  skip: [VGL-IMG-002]\n  severity: {VGL-IMG-001: LOW}\n' >"$tmp/policy.yaml"
if "$VIGIL" scan --scanners config --format json --policy "$tmp/policy.yaml" "$dir/violations" >"$tmp/p.json" 2>"$tmp/err" &&
   python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
by = {m["id"]: m for m in d["misconfigurations"]}
sys.exit(0 if "VGL-IMG-002" not in by and by["VGL-IMG-001"]["severity"] == "LOW" else 1)' "$tmp/p.json"
then pass "policy skips and re-grades checks"; else bad "policy" "$(head -c 300 "$tmp/err")"; fi

# the gate
"$VIGIL" scan --scanners config --exit-code 3 "$dir/violations" >/dev/null 2>&1; rc=$?
"$VIGIL" scan --scanners config --exit-code 3 "$dir/hardened" >/dev/null 2>&1; rc2=$?
if [ $rc = 3 ] && [ $rc2 = 0 ]; then pass "--exit-code gates on findings"
else bad "--exit-code" "violations $rc hardened $rc2"; fi

# every check is listed with its CIS id
if "$VIGIL" config --list-checks >"$tmp/list" 2>/dev/null; then
  n=$(grep -c 'VGL-IMG-0' "$tmp/list"); if [ "$n" -ge 25 ]; then pass "config --list-checks lists $n image checks"
  else bad "--list-checks" "$n image checks"; fi
else
  echo "SKIP: config/image: config --list-checks: not available in this build"
fi
exit $fail
