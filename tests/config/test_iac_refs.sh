#!/usr/bin/env bash
# The cross-references of the Dockerfile and Kubernetes checks (issue 19): every peer id
# (hadolint DLnnnn, Trivy DSnnn / KSVnnn, Checkov CKV_K8S_n) and CWE / CVE is of a known
# shape, of the right kind, names one Vigil check only, and is one of the ids verified
# against the peer's own source (tests/config/peer-ids.txt, how: docs/checks-iac.md).
# The refs reach the reports: SARIF rules carry helpUri and tags (validated against
# SARIF 2.1.0), the HTML report a Refs column with links, the JSON report "refs".
set -uo pipefail
cd "$(dirname "$0")"
VIGIL=${VIGIL:-../../build/vigil}
SHARED=${VIGIL_SHARED:-../../../shared}
fails=0
pass() { echo "PASS: config/refs/$1"; }
fail() { echo "FAIL: config/refs/$1: $2"; fails=$((fails + 1)); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$VIGIL" config --list-checks --format json >"$tmp/checks.json" || fail "list-checks" "vigil failed"
# one line per (check, kind, ref)
jq -r '.checks[] | select(.kind == "dockerfile" or .kind == "kubernetes") | select(.refs) |
  .id as $id | .kind as $k | (.refs | split(", ")[]) | "\($id) \($k) \(.)"' \
  "$tmp/checks.json" >"$tmp/refs"
n=$(wc -l <"$tmp/refs")

# shape and kind: DL / DS only on Dockerfile checks, KSV / CKV_K8S only on Kubernetes ones
bad=$(awk '
  $2 == "dockerfile" && $3 ~ /^(DL[34][0-9][0-9][0-9]|DS[0-9][0-9][0-9])$/ { next }
  $2 == "kubernetes" && $3 ~ /^(KSV[0-9][0-9][0-9]|KSV0[0-9][0-9][0-9]|CKV_K8S_[0-9]+)$/ { next }
  $3 ~ /^(CWE-[1-9][0-9]*|CVE-[12][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]+)$/ { next }
  { print $1 ":" $3 }' "$tmp/refs")
# the separator is exactly ", " (no trailing comma, no doubled space, no empty ref)
sep=$(jq -r '.checks[] | select(.refs) | select(.refs | test("^[A-Z]") and test("[A-Za-z0-9]$") and
  (test(",[^ ]|  |, ,") | not) | not) | .id' "$tmp/checks.json")
[ "$n" -ge 150 ] && [ -z "$bad" ] && [ -z "$sep" ] &&
  pass "every ref is of a known shape and kind ($n refs)" ||
  fail "shape" "$n refs; bad: $(echo $bad) separators: $(echo $sep)"

# a peer's check is named by one Vigil check only (a CWE may be shared), and no check
# names a ref twice
dup=$(awk '$3 !~ /^CWE-/ { print $3 }' "$tmp/refs" | sort | uniq -d)
twice=$(awk '{ print $1, $3 }' "$tmp/refs" | sort | uniq -d)
[ -z "$dup" ] && [ -z "$twice" ] && pass "every peer id names one check" ||
  fail "unique" "shared: $(echo $dup) twice in a check: $(echo $twice)"

# every ref is one verified against its source, and the list holds no stale id
grep -v '^#' peer-ids.txt | cut -f1 | sort >"$tmp/verified"
awk '{ print $3 }' "$tmp/refs" | sort -u >"$tmp/used"
unverified=$(comm -23 "$tmp/used" "$tmp/verified")
stale=$(comm -13 "$tmp/used" "$tmp/verified")
badsrc=$(grep -v '^#' peer-ids.txt | awk -F'\t' 'NF != 3 || $2 !~ /^(hadolint|hadolint-retired|trivy|trivy-deprecated|checkov|mitre|nvd)$/')
[ -z "$unverified" ] && [ -z "$stale" ] && [ -z "$badsrc" ] &&
  pass "every ref is one verified against the peer's source ($(wc -l <"$tmp/verified") ids)" ||
  fail "verified" "not in peer-ids.txt: $(echo $unverified); unused there: $(echo $stale); bad lines: $badsrc"

# a few that were wrong before (written from memory) stay right
want() { # want CHECK REFS
  local got
  got=$(jq -r --arg id "$1" '.checks[] | select(.id == $id) | .refs // "-"' "$tmp/checks.json")
  [ "$got" = "$2" ] || echo "$1=$got(want $2)"
}
w=$(want VGL-DF-005 CWE-494; want VGL-DF-047 DL3062; want VGL-DF-028 "DL3057, DS026"
  want VGL-DF-039 "DL3024, DL3063, DS012"; want VGL-DF-055 -; want VGL-K8S-036 KSV121
  want VGL-K8S-040 KSV106; want VGL-K8S-031 KSV122; want VGL-K8S-030 KSV111
  want VGL-K8S-035 KSV048; want VGL-K8S-038 KSV107; want VGL-K8S-043 "KSV0108, CVE-2020-8554")
[ -z "$w" ] && pass "the refs corrected in the verification stay" || fail "corrected refs" "$w"

# SARIF: each rule of a config check with refs has helpUri (the first ref with a page)
# and its refs and CIS id as tags; the document validates against SARIF 2.1.0
files="cases/VGL-DF-021-fail.Dockerfile cases/VGL-DF-005-fail.Dockerfile cases/VGL-K8S-040-fail.yaml cases/VGL-K8S-022-fail.yaml"
# shellcheck disable=SC2086
"$VIGIL" config --format sarif $files >"$tmp/r.sarif" 2>"$tmp/err"; rc=$?
if [ $rc = 0 ] && python3 - "$tmp/r.sarif" "$SHARED/specs/schemas/sarif-2.1.0/sarif-schema-2.1.0.json" \
  "$tmp/checks.json" >"$tmp/py" 2>&1 <<'PYEOF'
import json, re, sys, jsonschema
doc = json.load(open(sys.argv[1]))
jsonschema.validate(doc, json.load(open(sys.argv[2])))
checks = {c["id"]: c for c in json.load(open(sys.argv[3]))["checks"]}
rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
pages = [(r"^DL\d{4}$", "https://github.com/hadolint/hadolint/wiki/{}"),
         (r"^(DS|KSV)\d+$", "https://avd.aquasec.com/misconfig/{}"),
         (r"^CWE-\d+$", None), (r"^CVE-", None)]
def page(ref):
    if re.match(r"^DL\d{4}$", ref): return "https://github.com/hadolint/hadolint/wiki/" + ref
    if re.match(r"^(DS|KSV)\d+$", ref): return "https://avd.aquasec.com/misconfig/" + ref.lower()
    if ref.startswith("CWE-"): return "https://cwe.mitre.org/data/definitions/%s.html" % ref[4:]
    if ref.startswith("CVE-"): return "https://nvd.nist.gov/vuln/detail/" + ref
    return None
seen = 0
for rid, r in rules.items():
    c = checks[rid]
    refs = c["refs"].split(", ") if c["refs"] else []
    tags = r["properties"]["tags"]
    assert len(tags) == len(set(tags)), (rid, tags)
    assert all(x in tags for x in refs), (rid, refs, tags)
    if c["cis"]:
        assert "CIS " + c["cis"] in tags, (rid, tags)
    want = next((page(x) for x in refs if page(x)), None)
    assert r.get("helpUri") == want, (rid, r.get("helpUri"), want)
    seen += bool(refs)
must = {"VGL-DF-021": "https://github.com/hadolint/hadolint/wiki/DL4006",
        "VGL-DF-005": "https://cwe.mitre.org/data/definitions/494.html",
        "VGL-K8S-040": "https://avd.aquasec.com/misconfig/ksv106",
        "VGL-K8S-022": None}
for rid, url in must.items():
    assert rid in rules, rid
    assert rules[rid].get("helpUri") == url, (rid, rules[rid].get("helpUri"))
assert "CKV_K8S_43" in rules["VGL-K8S-022"]["properties"]["tags"]
print("%d rules, %d with refs" % (len(rules), seen))
PYEOF
then pass "SARIF rules carry helpUri and the refs as tags, valid SARIF 2.1.0 ($(cat "$tmp/py"))"
else fail "SARIF" "rc $rc $(head -c 300 "$tmp/err") $(tail -3 "$tmp/py")"; fi

# HTML: the misconfigurations table has a Refs column; each ref is a link to its page
# (text for those without one), the same rows as the JSON report
# shellcheck disable=SC2086
"$VIGIL" config --format html $files >"$tmp/r.html" 2>"$tmp/err"; rc=$?
# shellcheck disable=SC2086
"$VIGIL" config --format json $files >"$tmp/r.json" 2>/dev/null
if [ $rc = 0 ] && python3 - "$tmp/r.html" "$tmp/r.json" "$tmp/checks.json" >"$tmp/py" 2>&1 <<'PYEOF'
import json, sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.tables = {}; s.cur = None; s.row = None; s.cell = None; s.head = []
        s.inhead = False
    def handle_starttag(s, tag, a):
        a = dict(a)
        if tag == "table" and a.get("id", "").startswith("table-"):
            s.cur = a["id"][6:]; s.tables[s.cur] = []; s.head = []
        elif tag == "thead": s.inhead = True
        elif tag == "tr" and s.cur and not s.inhead: s.row = []
        elif tag in ("td", "th") and s.cur: s.cell = {"text": "", "links": []}
        elif tag == "a" and s.cell is not None: s.cell["links"].append((a.get("href"), a.get("rel")))
    def handle_endtag(s, tag):
        if tag == "thead": s.inhead = False
        elif tag == "th" and s.cur and s.cell is not None: s.head.append(s.cell["text"]); s.cell = None
        elif tag == "td" and s.row is not None: s.row.append(s.cell); s.cell = None
        elif tag == "tr" and s.row is not None: s.tables[s.cur].append(s.row); s.row = None
        elif tag == "table" and s.cur:
            s.tables[s.cur + ":head"] = s.head; s.cur = None
    def handle_data(s, d):
        if s.cell is not None: s.cell["text"] += d
p = P(); p.feed(open(sys.argv[1]).read())
head = p.tables["misconfigurations:head"]
rows = p.tables["misconfigurations"]
rep = json.load(open(sys.argv[2]))["misconfigurations"]
checks = {c["id"]: c for c in json.load(open(sys.argv[3]))["checks"]}
assert "Refs" in head, head
ri, ii = head.index("Refs"), head.index("ID")
assert len(rows) == len(rep) > 0, (len(rows), len(rep))
linked = 0
for r in rows:
    c = checks[r[ii]["text"]]
    want = c["refs"] or "\u2013"
    assert r[ri]["text"] == want, (r[ii]["text"], r[ri]["text"], want)
    for href, rel in r[ri]["links"]:
        assert href.startswith(("https://github.com/hadolint/hadolint/wiki/DL", "https://avd.aquasec.com/misconfig/",
                                "https://cwe.mitre.org/data/definitions/", "https://nvd.nist.gov/vuln/detail/")), href
        assert rel == "noreferrer", rel
        linked += 1
    if r[ii]["text"] == "VGL-K8S-022":
        assert r[ri]["links"] == [], r[ri]["links"]          # CKV_K8S_43: text, no page
    if r[ii]["text"] == "VGL-DF-021":
        assert [h for h, _ in r[ri]["links"]] == ["https://github.com/hadolint/hadolint/wiki/DL4006",
                                                  "https://avd.aquasec.com/misconfig/ds032"], r[ri]["links"]
print("%d rows, %d links" % (len(rows), linked))
PYEOF
then pass "HTML report shows each check's refs, linked to their pages ($(cat "$tmp/py"))"
else fail "HTML" "rc $rc $(head -c 300 "$tmp/err") $(tail -3 "$tmp/py")"; fi

# JSON (vigil config and the shared scan report writer) carries refs next to cis
r=$(jq -r '[.misconfigurations[] | select(.id == "VGL-DF-021") | .refs] | unique | join(";")' "$tmp/r.json")
[ "$r" = "DL4006, DS032" ] && pass "JSON findings carry refs" || fail "JSON refs" "got '$r'"

[ $fails -eq 0 ]
