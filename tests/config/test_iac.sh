#!/usr/bin/env bash
# Golden cases of the Dockerfile and Kubernetes checks (vigil config). For every check
# tests/config/cases/ holds <ID>-fail.<ext> and <ID>-pass.<ext>. A failing case lists
# what it must report in comments written by hand from the case's own text:
#   # expect: VGL-DF-003 line 4        (one line per finding of that check)
#   # args: --allowed-registries X     (extra options, optional)
# The failing case must report exactly those lines for its check; the passing case must
# not report the check at all. Also: every check of both kinds has both cases, and the
# command's options (--skip, --severity, --policy, --exit-code, --format) behave.
set -uo pipefail
cd "$(dirname "$0")"
VIGIL=${VIGIL:-../../build/vigil}
fails=0
pass() { echo "PASS: config/$1"; }
fail() { echo "FAIL: config/$1: $2"; fails=$((fails + 1)); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# found FILE ID ARGS...: the lines at which vigil reports ID, sorted, one a line
found() {
  local f=$1 id=$2; shift 2
  "$VIGIL" config --format json "$@" "$f" 2>"$tmp/err" |
    jq -r --arg id "$id" '.misconfigurations[] | select(.id == $id) | .line' | sort -n
}

for f in cases/*-fail.* cases/*-pass.*; do
  name=$(basename "$f")
  id=${name%-fail.*}; id=${id%-pass.*}
  read -r -a args <<<"$(sed -n 's/^# args: //p' "$f")"
  got=$(found "$f" "$id" "${args[@]}")
  rc=$?
  if [ -s "$tmp/err" ] || [ $rc -ne 0 ]; then
    fail "$name" "vigil failed: $(head -c 300 "$tmp/err")"; continue
  fi
  if [[ $name == *-fail.* ]]; then
    want=$(sed -n "s/^# expect: $id line \([0-9]*\)$/\1/p" "$f" | sort -n)
    if [ -z "$want" ]; then fail "$name" "no '# expect:' line"; continue; fi
    if [ "$got" = "$want" ]; then pass "$name"
    else fail "$name" "want lines [$(echo $want)], got [$(echo $got)]"; fi
  else
    if [ -z "$got" ]; then pass "$name"
    else fail "$name" "reported $id at lines [$(echo $got)]"; fi
  fi
done

# hardened files report nothing at all (every check of their kind runs on them)
for f in cases/hardened.*; do
  n=$("$VIGIL" config --format json "$f" | jq '.summary.total, .summary.files' | paste -sd/)
  [ "$n" = 0/1 ] && pass "$(basename "$f") has no findings" || fail "$(basename "$f")" "total/files $n"
done

# every check of these kinds has a failing and a passing case
missing=$("$VIGIL" config --list-checks --format json |
  jq -r '.checks[] | select(.kind == "dockerfile" or .kind == "kubernetes") | .id' |
  while read -r id; do
    ls cases/"$id"-fail.* cases/"$id"-pass.* >/dev/null 2>&1 || echo "$id"
  done)
n=$("$VIGIL" config --list-checks --format json |
  jq '[.checks[] | select(.kind == "dockerfile" or .kind == "kubernetes")] | length')
if [ -z "$missing" ] && [ "$n" -ge 60 ]; then pass "every check has cases ($n checks)"
else fail "every check has cases" "missing: $(echo $missing), $n checks"; fi

# every check of these kinds names a CIS id or a peer (hadolint DL, Trivy DS / KSV, CWE),
# a severity and a remediation, in --list-checks (table and JSON)
bad=$("$VIGIL" config --list-checks --format json |
  jq -r '.checks[] | select(.kind == "dockerfile" or .kind == "kubernetes") |
    select((.cis == null and .refs == null) or (.severity | test("^(CRITICAL|HIGH|MEDIUM|LOW)$") | not) or
      (.remediation // "" | length) < 10 or (.cis // "" | test("^(DL|DS|KSV|CWE|CVE)"))) | .id')
list=$("$VIGIL" config --list-checks)
tab=$(grep -E '^VGL-(DF|K8S)-' <<<"$list" | awk '$3 == "-" && $NF == "-"' | head -3)
[ -z "$bad" ] && [ -z "$tab" ] && grep -Eq '^VGL-DF-021 .* DL4006, DS032$' <<<"$list" &&
  pass "every check has a CIS id or a peer reference, a severity and a remediation" ||
  fail "cross-references" "json: $(echo $bad) table: $tab"

# Must show (issue 19): per check at least five must-trigger cases (the '# expect:' lines
# of its failing files) and five must-not cases in its passing files. A must-not case
# is a document of a passing manifest, or an instruction of a passing Dockerfile other
# than scaffolding: the first FROM of a file (for checks of FROM lines every FROM
# counts) and, for checks of the whole final image (001, 028, 049, 055), the file.
short=$("$VIGIL" config --list-checks --format json |
  jq -r '.checks[] | select(.kind == "dockerfile" or .kind == "kubernetes") | .id' |
  while read -r id; do
    trig=$(cat cases/"$id"-fail.* | grep -c "^# expect: $id line ")
    mustnot=0
    for f in cases/"$id"-pass.*; do
      case $f in
        *.yaml|*.yml|*.json) u=$(grep -c '^kind:' "$f") ;;
        *)
          u=$(grep -Eic '^[[:space:]]*(FROM|RUN|COPY|ADD|USER|WORKDIR|EXPOSE|ENV|ARG|CMD|ENTRYPOINT|HEALTHCHECK|LABEL|ONBUILD|SHELL|MAINTAINER|STOPSIGNAL|VOLUME)\b' "$f")
          case $id in
            VGL-DF-001|VGL-DF-028|VGL-DF-049|VGL-DF-055) u=1 ;;
            VGL-DF-002|VGL-DF-003|VGL-DF-029|VGL-DF-039|VGL-DF-040) ;;
            *) u=$((u - 1)) ;;
          esac ;;
      esac
      mustnot=$((mustnot + u))
    done
    [ "$trig" -ge 5 ] && [ "$mustnot" -ge 5 ] || echo "$id($trig/$mustnot)"
  done)
[ -z "$short" ] && pass "every check has >= 5 must-trigger and >= 5 must-not cases" ||
  fail "cases per check" "fewer than 5 (trigger/must-not): $(echo $short)"

# a directory: the walker finds both kinds and ignores other files
mkdir -p "$tmp/repo/deploy/sub" "$tmp/repo/.git"
cp cases/VGL-DF-027-fail.Dockerfile "$tmp/repo/Dockerfile.prod"
cp cases/VGL-DF-027-fail.Dockerfile "$tmp/repo/Dockerfile_windows"   # kubernetes' test images
cp cases/VGL-DF-027-fail.Dockerfile "$tmp/repo/Dockerfile-alpine"
cp cases/VGL-DF-027-fail.Dockerfile "$tmp/repo/Dockerfile-notes.md"  # a document: skipped
cp cases/VGL-K8S-001-fail.yaml "$tmp/repo/deploy/sub/web.yml"
cp cases/VGL-K8S-001-fail.yaml "$tmp/repo/.git/ignored.yaml"
echo '{"name": "not a manifest"}' >"$tmp/repo/package.json"
echo 'README' >"$tmp/repo/README.md"
ln -s /etc "$tmp/repo/deploy/escape"
out=$("$VIGIL" config --format json "$tmp/repo")
files=$(jq '.summary.files' <<<"$out")
ids=$(jq -r '[.misconfigurations[] | select(.id == "VGL-DF-027" or .id == "VGL-K8S-001") | .id] | unique | join(",")' <<<"$out")
gitf=$(jq '[.misconfigurations[] | select(.file | test("/.git/"))] | length' <<<"$out")
if [ "$files" = 4 ] && [ "$ids" = "VGL-DF-027,VGL-K8S-001" ] && [ "$gitf" = 0 ]; then pass "directory walk (Dockerfile.x, Dockerfile_x, Dockerfile-x; not .md)"
else fail "directory walk" "files=$files ids=$ids in .git=$gitf"; fi

# --skip, --severity, --exit-code
f=cases/VGL-K8S-001-fail.yaml
n=$("$VIGIL" config --format json --skip VGL-K8S-001 "$f" | jq '[.misconfigurations[] | select(.id == "VGL-K8S-001")] | length')
[ "$n" = 0 ] && pass "--skip" || fail "--skip" "$n findings of a skipped check"
sev=$("$VIGIL" config --format json --severity critical "$f" | jq -r '[.misconfigurations[].severity] | unique | join(",")')
[ "$sev" = CRITICAL ] && pass "--severity" || fail "--severity" "got $sev"
"$VIGIL" config --exit-code 3 "$f" >/dev/null; rc=$?
"$VIGIL" config --exit-code 3 --skip VGL-DF-001,VGL-DF-002,VGL-DF-003,VGL-DF-028 cases/VGL-DF-002-pass.Dockerfile >/dev/null; rc2=$?
[ $rc = 3 ] && [ $rc2 = 0 ] && pass "--exit-code" || fail "--exit-code" "rc $rc with findings, $rc2 without"

# policy file: skip, severity override, allowed registries
cat >"$tmp/policy.yaml" <<'EOF'
# policy for vigil config
checks:
  skip: [VGL-K8S-022]
  severity:
    VGL-K8S-001: LOW
  allowed_registries:
    - registry.example.com
EOF
out=$("$VIGIL" config --format json --policy "$tmp/policy.yaml" cases/VGL-K8S-023-fail.yaml)
a=$(jq '[.misconfigurations[] | select(.id == "VGL-K8S-022")] | length' <<<"$out")
b=$(jq '[.misconfigurations[] | select(.id == "VGL-K8S-023")] | length' <<<"$out")
c=$("$VIGIL" config --format json --policy "$tmp/policy.yaml" cases/VGL-K8S-001-fail.yaml |
  jq -r '.misconfigurations[] | select(.id == "VGL-K8S-001") | .severity')
[ "$a" = 0 ] && [ "$b" = 1 ] && [ "$c" = LOW ] && pass "--policy" || fail "--policy" "skip:$a registry:$b severity:$c"
printf 'checks:\n  skip: [VGL-NOPE-001]\n' >"$tmp/bad.yaml"
"$VIGIL" config --policy "$tmp/bad.yaml" "$f" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && grep -q "VGL-NOPE-001" "$tmp/err" && pass "--policy rejects unknown ids" || fail "--policy rejects unknown ids" "rc $rc"

# formats: table groups by file with line numbers; sarif / junit say they are not here yet
"$VIGIL" config cases/VGL-DF-027-fail.Dockerfile >"$tmp/t" 
grep -q '^cases/VGL-DF-027-fail.Dockerfile (' "$tmp/t" && grep -Eq '^ +3  VGL-DF-027 ' "$tmp/t" && pass "table" || fail "table" "$(head -3 "$tmp/t")"
"$VIGIL" config --format sarif cases/VGL-DF-027-fail.Dockerfile cases/VGL-K8S-001-fail.yaml >"$tmp/r.sarif"; rc=$?
if [ $rc = 0 ] && python3 - "$tmp/r.sarif" "${VIGIL_SHARED:-../../../shared}/specs/schemas/sarif-2.1.0/sarif-schema-2.1.0.json" <<'PYEOF'
import json, sys, jsonschema
doc = json.load(open(sys.argv[1]))
jsonschema.validate(doc, json.load(open(sys.argv[2])))
res = doc["runs"][0]["results"]
loc = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in res}
assert ("VGL-DF-027", "cases/VGL-DF-027-fail.Dockerfile", 3) in loc, loc
assert any(r[0] == "VGL-K8S-001" and r[1] == "cases/VGL-K8S-001-fail.yaml" for r in loc), loc
# the level follows the check's severity: CRITICAL and HIGH are errors, MEDIUM warnings
want = {"CRITICAL": "error", "HIGH": "error", "MEDIUM": "warning", "LOW": "note"}
sev = {r["id"]: [t for t in r["properties"]["tags"] if t in want][0]
       for r in doc["runs"][0]["tool"]["driver"]["rules"]}
levels = {(r["ruleId"], sev[r["ruleId"]], r["level"]) for r in res}
assert all(l == want[s] for _, s, l in levels), levels
assert {s for _, s, _ in levels} >= {"CRITICAL", "HIGH", "LOW"}, levels
PYEOF
then pass "--format sarif: valid SARIF 2.1.0 with file and line for each finding, several paths in one run, level by severity"
else fail "--format sarif" "rc $rc"; fi
"$VIGIL" config --format junit cases/VGL-DF-027-fail.Dockerfile >"$tmp/r.xml"; rc=$?
[ $rc = 0 ] && python3 -c 'import sys,xml.etree.ElementTree as E; r=E.parse(sys.argv[1]).getroot(); assert r.tag=="testsuites" and int(r.get("failures"))>=1' "$tmp/r.xml" && pass "--format junit" || fail "--format junit" "rc $rc"
"$VIGIL" config --format json --output "$tmp/o.json" cases/VGL-DF-027-fail.Dockerfile >"$tmp/stdout"; rc=$?
n=$(jq '[.misconfigurations[] | select(.id == "VGL-DF-027" and .line == 3 and .cis == null and .kind == "dockerfile")] | length' "$tmp/o.json")
[ $rc = 0 ] && [ ! -s "$tmp/stdout" ] && [ "$n" = 1 ] && pass "--output" || fail "--output" "rc $rc, $n findings"
"$VIGIL" config --list-checks >"$tmp/l"
grep -Eq '^VGL-DF-001 +dockerfile +4\.1 +HIGH' "$tmp/l" && grep -Eq '^VGL-K8S-001 +kubernetes +K8s 5\.2\.2 +CRITICAL' "$tmp/l" &&
  pass "--list-checks" || fail "--list-checks" "$(head -3 "$tmp/l")"
"$VIGIL" config "$tmp/nonexistent" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && grep -q '^vigil: error: ' "$tmp/err" && pass "missing path" || fail "missing path" "rc $rc"

[ $fails -eq 0 ]
