#!/usr/bin/env bash
# Vigil in CI, as a pipeline script uses it (docs/ci.md): exit codes for every gate
# combination (each expected code computed from the JSON report of the same scan, not
# from Vigil's own gate), several reports from one run validated against the published
# schemas (GitLab 15.0.7 container and dependency scanning, SARIF 2.1.0, CycloneDX 1.6;
# ../shared/specs/schemas), SARIF fingerprints, CycloneDX VEX states, the template output,
# VIGIL_* variables and vigil.yaml with their precedence, abbreviated options refused,
# the table fitted to COLUMNS, version --format json, completion and the man page against
# every command's help, and the CI examples of docs/ci.md run as shell scripts.
# Environment: VIGIL (default build/vigil), VIGIL_SHARED (../shared), VIGIL_CACHE.
# no pipefail: `... | grep -q` ends its writer early (SIGPIPE), which is not a failure
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=${VIGIL_SHARED:-$top/../shared}
VIGIL=${VIGIL:-$top/build/vigil}
PY=/usr/bin/python3
schemas=$shared/specs/schemas
fx=$top/tests/fixtures
fail=0
pass() { echo "PASS: ci: $1"; }
bad() { echo "FAIL: ci: $1${2:+: $2}"; fail=1; }
skip() { echo "SKIP: ci: $1"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
unset VIGIL_CONFIG VIGIL_EXIT_CODE VIGIL_FORMAT VIGIL_SEVERITY VIGIL_QUIET VIGIL_TIMEOUT

[ -d "$shared/vulndata" ] || { skip "$shared/vulndata not found (../shared missing)"; exit 0; }
if ! "$VIGIL" db update --from "$shared/vulndata" --db "$tmp/v.db" >"$tmp/db.log" 2>&1; then
    bad "db update" "$(tail -3 "$tmp/db.log")"; exit 1
fi
export VIGIL_DB=$tmp/v.db
if ! deb=$("$fx/make-golden-debian.sh" 2>"$tmp/deb.log"); then
    bad "the Debian fixture image" "$(tail -3 "$tmp/deb.log")"; exit 1
fi
IMG=oci:$deb/oci
lang=$("$fx/make-golden-lang.sh" 2>"$tmp/lang.log") || lang=

# ---- exit codes: every gate combination --------------------------------------------------
"$VIGIL" scan -q "$IMG" --format json -o all.json >/dev/null 2>err || { bad "base scan" "$(cat err)"; exit 1; }
# expected NAME RC ARGS...: the scan's exit code equals RC
expect() {
    local name=$1 want=$2; shift 2
    "$VIGIL" scan -q "$IMG" "$@" >out.txt 2>err.txt; local rc=$?
    if [ "$rc" = "$want" ]; then pass "exit code $want: $name"
    else bad "exit code of $name" "got $rc, want $want: $(head -c 300 err.txt)"; fi
}
CK="$PY $top/tests/ci/ci_check.py"
# oracle SEV...: 1 when the JSON report holds an unsuppressed finding of one of SEV
oracle() { $CK oracle all.json "$@"; }
any=$(oracle); crit=$(oracle CRITICAL); high=$(oracle CRITICAL HIGH); low=$(oracle CRITICAL HIGH MEDIUM LOW)
[ "$any" = 1 ] && pass "the fixture image has findings to gate on" || bad "the fixture image has no finding"
expect "no gate" 0
expect "--exit-code 0" 0 --exit-code 0
expect "--exit-code 1" "$any" --exit-code 1
expect "--exit-code 3" $((any * 3)) --exit-code 3
expect "--exit-code 255" $((any * 255)) --exit-code 255
expect "--fail-on CRITICAL" "$crit" --fail-on CRITICAL
expect "--fail-on HIGH" "$high" --fail-on HIGH
expect "--fail-on LOW" "$low" --fail-on LOW
expect "--fail-on HIGH --exit-code 7" $((high * 7)) --fail-on HIGH --exit-code 7
expect "--fail-on HIGH --exit-code 0" 0 --fail-on HIGH --exit-code 0
expect "--severity CRITICAL --exit-code 1" "$crit" --severity CRITICAL --exit-code 1
expect "--severity CRITICAL,HIGH --exit-code 4" $((high * 4)) --severity CRITICAL,HIGH --exit-code 4
expect "--severity LOW --fail-on CRITICAL" 0 --severity LOW --fail-on CRITICAL
cat > ignore-all.yaml <<'EOF'
ignore:
  - path: "*"
    reason: accepted for the test
EOF
expect "everything suppressed by the policy, --exit-code 1" 0 --policy ignore-all.yaml --exit-code 1
expect "--exit-code 2 is refused (the error status)" 2 --exit-code 2
grep -q "error status" err.txt && pass "--exit-code 2 says why" || bad "--exit-code 2 message" "$(cat err.txt)"
expect "--exit-code 256 refused" 2 --exit-code 256
expect "--fail-on bogus refused" 2 --fail-on SEVERE
"$VIGIL" scan -q /nonexistent --exit-code 1 >/dev/null 2>&1; rc1=$?
"$VIGIL" scan -q /nonexistent --exit-code 0 >/dev/null 2>&1; rc0=$?
"$VIGIL" scan -q /nonexistent --exit-code 5 --fail-on LOW >/dev/null 2>&1; rc5=$?
[ "$rc1$rc0$rc5" = 222 ] && pass "an error exits 2 whatever the gate" || bad "error exit codes" "$rc1 $rc0 $rc5"

# --only-fixed and --ignore-unfixed are the same filter
"$VIGIL" scan -q "$IMG" --only-fixed --format json -o of.json; $CK count of.json >a.n
"$VIGIL" scan -q "$IMG" --ignore-unfixed --format json -o iu.json; $CK count iu.json >b.n
cmp -s a.n b.n && [ -s a.n ] && pass "--only-fixed = --ignore-unfixed ($(cat a.n) findings)" || bad "--only-fixed" "$(cat a.n) vs $(cat b.n)"

# default scanners vuln,secret; --scanners all adds config and malware
$PY -c 'import json,sys; d=json.load(open("all.json")); sys.exit(0 if d["misconfigurations"] is None and d["malware"] is None and d["secrets"] is not None else 1)' &&
    pass "default scanners: vuln and secret only" || bad "default scanners"
"$VIGIL" scan -q "$IMG" --scanners all --format json -o sa.json
$CK kinds sa.json | grep -q misconfiguration && pass "--scanners all runs the configuration checks" || bad "--scanners all"

# ---- several reports from one run, each validated -----------------------------------------
cat > t.tmpl <<'EOF'
target={{.Target}} failing={{.Failing}}
{{range .Findings}}{{.ID}}|{{.Severity}}|{{.Package}}|{{.Location}}|{{if .Fixed}}fix {{.Fixed}}{{else}}no fix{{end}}|{{.Title | json}}
{{end}}
EOF
if "$VIGIL" scan -q "$IMG" --format json -o r.json --format sarif -o r.sarif --format gitlab -o r.gl.json \
    --format cyclonedx -o r.cdx.json --format junit -o r.xml --format template --template t.tmpl -o r.txt \
    --format table >r.table 2>err; then
    pass "one run wrote 7 reports (json, sarif, gitlab, cyclonedx, junit, template, table on stdout)"
else
    bad "several outputs" "$(cat err)"
fi
"$VIGIL" scan -q "$IMG" --format json --format sarif -o s.sarif --format table >/dev/null 2>err &&
    bad "two reports on stdout accepted" || pass "two reports on stdout are refused"
"$VIGIL" scan -q "$IMG" --format json -o a.json -o b.json >/dev/null 2>err &&
    bad "two -o for one --format accepted" || pass "two -o for one --format are refused"
# the JSON of the multi-output run equals the single-output run
$CK key all.json > k1; $CK key r.json > k2
[ -s k1 ] && cmp -s k1 k2 && pass "the JSON report of the several-output run equals a single run's" || bad "multi-output JSON differs"
if [ -d "$schemas/gitlab-security-reports/15.0.7" ]; then
    validate_gl() { # validate_gl REPORT SCHEMA
        $PY - "$1" "$schemas/gitlab-security-reports/15.0.7/$2" <<'PY'
import json, sys, jsonschema
r = json.load(open(sys.argv[1])); s = json.load(open(sys.argv[2]))
errs = list(jsonschema.Draft7Validator(s).iter_errors(r))
for e in errs[:3]:
    print(list(e.path), e.message[:200])
print(len(r["vulnerabilities"]), "vulnerabilities")
sys.exit(1 if errs or not r["vulnerabilities"] else 0)
PY
    }
    if m=$(validate_gl r.gl.json container-scanning-report-format.json 2>&1); then
        pass "GitLab container-scanning report validates against the 15.0.7 schema ($m)"
    else bad "GitLab container-scanning schema" "$m"; fi
    if [ -n "$lang" ]; then
        "$VIGIL" scan -q "oci:$lang/oci" --format gitlab-dependency -o dep.json 2>err
        if m=$(validate_gl dep.json dependency-scanning-report-format.json 2>&1); then
            pass "GitLab dependency-scanning report of the language image validates ($m)"
        else bad "GitLab dependency-scanning schema" "$m"; fi
    else
        bad "the language fixture image" "$(tail -3 "$tmp/lang.log")"
    fi
    # a deliberately broken report must fail the same validation (the check has teeth)
    $PY -c 'import json; d=json.load(open("r.gl.json")); d["vulnerabilities"][0]["severity"]="Severe"; json.dump(d, open("bad.json","w"))'
    validate_gl bad.json container-scanning-report-format.json >/dev/null 2>&1 &&
        bad "a report with severity 'Severe' validated" || pass "the schema check rejects a broken report"
else
    bad "GitLab schemas missing" "$schemas/gitlab-security-reports/15.0.7"
fi
if [ -f "$schemas/sarif-2.1.0/sarif-schema-2.1.0.json" ]; then
    if m=$($PY - r.sarif "$schemas/sarif-2.1.0/sarif-schema-2.1.0.json" <<'PY' 2>&1
import json, sys, jsonschema
r = json.load(open(sys.argv[1])); s = json.load(open(sys.argv[2]))
errs = list(jsonschema.validators.validator_for(s)(s).iter_errors(r))
res = r["runs"][0]["results"]
fps = [x.get("partialFingerprints", {}).get("vigilFinding/v1") for x in res]
if errs: print(errs[0].message[:200]); sys.exit(1)
if not res or None in fps: print("a result without partialFingerprints"); sys.exit(1)
if len(set(fps)) != len(fps): print("fingerprints repeat"); sys.exit(1)
print(len(res), "results, each with a distinct fingerprint")
PY
    ); then pass "SARIF validates, partialFingerprints on every result ($m)"; else bad "SARIF" "$m"; fi
    "$VIGIL" scan -q "$IMG" --format sarif -o r2.sarif 2>/dev/null
    $PY -c 'import json,sys; f=lambda p:[x["partialFingerprints"] for x in json.load(open(p))["runs"][0]["results"]]; sys.exit(0 if f("r.sarif")==f("r2.sarif") else 1)' &&
        pass "SARIF fingerprints are stable across runs" || bad "SARIF fingerprints change between runs"
else
    bad "SARIF schema missing"
fi
if [ -d "$schemas/cyclonedx-1.6" ]; then
    if m=$($PY "$top/tests/catalog/sbom_check.py" validate cyclonedx r.cdx.json "$schemas" 2>&1); then
        pass "CycloneDX with vulnerabilities validates against 1.6"
    else bad "CycloneDX schema" "$m"; fi
fi
# VEX states: not every finding exploitable; a suppressed one is not_affected
"$VIGIL" scan -q "$IMG" --policy ignore-all.yaml --format cyclonedx -o sup.cdx.json 2>/dev/null
if m=$($PY - r.cdx.json sup.cdx.json <<'PY' 2>&1
import json, sys
st = lambda p: [v.get("analysis", {}).get("state") for v in json.load(open(p)).get("vulnerabilities", [])]
a, b = st(sys.argv[1]), st(sys.argv[2])
kev = 0
if not a or all(s == "exploitable" for s in a): print("all exploitable:", set(a)); sys.exit(1)
if not b or set(b) != {"not_affected"}: print("suppressed:", set(b)); sys.exit(1)
print("states", sorted(set(a)), "; suppressed:", sorted(set(b)))
PY
); then pass "CycloneDX VEX states ($m)"; else bad "CycloneDX VEX states" "$m"; fi
# template: one line per failing finding, as many as the JSON report's
if m=$($PY - r.json r.txt "$($CK count r.json)" <<'PY' 2>&1
import json, sys
lines = open(sys.argv[2]).read().splitlines(); want = int(sys.argv[3])
rows = [l for l in lines[1:] if l]
if not lines[0].startswith("target=") or ("failing=%d" % want) not in lines[0]:
    print("header:", lines[0]); sys.exit(1)
if len(rows) != want: print(len(rows), "rows for", want); sys.exit(1)
for r in rows:
    json.loads(r.rsplit("|", 1)[1])  # the json filter gives a JSON string
print(len(rows), "rows")
PY
); then pass "template output: one row per finding, json filter well-formed ($m)"; else bad "template" "$m"; fi
printf '{{range .Findings}}{{.Nope}}{{end}}\n' > bad.tmpl
"$VIGIL" scan -q "$IMG" --format template --template bad.tmpl >out 2>err; rc=$?
[ $rc = 2 ] && grep -q "bad.tmpl:1: unknown finding field: Nope" err && [ ! -s out ] &&
    pass "a template with an unknown field: exit 2 naming file and line, nothing written" ||
    bad "bad template" "rc $rc $(cat err)"
printf '{{range .Findings}}{{if .Fixed}}x\n' > bad2.tmpl
"$VIGIL" scan -q "$IMG" --format template --template bad2.tmpl >/dev/null 2>err; rc=$?
[ $rc = 2 ] && grep -q "missing {{end}}" err && pass "an unterminated template block is an error" || bad "unterminated template" "rc $rc $(cat err)"

# ---- vigil convert: the saved JSON report in other formats -------------------------------
if "$VIGIL" convert r.json --format sarif -o cv.sarif --format gitlab -o cv.gl.json --format json -o cv.json 2>err; then
    $PY - r.sarif cv.sarif <<'PY' && pass "convert: SARIF from the saved JSON has the scan's results and fingerprints" || bad "convert SARIF differs"
import json, sys
f = lambda p: sorted((x["ruleId"], x["partialFingerprints"]["vigilFinding/v1"]) for x in json.load(open(p))["runs"][0]["results"])
a, b = f(sys.argv[1]), f(sys.argv[2])
sys.exit(0 if a and a == b else 1)
PY
    $CK key r.json > k3; $CK key cv.json > k4
    cmp -s k3 k4 && pass "convert: JSON to JSON keeps every finding" || bad "convert JSON round trip"
    if [ -d "$schemas/gitlab-security-reports/15.0.7" ]; then
        m=$(validate_gl cv.gl.json container-scanning-report-format.json 2>&1) &&
            pass "convert: the GitLab report validates ($m)" || bad "convert GitLab schema" "$m"
    fi
else
    bad "convert" "$(cat err)"
fi
"$VIGIL" convert r.json --fail-on HIGH >/dev/null 2>&1; rc=$?
[ $rc = "$high" ] && pass "convert --fail-on HIGH gates like scan (exit $rc)" || bad "convert gate" "rc $rc want $high"
"$VIGIL" convert r.json --policy x >/dev/null 2>&1; rc1=$?
"$VIGIL" convert r.sarif >/dev/null 2>err; rc2=$?
"$VIGIL" convert r.json --format cyclonedx >/dev/null 2>&1; rc3=$?
[ "$rc1$rc2$rc3" = 222 ] && grep -q "not a Vigil scan report" err && pass "convert refuses unknown options, non-reports and cyclonedx (exit 2)" || bad "convert errors" "$rc1 $rc2 $rc3"

# ---- the table: terminal width, location column, suppressed, licences ----------------------
for cols in 80 100 132; do
    COLUMNS=$cols "$VIGIL" scan -q "$IMG" > tw.txt 2>/dev/null
    # the table's lines: from its header to the blank line after it
    awk '/^PACKAGE /{on=1} on && /^$/{on=0} on' tw.txt > rows.txt
    long=$(awk -v w=$cols 'length($0) > w' rows.txt | wc -l)
    [ "$long" = 0 ] && [ "$(wc -l < rows.txt)" -gt 100 ] && grep -q LOCATION rows.txt && grep -q /var/lib/dpkg/status tw.txt &&
        pass "COLUMNS=$cols: no line wider, location column shown" ||
        bad "table at COLUMNS=$cols" "$long lines wider; $(awk -v w=$cols 'length($0) > w' rows.txt | head -2)"
done
# under 70 columns the rows are stacked (one cell per line); every line fits, nothing is lost
for cols in 32 40 60 69; do
    COLUMNS=$cols "$VIGIL" scan -q "$IMG" --scanners all --licenses > nw.txt 2>/dev/null
    COLUMNS=$cols "$VIGIL" scan -q "$IMG" --policy ignore-all.yaml --show-suppressed >> nw.txt 2>/dev/null
    if r=$($PY - "$cols" nw.txt sa.json <<'PYEOF'
import json, sys
w, text, rep = int(sys.argv[1]), open(sys.argv[2], encoding="utf-8").read(), json.load(open(sys.argv[3]))
long = [l for l in text.splitlines() if len(l) > w]
ids = {v["id"] for v in rep["vulnerabilities"]}
missing = [i for i in ids if i not in text]
words = " ".join(text.split())
kinds = [k for k in ("Vulnerabilities:", "Misconfigurations:", "Licences:", "Suppressed findings") if k not in words]
if long or missing or kinds or len(ids) < 100:
    print(f"{len(long)} lines wider ({long[:2]}), {len(missing)} of {len(ids)} ids missing, sections missing {kinds}")
    sys.exit(1)
print(f"{len(ids)} vulnerabilities, {len(text.splitlines())} lines")
PYEOF
    ); then
        pass "COLUMNS=$cols: every line fits (stacked rows), all findings and sections there ($r)"
    else
        bad "table at COLUMNS=$cols" "$r"
    fi
done
"$VIGIL" scan -q "$IMG" --policy ignore-all.yaml --show-suppressed > sup.txt 2>/dev/null
n=$($PY -c 'import json; print(len(json.load(open("all.json"))["vulnerabilities"]))')
got=$(grep -c "policy: accepted for the test" sup.txt)
[ "$got" = "$n" ] && pass "--show-suppressed lists the $n suppressed findings with the reason" ||
    bad "--show-suppressed" "$got rows for $n"
"$VIGIL" scan -q "$IMG" --policy ignore-all.yaml > nosup.txt 2>/dev/null
grep -q "suppressed by the policy or VEX (see --show-suppressed)" nosup.txt && ! grep -q "policy: accepted" nosup.txt &&
    pass "without --show-suppressed only the count" || bad "suppressed count line"
"$VIGIL" scan -q "$IMG" --licenses > lic.txt 2>/dev/null
npk=$("$VIGIL" sbom -q "$IMG" --format json | $PY -c 'import json,sys; print(len(json.load(sys.stdin)["packages"]))')
grep -q "^Licences: $npk packages" lic.txt && pass "--licenses: a licence table of the $npk packages" ||
    bad "--licenses" "$(grep Licences lic.txt)"

# ---- VIGIL_* variables and vigil.yaml: precedence flag > env > file ------------------------
mkdir -p cfg && cd cfg || exit 1
cat > vigil.yaml <<'EOF'
# defaults for every command
exit-code: 3
scan:
  quiet: true
EOF
rc_of() { "$VIGIL" scan "$IMG" "$@" >/dev/null 2>../err.txt; echo $?; }
want=$((any * 3)); [ "$(rc_of)" = $want ] && pass "vigil.yaml: exit-code from the file" || bad "config file" "$(cat ../err.txt)"
want=$((any * 4)); [ "$(VIGIL_EXIT_CODE=4 rc_of)" = $want ] && pass "VIGIL_EXIT_CODE wins over the file" || bad "env over file"
want=$((any * 5)); [ "$(VIGIL_EXIT_CODE=4 rc_of --exit-code 5)" = $want ] && pass "the flag wins over VIGIL_EXIT_CODE" || bad "flag over env"
printf 'exit-code: 6\n' > other.yaml
want=$((any * 6)); [ "$(rc_of --config other.yaml)" = $want ] && pass "--config FILE replaces ./vigil.yaml" || bad "--config"
want=$((any * 6)); [ "$(VIGIL_CONFIG=other.yaml rc_of)" = $want ] && pass "VIGIL_CONFIG names the file" || bad "VIGIL_CONFIG"
printf 'exit-code: 3\nscan:\n  exit-code: 9\n' > vigil.yaml
want=$((any * 9)); [ "$(rc_of)" = $want ] && pass "a command's section wins over the top level" || bad "section precedence"
printf 'ignore-unfixed: true\nexit-code: 0\n' > vigil.yaml
"$VIGIL" scan -q "$IMG" --format json -o c.json; $CK count c.json > c.n
[ "$(cat c.n)" = "$(cat ../b.n)" ] && pass "a flag from the file (ignore-unfixed: true)" || bad "flag from file" "$(cat c.n) vs $(cat ../b.n)"
printf 'fail-on: LOW\n' > vigil.yaml
want=$low; [ "$(rc_of)" = "$want" ] && [ "$(VIGIL_FAIL_ON=CRITICAL rc_of)" = "$crit" ] &&
    pass "VIGIL_FAIL_ON overrides the file's fail-on" || bad "env over file for fail-on"
printf 'exit-code: 1\n' > vigil.yaml
[ "$(VIGIL_EXIT_CODE=0 rc_of)" = 0 ] && pass "VIGIL_EXIT_CODE=0 overrides the file's exit-code 1" || bad "env 0 over file"
VIGIL_EXIT_CODE=abc "$VIGIL" scan -q "$IMG" >/dev/null 2>../err.txt; rc=$?
[ $rc = 2 ] && grep -q "from VIGIL_EXIT_CODE" ../err.txt && pass "a bad VIGIL_EXIT_CODE: exit 2 naming the variable" || bad "bad env" "rc $rc $(cat ../err.txt)"
printf 'exit-code: [1\n' > vigil.yaml
"$VIGIL" scan -q "$IMG" >/dev/null 2>../err.txt; rc=$?
[ $rc = 2 ] && grep -q "vigil.yaml:" ../err.txt && pass "a broken vigil.yaml: exit 2 with file and line" || bad "broken config" "rc $rc $(cat ../err.txt)"
printf 'exit-code: 0\n' > vigil.yaml
VIGIL_FORMAT=json "$VIGIL" sbom -q "$IMG" | $PY -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null &&
    pass "VIGIL_FORMAT applies to other commands too (sbom)" || bad "VIGIL_FORMAT for sbom"
"$VIGIL" version --config missing.yaml >/dev/null 2>../err.txt; rc=$?
[ $rc = 2 ] && grep -q "missing.yaml" ../err.txt && pass "--config with a missing file is an error" || bad "missing --config"
cd "$tmp" || exit 1

# ---- exact long options only ---------------------------------------------------------------
abbrev() { # abbrev NAME CMD...
    local name=$1; shift
    "$VIGIL" "$@" >/dev/null 2>err.txt; local rc=$?
    if [ $rc = 2 ] && grep -q "spelled out in full" err.txt; then pass "abbreviation refused: $name"
    else bad "abbreviation accepted: $name" "rc $rc $(head -2 err.txt)"; fi
}
abbrev "scan --fail-on-stale" scan --fail-on-stale "$IMG"
abbrev "scan --ignore-unfix" scan --ignore-unfix "$IMG"
abbrev "scan --form=json" scan --form=json "$IMG"
abbrev "scan --exit 1" scan --exit 1 "$IMG"
abbrev "sbom --keep-os" sbom --keep-os "$IMG"
abbrev "db info --form json" db info --form json
abbrev "config --list" config --list
abbrev "version --form json" version --form json
# an option value that looks like an option is not checked as one
"$VIGIL" scan -q "$IMG" --format template --template t.tmpl -o --out.txt >/dev/null 2>err.txt && [ -s ./--out.txt ] &&
    pass "an option's value starting with -- is a value" || bad "option value with --" "$(cat err.txt)"

# ---- version, completion, man page ---------------------------------------------------------
if "$VIGIL" version --format json > v.json && $PY - v.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); db = d["database"]
sys.exit(0 if d["version"] and db["present"] and db["built"] and len(db["feeds"]) > 5 else 1)
PY
then pass "version --format json: version, database path, build time, $( $PY -c 'import json;print(len(json.load(open("v.json"))["database"]["feeds"]))') feeds"
else bad "version --format json" "$(cat v.json)"; fi
"$VIGIL" version --format json --db "$tmp/none.db" | $PY -c 'import json,sys; d=json.load(sys.stdin)["database"]; sys.exit(0 if not d["present"] and d["error"] else 1)' &&
    pass "version with a missing database says so (exit 0)" || bad "version missing db"
cmds="scan sbom inspect ls pull config audit verify db serve watch vercmp version completion convert admission-config"
"$top/scripts/gen-man.sh" "$VIGIL" > vigil.1 2>err.txt || bad "gen-man.sh" "$(cat err.txt)"
man -l vigil.1 > man.txt 2>/dev/null || groff -man -Tascii vigil.1 > man.txt 2>/dev/null || cp vigil.1 man.txt
"$VIGIL" completion bash > comp.bash
mkdir -p bin && ln -sf "$VIGIL" bin/vigil
missing_man=() missing_comp=() total=0
for c in $cmds; do
    opts=$("$VIGIL" "$c" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
    comp=$(PATH="$tmp/bin:$PATH" bash -c 'source ./comp.bash; COMP_WORDS=(vigil "$1" --); COMP_CWORD=2; _vigil; printf "%s\n" "${COMPREPLY[@]}"' _ "$c" "$VIGIL" 2>/dev/null)
    for o in $opts; do
        total=$((total + 1))
        grep -qF -- "$o" vigil.1 || grep -qF -- "${o//-/\\-}" vigil.1 || missing_man+=("$c $o")
        printf '%s\n' "$comp" | grep -qxF -- "$o" || missing_comp+=("$c $o")
    done
done
[ ${#missing_man[@]} = 0 ] && pass "man page: all $total options of the ${cmds// /, } help texts" || bad "man page misses" "${missing_man[*]:0:200}"
[ ${#missing_comp[@]} = 0 ] && pass "bash completion offers all $total options" || bad "bash completion misses" "${missing_comp[*]:0:200}"
comp1=$(PATH="$tmp/bin:$PATH" bash -c 'source ./comp.bash; COMP_WORDS=(vigil sc); COMP_CWORD=1; _vigil; echo "${COMPREPLY[*]}"')
[ "$comp1" = scan ] && pass "bash completion completes commands" || bad "command completion" "$comp1"
for sh in zsh fish; do
    "$VIGIL" completion $sh > comp.$sh || bad "completion $sh"
    if command -v $sh >/dev/null; then
        $sh -n comp.$sh && pass "$sh completion parses" || bad "$sh completion syntax"
    else
        grep -q "vigil" comp.$sh && pass "$sh completion written ($sh not installed: syntax not checked)"
    fi
done

# ---- docs/ci.md: the CI examples as plain shell scripts -----------------------------------
# each example's steps are the lines between "# vigil-ci-begin" and "# vigil-ci-end"
# (indentation removed); they run with vigil on the PATH and IMAGE set
for ex in github gitlab jenkins; do
    awk -v ex="$ex" '
        $0 ~ "vigil-ci-begin " ex "$" { on = 1; ind = match($0, /[^ ]/) - 1; next }
        on && /vigil-ci-end/ { on = 0 }
        on { l = substr($0, ind + 1); sub(/^- /, "", l); print l }' "$top/docs/ci.md" > ci-$ex.sh
    if [ ! -s ci-$ex.sh ]; then bad "docs/ci.md: no $ex example"; continue; fi
    rm -rf run-$ex && mkdir run-$ex
    (cd run-$ex && PATH="$tmp/bin:$PATH" IMAGE="$IMG" bash -e ../ci-$ex.sh >log 2>&1); rc=$?
    # the examples gate on CRITICAL,HIGH with --exit-code 1
    if [ $rc = "$high" ] && ls run-$ex | grep -q .; then
        pass "docs/ci.md $ex example runs (exit $rc, reports: $(ls run-$ex | grep -v '^log$' | tr '\n' ' '))"
    else
        bad "docs/ci.md $ex example" "exit $rc (want $high): $(tail -3 run-$ex/log)"
    fi
done

# ---- --skip-dirs / --skip-files, root filesystems -------------------------------------------
D=$deb/rootfs
"$VIGIL" ls -q "$D" > ls-all.txt 2>/dev/null
"$VIGIL" ls -q "$D" --skip-dirs /usr/share/doc,/usr/share/man --skip-files '*.so*' > ls-skip.txt 2>/dev/null
# the same selection by find(1): a glob with a '/' is a path from the root, one without
# a file name at any depth (-name)
want=$(cd "$D" && find . -mindepth 1 \( -path ./usr/share/doc -o -path ./usr/share/man \) -prune -o \( -type d -o \! -name '*.so*' \) -print | wc -l)
got=$(wc -l < ls-skip.txt)
if [ "$got" = "$want" ] && ! awk '{print $5}' ls-skip.txt | grep -qE '^/usr/share/(doc|man)(/|$)' && [ "$(wc -l < ls-all.txt)" -gt "$got" ]; then
    pass "--skip-dirs/--skip-files on a root filesystem: $got of $(wc -l < ls-all.txt) entries, as find(1) counts"
else
    bad "--skip-dirs on a root filesystem" "$got listed, find says $want"
fi
"$VIGIL" ls -q "$IMG" --skip-dirs '/usr/share/*' > ls-oci.txt 2>/dev/null
! awk '{print $5}' ls-oci.txt | grep -qE '^/usr/share/' && awk '{print $5}' ls-oci.txt | grep -qx '/usr/share' &&
    awk '{print $5}' ls-all.txt | grep -q '^/usr/share/doc/' &&
    pass "--skip-dirs with a glob on an OCI image's layers" || bad "--skip-dirs on an image"
"$VIGIL" scan -q "$IMG" --skip-files /var/lib/dpkg/status --format json -o skipf.json 2>/dev/null
[ "$($CK count skipf.json)" = 0 ] && [ "$($CK count all.json)" != 0 ] &&
    pass "--skip-files /var/lib/dpkg/status: no packages, no vulnerabilities" || bad "--skip-files in a scan"
start=$SECONDS
"$VIGIL" ls rootfs:/ --max-files 1000 >/dev/null 2>rootfs.err; rc=$?
if [ $rc = 2 ] && grep -q "holds about" rootfs.err && grep -q "more than 1000 files" rootfs.err; then
    pass "rootfs:/ beyond --max-files: an early warning with the filesystem's file count, then a clear error"
else
    bad "rootfs:/ limit" "rc $rc: $(head -3 rootfs.err)"
fi
if command -v script >/dev/null; then
    script -qec "$VIGIL ls rootfs:/usr >/dev/null" /dev/null > prog.txt 2>&1
    grep -q "reading files: " prog.txt && pass "a directory scan shows files read on a terminal" ||
        bad "rootfs progress" "$(head -c 200 prog.txt | od -c | head -3)"
    script -qec "$VIGIL ls --no-progress rootfs:/usr >/dev/null" /dev/null > prog2.txt 2>&1
    ! grep -q "reading files: " prog2.txt && pass "--no-progress silences it" || bad "--no-progress"
else
    bad "script(1) missing: cannot give vigil a terminal"
fi

# ---- the README demo: its database is where a plain `vigil scan` looks ---------------------
if command -v umoci >/dev/null; then
    (unset VIGIL_DB; XDG_CACHE_HOME=$tmp/xdg VIGIL=$VIGIL bash "$top/tests/fixtures/demo.sh" >demo.log 2>&1); rc=$?
    (unset VIGIL_DB; XDG_CACHE_HOME=$tmp/xdg "$VIGIL" version --format json) > dv.json
    if [ $rc -le 1 ] && grep -q "Vulnerabilities: " demo.log && [ -s "$tmp/xdg/vigil/db/vigil.db" ] &&
        $PY -c 'import json,sys; sys.exit(0 if json.load(open("dv.json"))["database"]["present"] else 1)'; then
        pass "make demo: the demo database is the one vigil scan and vigil version find without --db (exit $rc)"
    else
        bad "demo" "exit $rc: $(tail -3 demo.log)"
    fi
else
    bad "umoci missing (the demo image needs it)"
fi
exit $fail
