#!/usr/bin/env bash
# Severity for every finding that any source rates (docs/severity.md).
# 1. By construction: the Alpine 3.20 root filesystem of ../shared/fixtures against a
#    mirror written here. alpine-secdb rates nothing; the rating of each finding must
#    come from another feed that speaks of the same CVE:
#      CVE-2099-0001 busybox  UCT Priority low + CVSS 3.1 9.8  -> CRITICAL, cvss:ubuntu-cve-tracker
#      CVE-2099-0003 zlib     UCT Priority medium, no CVSS    -> MEDIUM, ubuntu-cve-tracker
#      CVE-2099-0005 musl     Go OSV record (alias) CVSS 4.0 5.3 -> MEDIUM, cvss:golang-vulndb,
#                             and that record's summary as the title
#      CVE-2099-0009 apk-tools rated by nobody            -> UNKNOWN, no source
# 2. The share of findings with a severity on each golden fixture image (Debian,
#    Alpine, RHEL rpm, Go, npm + gems) against ../shared/vulndata, printed per image,
#    with the sources used; each rated finding is checked for consistency.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=${VIGIL_SHARED:-$top/../shared}
VIGIL=${VIGIL:-$top/build/vigil}
PY=/usr/bin/python3
fail=0
pass() { echo "PASS: severity: $1"; }
bad() { echo "FAIL: severity: $1"; fail=1; }
skip() { if [ "${CI:-}" = true ]; then bad "$1"; else echo "SKIP: severity: $1"; fi; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

src=$shared/fixtures/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz
if [ -f "$src" ]; then
    mkdir -p "$tmp/rootfs" && tar -xzf "$src" -C "$tmp/rootfs" 2>/dev/null
    m=$tmp/mirror
    mkdir -p "$m/alpine-secdb/v3.20" "$m/golang-vulndb/data/osv" \
        "$m/ubuntu-cve-tracker/active"
    cat >"$m/alpine-secdb/v3.20/main.yaml" <<'EOF'
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
  - pkg:
      name: zlib
      secfixes:
        99.1-r0:
          - CVE-2099-0003
  - pkg:
      name: musl
      secfixes:
        99.2-r0:
          - CVE-2099-0005
  - pkg:
      name: apk-tools
      secfixes:
        99.3-r0:
          - CVE-2099-0009
EOF
    cat >"$m/ubuntu-cve-tracker/active/CVE-2099-0001" <<'EOF'
Candidate: CVE-2099-0001
PublicDate: 2099-01-01 00:00:00 UTC
References:
 https://example.org/CVE-2099-0001
Description:
 A made-up busybox flaw for Vigil's severity tests.
Priority: low
CVSS:
 nvd: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H [9.8 CRITICAL]

Patches_busybox:
jammy_busybox: released (1:1.34.1-1ubuntu2)
EOF
    cat >"$m/ubuntu-cve-tracker/active/CVE-2099-0003" <<'EOF'
Candidate: CVE-2099-0003
PublicDate: 2099-01-03 00:00:00 UTC
Description:
 A made-up zlib flaw.
Priority: medium

Patches_zlib:
jammy_zlib: needed
EOF
    cat >"$m/golang-vulndb/data/osv/GO-2099-0005.json" <<'EOF'
{"schema_version":"1.3.1","id":"GO-2099-0005","modified":"2099-01-05T00:00:00Z",
 "published":"2099-01-05T00:00:00Z","aliases":["CVE-2099-0005"],
 "summary":"musl-alike flaw in example.com/libc",
 "details":"A made-up record for Vigil's severity tests.",
 "severity":[{"type":"CVSS_V4","score":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N"}],
 "affected":[{"package":{"name":"example.com/libc","ecosystem":"Go"},
   "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.1"}]}]}]}
EOF
    for f in alpine-secdb golang-vulndb ubuntu-cve-tracker; do
        tar -czf "$m/$f.tar.gz" -C "$m" "$f"
    done
    if ! "$VIGIL" db update --from "$m" --only alpine-secdb,golang-vulndb,ubuntu-cve-tracker \
        --db "$tmp/small.db" >"$tmp/upd.out" 2>&1; then
        bad "db update of the constructed mirror failed: $(tail -2 "$tmp/upd.out")"
    else
        "$VIGIL" scan "rootfs:$tmp/rootfs" --scanners vuln --db "$tmp/small.db" \
            --format json >"$tmp/small.json" 2>"$tmp/small.err"
        if $PY - "$tmp/small.json" >"$tmp/small.chk" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
by = {}
for v in d["vulnerabilities"]:
    by.setdefault(v["id"], []).append(v)
want = {
    "CVE-2099-0001": ("CRITICAL", "cvss:ubuntu-cve-tracker", 9.8),
    "CVE-2099-0003": ("MEDIUM", "ubuntu-cve-tracker", None),
    "CVE-2099-0005": ("MEDIUM", "cvss:golang-vulndb", 5.3),
    "CVE-2099-0009": ("UNKNOWN", None, None),
}
errs = []
for cve, (sev, src, score) in want.items():
    if cve not in by:
        errs.append(f"{cve}: no finding")
        continue
    for v in by[cve]:
        got = (v["severity"], v.get("severity_source"))
        if got != (sev, src):
            errs.append(f"{cve} {v['package']['name']}: {got}, expected {(sev, src)}")
        if score is not None and (v.get("cvss") or {}).get("score") != score:
            errs.append(f"{cve}: cvss {v.get('cvss')}, expected score {score}")
t = by.get("CVE-2099-0005", [{}])[0].get("title")
if t != "musl-alike flaw in example.com/libc":
    errs.append(f"CVE-2099-0005 title {t!r}: not the Go record's summary")
if errs:
    print("; ".join(errs)); sys.exit(1)
print(sum(len(x) for x in by.values()), "findings")
EOF
        then
            pass "constructed mirror: CVSS of another feed (v3.1 and v4.0) before another distribution's priority, the alias record's title, unrated stays UNKNOWN with no source ($(cat "$tmp/small.chk"))"
        else
            bad "constructed mirror: $(cat "$tmp/small.chk")"
        fi
    fi
else
    skip "$src not found"
fi

# ---- 2. shares on the golden fixture images ----
vd=$shared/vulndata
fx=$top/tests/fixtures
if [ ! -d "$vd" ]; then
    skip "$vd not found"
    exit $fail
fi
if ! "$VIGIL" db update --from "$vd" --db "$tmp/full.db" >"$tmp/full.out" 2>&1; then
    bad "db update --from ../shared/vulndata failed: $(tail -2 "$tmp/full.out")"
    exit 1
fi
# ---- vendor words: every feed's own severity word in the database against the raw feed ----
if r=$($PY "$top/tests/severity/vendor_words.py" "$tmp/full.db" "$vd" 2>&1); then
    pass "vendor severity words equal the raw feeds' by each feed's documented scale: $(echo "$r" | tr '\n' ';')"
else
    bad "vendor severity words differ from the raw feeds: $(echo "$r" | head -12 | tr '\n' ';')"
fi
images=()
if d=$("$fx/make-golden-debian.sh" 2>/dev/null); then images+=("debian-11 $d/oci"); else skip "debian fixture not built"; fi
if d=$("$fx/make-golden-alpine.sh" 2>/dev/null); then images+=("alpine-3.9.6-old $d/oci-3.9.6-old"); else skip "alpine fixture not built"; fi
if d=$("$fx/make-golden-rpm.sh" 2>/dev/null); then images+=("rhel8-rpm $d/oci"); else skip "rpm fixture not built"; fi
if d=$("$fx/make-golden-go.sh" 2>/dev/null); then images+=("go-modules $d/oci"); else skip "go fixture not built"; fi
if d=$("$fx/make-golden-lang.sh" 2>/dev/null); then images+=("npm+gems $d/oci"); else skip "lang fixture not built"; fi
for entry in "${images[@]}"; do
    name=${entry%% *} img=${entry#* }
    out="$tmp/$name.json"
    if ! "$VIGIL" scan "$img" --scanners vuln --db "$tmp/full.db" --format json >"$out" 2>"$tmp/$name.err"; then
        bad "$name: scan failed: $(tail -2 "$tmp/$name.err")"
        continue
    fi
    if r=$($PY - "$out" "$name" 2>&1 <<'EOF'
import collections, json, sys
d = json.load(open(sys.argv[1]))
vs = d["vulnerabilities"]
band = lambda s: "CRITICAL" if s >= 9 else "HIGH" if s >= 7 else "MEDIUM" if s >= 4 else "LOW" if s > 0 else None
errs, src = [], collections.Counter()
for v in vs:
    s, so = v["severity"], v.get("severity_source")
    if (s == "UNKNOWN") != (so is None):
        errs.append(f"{v['id']}: severity {s} with source {so}")
    if so and so.startswith("cvss:"):
        c = v.get("cvss") or {}
        if band(c.get("score", 0)) != s:
            errs.append(f"{v['id']}: {s} from CVSS {c}")
    src[so or "none"] += 1
rated = sum(1 for v in vs if v["severity"] != "UNKNOWN")
titled = sum(1 for v in vs if v.get("title"))
if errs:
    print("; ".join(errs[:5])); sys.exit(1)
share = 100.0 * rated / len(vs) if vs else 100.0
print(f"{rated}/{len(vs)} findings rated ({share:.0f}%), {titled} with a title; sources: "
      + ", ".join(f"{k} {n}" for k, n in sorted(src.items())))
EOF
    ); then
        pass "$name: $r"
    else
        bad "$name: $r"
    fi
done
# every finding of every family's golden image against the raw feed its severity names
reports=()
for entry in "${images[@]}"; do [ -s "$tmp/${entry%% *}.json" ] && reports+=("$tmp/${entry%% *}.json"); done
if [ ${#reports[@]} -eq 0 ]; then
    bad "no golden scan report to check against the raw feeds"
elif r=$($PY "$top/tests/severity/golden_severity.py" "$vd" "${reports[@]}" 2>&1); then
    pass "every rated finding of ${#reports[@]} golden images agrees with the raw feed it names: $(echo "$r" | tr '\n' ';')"
else
    bad "findings disagree with the raw feed they name: $(echo "$r" | head -12 | tr '\n' ';')"
fi
# the RPM fixture's findings are AlmaLinux errata, each of which carries a severity
if [ -f "$tmp/rhel8-rpm.json" ] && ! $PY -c '
import json, sys
vs = json.load(open(sys.argv[1]))["vulnerabilities"]
sys.exit(0 if vs and all(v["severity_source"] == "almalinux-osv" for v in vs) else 1)' "$tmp/rhel8-rpm.json"; then
    bad "rhel8-rpm: not every errata finding rated by AlmaLinux itself"
fi
# ... and each rating is the errata's own word, read here from the raw feed: the summary
# starts with Red Hat's severity ("Important: ..."), whose documented scale maps
# Critical/Important/Moderate/Low to CRITICAL/HIGH/MEDIUM/LOW
if [ -f "$tmp/rhel8-rpm.json" ]; then
    if r=$($PY - "$tmp/rhel8-rpm.json" "$vd/almalinux-osv.tar.gz" 2>&1 <<'EOF'
import json, sys, tarfile
vs = json.load(open(sys.argv[1]))["vulnerabilities"]
want_ids = {v["id"] for v in vs}
word = {"Critical": "CRITICAL", "Important": "HIGH", "Moderate": "MEDIUM", "Low": "LOW"}
raw = {}
with tarfile.open(sys.argv[2]) as t:
    for m in t:
        if m.isfile() and m.name.endswith(".json") and m.name.rsplit("/", 1)[-1][:-5] in want_ids:
            d = json.load(t.extractfile(m))
            raw[d["id"]] = word.get(d.get("summary", "").split(":", 1)[0])
bad = [f"{v['id']}: {v['severity']} (errata says {raw.get(v['id'])})" for v in vs
       if raw.get(v["id"]) != v["severity"]]
if bad or not vs:
    print("; ".join(bad[:5]) or "no findings"); sys.exit(1)
print(f"{len(vs)} findings, bands {sorted(set(raw.values()))}")
EOF
    ); then
        pass "rhel8-rpm: every severity equals the raw errata's own word ($r)"
    else
        bad "rhel8-rpm: severity differs from the raw errata: $r"
    fi
fi

# ---- 3. the distribution feeds without data in ../shared: their hand-written fixtures ----
# (tests/vulndb/fixtures/distros: Red Hat, Oracle and SUSE OVAL, Rocky and osv.dev OSV),
# the share per distribution SBOM, and every one of those feeds rating some finding
dm=$tmp/distros
if "$top/tests/vulndb/make-distros-mirror.sh" "$dm" >/dev/null 2>&1 &&
    "$VIGIL" db update --from "$dm" --only redhat-oval,oracle-oval,suse-oval,rocky-osv,osv-distros \
        --db "$tmp/distros.db" >/dev/null 2>&1 && $PY "$top/tests/vulndb/make-distros-sboms.py" "$dm"; then
    for name in rhel ol rocky sles155 sles154 leap; do
        "$VIGIL" scan "sbom:$dm/$name.cdx.json" --scanners vuln --db "$tmp/distros.db" --format json \
            >"$tmp/d-$name.json" 2>/dev/null
    done
    if r=$($PY - "$tmp" <<'EOF'
import collections, json, sys
t = sys.argv[1]
lines, sources, short = [], collections.Counter(), []
for name in ("rhel", "ol", "rocky", "sles155", "sles154", "leap"):
    vs = json.load(open(f"{t}/d-{name}.json"))["vulnerabilities"]
    rated = [v for v in vs if v["severity"] != "UNKNOWN" and v.get("severity_source")]
    for v in rated:
        sources[v["severity_source"]] += 1
    lines.append(f"{name} {len(rated)}/{len(vs)}")
    if not vs or len(rated) != len(vs):
        short.append(name)
want = {"redhat-oval", "oracle-oval", "suse-oval", "rocky-osv", "cvss:osv-distros"}
missing = want - set(sources)
if missing or short:
    print(f"{', '.join(lines)}; sources {dict(sources)}; missing {sorted(missing)}"); sys.exit(1)
print(", ".join(lines) + "; sources: " + ", ".join(f"{k} {n}" for k, n in sorted(sources.items())))
EOF
    ); then
        pass "distribution feeds' fixtures: every finding rated ($r)"
    else
        bad "distribution feeds' fixtures: $r"
    fi
else
    bad "distribution feeds' fixtures: mirror or database not built"
fi
exit $fail
