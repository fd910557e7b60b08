#!/usr/bin/env bash
# Secret scanning through `vigil scan --scanners secret`: every secret the fixture
# generator planted is found with the right rule, path, line, layer and status; nothing
# else is reported (negative controls, allowlisted paths); no raw secret appears in any
# output format; custom rules merge with or replace the built-ins; an invalid rule file
# is a clear error naming its line; clean Debian and Alpine images and the application
# fixture images give zero findings.
set -uo pipefail
cd "$(dirname "$0")/../.."
VIGIL=${VIGIL:-build/vigil}
PY=${PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=python3
fails=0
pass() { echo "PASS: secret/$1"; }
fail() { echo "FAIL: secret/$1: $2"; fails=$((fails + 1)); }
skip() { echo "SKIP: secret/$1: $2"; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

scan() { "$VIGIL" scan --scanners secret "$@"; }

# ---- the fixture image ----
if ! FX=$(tests/fixtures/make-secret-image.sh 2>"$TMP/fx.err"); then
    fail fixture "make-secret-image.sh failed: $(tail -3 "$TMP/fx.err")"
    exit 1
fi
IMG="oci:$FX/oci"
if scan --format json "$IMG" >"$TMP/out.json" 2>"$TMP/err"; then
    pass "scan-exit-0"
else
    fail "scan-exit-0" "exit $?: $(head -3 "$TMP/err")"
fi
"$PY" - "$TMP/out.json" "$FX/expect.tsv" "$FX/negatives.txt" <<'PYEOF'
import json, re, sys
out, expect, negatives = sys.argv[1:4]
try:
    found = json.load(open(out))["secrets"]
except Exception as e:
    print("FAIL: secret/json-report: %s" % e)
    sys.exit(0)
key = lambda r: (r["rule_id"], r["path"], str(r["layer"]), r["status"],
                 str(r["removed_by"] if r["removed_by"] is not None else -1), str(r["line"]))
got = {}
for r in found:
    got.setdefault(key(r), []).append(r)
exp = [tuple(l.rstrip("\n").split("\t")) for l in open(expect) if l.strip()]
for e in exp:
    name = "found %s %s layer %s %s" % (e[0], e[1], e[2], e[3])
    if e in got:
        print("PASS: secret/" + name)
    else:
        near = [k for k in got if k[0] == e[0] and k[1] == e[1]]
        print("FAIL: secret/%s: not reported%s" % (name, (" (got %s)" % (near,)) if near else ""))
extra = [k for k in got if k not in set(exp)]
print(("PASS: secret/no-unexpected-findings" if not extra else
       "FAIL: secret/no-unexpected-findings: %s" % extra[:10]))
negs = [l.strip() for l in open(negatives) if l.strip()]
bad = [r["path"] for r in found if r["path"] in negs]
print(("PASS: secret/negative-controls-not-reported (%d files)" % len(negs)) if not bad else
      "FAIL: secret/negative-controls-not-reported: %s" % bad)
badred = [r["redacted"] for r in found
          if r["redacted"] != "(file)" and not re.fullmatch(r"[^*]{0,2}\*{4,16}[^*]{0,2}", r["redacted"])]
print("PASS: secret/redacted-form" if not badred else "FAIL: secret/redacted-form: %s" % badred[:5])
badfp = [r["fingerprint"] for r in found
         if not re.fullmatch(re.escape(r["rule_id"] + ":" + r["path"] + ":") + "[0-9a-f]{16}",
                             r["fingerprint"] or "")]
print("PASS: secret/fingerprint-form" if not badfp else "FAIL: secret/fingerprint-form: %s" % badfp[:5])
fields = {"rule_id", "category", "title", "severity", "source", "path", "line", "layer",
          "status", "removed_by", "redacted", "fingerprint"}
missing = [sorted(fields - set(r)) for r in found if fields - set(r)]
print("PASS: secret/finding-fields" if not missing else "FAIL: secret/finding-fields: missing %s" % missing[0])
PYEOF

# a policy can ignore one secret by its fingerprint, and only that one
fp=$("$PY" -c 'import json,sys; s=[r for r in json.load(open(sys.argv[1]))["secrets"] if r["rule_id"]=="stripe-secret-key"]; print(s[0]["fingerprint"] if s else "")' "$TMP/out.json" 2>/dev/null)
if [ -n "$fp" ]; then
    printf 'ignore:\n  - fingerprint: "%s"\n    reason: revoked\n' "$fp" >"$TMP/policy.yaml"
    if scan --format json --policy "$TMP/policy.yaml" "$IMG" >"$TMP/pol.json" 2>"$TMP/pol.err" &&
        "$PY" - "$TMP/out.json" "$TMP/pol.json" "$fp" <<'PYEOF'
import json, sys
a = json.load(open(sys.argv[1]))["secrets"]
b = json.load(open(sys.argv[2]))["secrets"]
fps = [r["fingerprint"] for r in b]
sys.exit(0 if sys.argv[3] not in fps and len(b) == len(a) - 1 else 1)
PYEOF
    then
        pass "policy-ignores-fingerprint"
    else
        fail "policy-ignores-fingerprint" "$(head -2 "$TMP/pol.err")"
    fi
else
    fail "policy-ignores-fingerprint" "no stripe-secret-key finding to ignore"
fi

# a CI gate: --exit-code fails the build on secrets
scan --format json --exit-code 3 "$IMG" >/dev/null 2>&1
rc=$?
if [ $rc -eq 3 ]; then pass "exit-code-gate"; else fail "exit-code-gate" "exit $rc, want 3"; fi

# no raw secret in any output format (the generator's list, checked to be non-empty)
if [ "$(grep -c . "$FX/secrets.txt")" -lt 40 ]; then
    fail "secrets-list" "the generator listed too few secrets"
fi
for fmt in json table sarif; do
    if scan --format "$fmt" "$IMG" >"$TMP/out.$fmt" 2>"$TMP/err.$fmt"; then
        if [ ! -s "$TMP/out.$fmt" ]; then
            fail "no-raw-secret-$fmt" "empty output"
        elif leaked=$(grep -F -o -f "$FX/secrets.txt" "$TMP/out.$fmt" "$TMP/err.$fmt" | head -1) &&
            [ -n "$leaked" ]; then
            fail "no-raw-secret-$fmt" "a raw secret is printed (${leaked:0:4}...)"
        else
            pass "no-raw-secret-$fmt"
        fi
    else
        fail "no-raw-secret-$fmt" "scan --format $fmt failed: $(head -2 "$TMP/err.$fmt")"
    fi
done

# ---- custom rules ----
mkdir -p "$TMP/root/etc" "$TMP/root/app"
acme="acme_live_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# a GitHub token with its checksum (CRC-32 of the 30 random characters, base62)
ghp=$(python3 -c 'import secrets,string,zlib; a=string.ascii_letters+string.digits; b="".join(secrets.choice(a) for _ in range(30)); d=string.digits+string.ascii_uppercase+string.ascii_lowercase; c=zlib.crc32(b.encode()); s=""
for _ in range(6): c,r=divmod(c,62); s=d[r]+s
print("ghp_"+b+s)')
# a value the rule's allowlist names (its own prefix) is not reported
acme_ok="acme_live_feedface$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf 'api_key = %s\nold_key = %s\n' "$acme" "$acme_ok" >"$TMP/root/etc/acme.conf"
printf 'TOKEN = "%s"\n' "$ghp" >"$TMP/root/app/settings.py"
# a key name next to a value of the provider's shape: reported when the value mixes digits
# and letters, not when it is letters only (a word, not a generated token)
co_mixed="k7$(head -c 400 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 36)Q9"
co_word=$(head -c 600 /dev/urandom | tr -dc 'A-Za-z' | head -c 40)
printf 'cohere_api_key = "%s"\n' "$co_mixed" >"$TMP/root/app/cohere.env"
printf 'cohere_api_key = "%s"\n' "$co_word" >"$TMP/root/app/cohere-word.env"
cat >"$TMP/rules.yaml" <<'YEOF'
rules:
  - id: acme-api-key
    category: Acme
    title: Acme API key
    severity: HIGH
    regex: 'acme_live_([0-9a-f]{32})'
    keywords: [acme_]
    min_entropy: 3
    paths: ['*.conf']
    allowlist: ['^feedface']
YEOF
rules_of() {
    "$PY" -c 'import json,sys; print(" ".join(sorted(r["rule_id"] for r in json.load(open(sys.argv[1]))["secrets"])))' "$1"
}
if scan --format json --secret-rules "$TMP/rules.yaml" "rootfs:$TMP/root" >"$TMP/c1.json" 2>"$TMP/c1.err" &&
    [ "$(rules_of "$TMP/c1.json")" = "acme-api-key cohere-api-key github-pat" ]; then
    pass "custom-rules-merged"
else
    fail "custom-rules-merged" "got '$(rules_of "$TMP/c1.json" 2>/dev/null)' $(head -2 "$TMP/c1.err")"
fi
if scan --format json --secret-rules "$TMP/rules.yaml" --secret-rules-only "rootfs:$TMP/root" \
    >"$TMP/c2.json" 2>"$TMP/c2.err" && [ "$(rules_of "$TMP/c2.json")" = "acme-api-key" ]; then
    pass "custom-rules-replace"
else
    fail "custom-rules-replace" "got '$(rules_of "$TMP/c2.json" 2>/dev/null)' $(head -2 "$TMP/c2.err")"
fi
if grep -q -F -e "$acme" -e "$ghp" -e "$co_mixed" "$TMP/c1.json" "$TMP/c2.json"; then
    fail "custom-rules-redacted" "a raw secret is printed"
else
    pass "custom-rules-redacted"
fi
cat >"$TMP/bad.yaml" <<'YEOF'
rules:
  - id: fine
    regex: 'fine_[a-z]{8}'
  - id: lookahead
    regex: 'token(?=[0-9]{8})'
YEOF
scan --format json --secret-rules "$TMP/bad.yaml" "rootfs:$TMP/root" >/dev/null 2>"$TMP/bad.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "bad.yaml:4" "$TMP/bad.err" && grep -q "lookahead" "$TMP/bad.err"; then
    pass "invalid-rule-file-names-line"
else
    fail "invalid-rule-file-names-line" "exit $rc: $(head -2 "$TMP/bad.err")"
fi

# ---- clean images: zero findings with the default rules ----
if CLEAN=$(tests/fixtures/secret/make-clean-images.sh 2>"$TMP/clean.err"); then
    n=0
    for d in "$CLEAN"/debian "$CLEAN"/alpine-*; do
        [ -d "$d" ] || continue
        n=$((n + 1))
        name=$(basename "$d")
        if scan --format json "rootfs:$d" >"$TMP/clean.json" 2>"$TMP/clean.err2"; then
            c=$("$PY" -c 'import json,sys; s=json.load(open(sys.argv[1]))["secrets"]; print(len(s)); [print("  ", r["rule_id"], r["path"], file=sys.stderr) for r in s[:5]]' "$TMP/clean.json")
            if [ "$c" = 0 ]; then pass "clean-$name-zero-findings"; else fail "clean-$name-zero-findings" "$c findings"; fi
            if [ "$name" = debian ]; then
                scan --format json --exit-code 3 "rootfs:$d" >/dev/null 2>&1
                rc=$?
                if [ $rc -eq 0 ]; then pass "exit-code-clean"; else fail "exit-code-clean" "exit $rc, want 0"; fi
            fi
        else
            fail "clean-$name-zero-findings" "scan failed: $(head -2 "$TMP/clean.err2")"
        fi
    done
    [ $n -ge 5 ] || fail "clean-images" "expected Debian and 4 Alpine roots, found $n"
else
    skip "clean-images" "cannot build them (mmdebstrap needs the Debian archive): $(tail -1 "$TMP/clean.err")"
fi

# ---- the application fixture images: zero findings too (issue 18's must-show) ----
for spec in make-golden-lang:oci make-appimages-java-go:oci make-appimages-lang:oci \
    make-golden-go:oci make-golden-debian:oci make-golden-rpm:oci make-golden-alpine:oci-3.20.3; do
    script=${spec%%:*} sub=${spec#*:}
    if ! dir=$(bash "tests/fixtures/$script.sh" 2>"$TMP/app.err" | tail -1) || [ ! -d "$dir/$sub" ]; then
        if [ "${CI:-}" = true ]; then
            fail "app-$script-zero-findings" "fixture not built: $(tail -1 "$TMP/app.err")"
        else
            skip "app-$script-zero-findings" "fixture not built: $(tail -1 "$TMP/app.err")"
        fi
        continue
    fi
    if scan --format json "oci:$dir/$sub" >"$TMP/app.json" 2>"$TMP/app.err2"; then
        c=$("$PY" -c 'import json,sys; s=json.load(open(sys.argv[1]))["secrets"] or []; print(len(s)); [print("  ", r["rule_id"], r["path"], file=sys.stderr) for r in s[:5]]' "$TMP/app.json")
        if [ "$c" = 0 ]; then pass "app-$script-zero-findings"; else fail "app-$script-zero-findings" "$c findings"; fi
    else
        fail "app-$script-zero-findings" "scan failed: $(head -2 "$TMP/app.err2")"
    fi
done

[ $fails -eq 0 ]
