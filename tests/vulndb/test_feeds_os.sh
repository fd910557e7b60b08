#!/usr/bin/env bash
# Distribution feed importers (debian-security-tracker, debian-security-support,
# ubuntu-cve-tracker, wolfi-advisories, azurelinux-oval, Alpine secdb JSON):
# 1. hand-written fixtures in each upstream format (tests/vulndb/fixtures/os/) give
#    exactly the rows, statuses, severities, aliases and skip counts their semantics
#    (SEMANTICS.md, docs/feeds-os.md) call for;
# 2. the real mirror (../shared/vulndata) gives record counts equal to those python3
#    computes independently from the raw archives.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=${VIGIL_SHARED:-$top/../shared}
VIGIL=${VIGIL:-$top/build/vigil}
PY=/usr/bin/python3
fx=$top/tests/vulndb/fixtures/os
vd=$shared/vulndata
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pass() { echo "PASS: feeds-os: $1"; }
bad() { echo "FAIL: feeds-os: $1"; fail=1; }
FEEDS=debian-security-tracker,debian-security-support,ubuntu-cve-tracker,wolfi-advisories,azurelinux-oval

# ---- 1. fixtures ----
mkdir -p "$tmp/mirror"
for d in "$fx"/*/; do
  name=$(basename "$d")
  tar czf "$tmp/mirror/$name.tar.gz" -C "$fx" "$name"
done
if "$VIGIL" db update --from "$tmp/mirror" --db "$tmp/fx.db" --only "$FEEDS,alpine-secdb" \
  > "$tmp/out" 2>&1; then
  pass "db update --only (fixtures)"
else
  bad "db update on the fixtures failed: $(tail -3 "$tmp/out")"
fi

# check NAME: compares the rows of one feed with the expected ones (written by hand from
# the fixtures and SEMANTICS.md; "-" stands for NULL)
check() {
  local feed=$1 expected=$2 got
  got=$($PY - "$tmp/fx.db" "$feed" <<'PYEOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for r in sorted(c.execute("""SELECT a.ecosystem, a.package, v.vuln_id, a.status, a.fixed,
        a.ranges, a.severity FROM affected a JOIN vulns v ON v.id = a.vuln WHERE a.feed = ?""",
        (sys.argv[2],)), key=lambda r: [x or "" for x in r]):
    print(" ".join("-" if x is None else x for x in r))
PYEOF
)
  if [ "$got" = "$(printf '%s\n' "$expected" | sed '/^$/d' | LC_ALL=C sort)" ]; then
    pass "$feed: $(printf '%s\n' "$expected" | sed '/^$/d' | wc -l) rows as the semantics say"
  else
    bad "$feed rows differ: $(diff <(printf '%s\n' "$expected" | sed '/^$/d' | LC_ALL=C sort) <(echo "$got") | head -20 | tr '\n' '|')"
  fi
}

counts() {  # counts FEED RECORDS SKIPPED [DB]
  local got
  got=$("$VIGIL" db info --db "${4:-$tmp/fx.db}" --format json | $PY -c '
import json, sys
for f in json.load(sys.stdin)["feeds"]:
    if f["name"] == sys.argv[1]:
        print(f["records"], f["skipped"])' "$1")
  if [ "$got" = "$2 $3" ]; then
    pass "$1: $2 records, $3 malformed skipped"
  else
    bad "$1: records/skipped $got, expected $2 $3"
  fi
}

sql() { $PY -c 'import sqlite3,sys; print("|".join(str(r) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchall()))' "$tmp/fx.db" "$1"; }

# Debian tracker: the CVE list's states per release, sid urgency for every release,
# <no-dsa> replaced by a DSA fix, a DSA fix only when newer, fixed 0, the JSON statuses,
# advisories without CVEs under their own id, undetermined/removed stating nothing.
check debian-security-tracker "
debian:unstable libfoo CVE-2099-1001 fixed 1.2-1 - MEDIUM
debian:12 libfoo CVE-2099-1001 fixed 1.1-1+deb12u1 - MEDIUM
debian:11 libfoo CVE-2099-1001 fixed 1.0-1+deb11u1 - MEDIUM
debian:10 libfoo CVE-2099-1001 end_of_life - - MEDIUM
debian:8 libfoo CVE-2099-1001 not_affected - - -
debian:11 libfoo CVE-2099-1010 fixed 1.0-1+deb11u1 - -
debian:8 libfoo CVE-2099-1010 not_affected - - -
debian:unstable bar CVE-2099-1002 unfixed - - LOW
debian:12 bar CVE-2099-1002 will_not_fix - - LOW
debian:11 bar CVE-2099-1002 fix_deferred - - LOW
debian:13 bar CVE-2099-1002 not_affected - - LOW
debian:unstable baz CVE-2099-1003 not_affected - - NEGLIGIBLE
debian:unstable qux CVE-2099-1003 not_affected - - -
debian:unstable quux CVE-2099-1007 fixed 2.0-1 - HIGH
debian:12 quux CVE-2099-1007 fixed 1.5-1+deb12u2 - HIGH
debian:11 quux CVE-2099-1007 fixed 1.4-1+deb11u2 - HIGH
debian:12 nocve DSA-9000-1 fixed 3.0-1+deb12u1 - -
debian:10 oldpkg CVE-2099-1011 fixed 1:2.0-1+deb10u1 - -
debian:9 eolpkg DLA-7001-1 end_of_life - - -
debian:4 kismet CVE-2099-1012 fixed 2005.08.R1-0.1etch1 - HIGH
debian:12 jsonpkg CVE-2099-2001 fixed 1.9-2 - MEDIUM
debian:11 jsonpkg CVE-2099-2001 unfixed - - LOW
debian:10 jsonpkg CVE-2099-2001 end_of_life - - UNKNOWN
debian:13 jsonpkg CVE-2099-2001 not_affected - - NEGLIGIBLE
debian:12 jsonpkg CVE-2099-2002 will_not_fix - - HIGH
debian:11 jsonpkg CVE-2099-2002 fix_deferred - - MEDIUM
"
# 9 CVE-list records + 3 DSA + 2 DLA + 1 DTSA + 4 JSON (package, CVE) entries; skipped:
# a non-CVE record, an unknown <state>, text outside a DLA, a JSON package not an object
counts debian-security-tracker 19 4
got=$(sql "SELECT alias FROM aliases a JOIN vulns v ON v.id = a.vuln WHERE v.vuln_id = 'CVE-2099-1007' ORDER BY alias")
[ "$got" = "('DSA-9001-1',)|('DSA-9001-1',)" ] && pass "debian: DSA ids are aliases of their CVEs" ||
  bad "debian: aliases of CVE-2099-1007: $got"
got=$(sql "SELECT title, published FROM vulns WHERE vuln_id IN ('DSA-9000-1', 'CVE-2099-1002') ORDER BY vuln_id")
[ "$got" = "('use after free in bar', None)|('nocve - security update', '2099-01-09')" ] &&
  pass "debian: titles from the CVE list, advisory titles and dates" || bad "debian: titles $got"

# Ubuntu: released/needed/pending/deferred/needs-triage/ignored, ESM pockets,
# Priority_<pkg>, not-affected/DNE/upstream/devel/snap rows not stored, needs-triage
# dropped where the release's ESM pocket says not-affected.
check ubuntu-cve-tracker "
ubuntu:14.04-esm widget CVE-2099-3001 unfixed - - MEDIUM
ubuntu:16.04-esm widget CVE-2099-3001 fixed 1.0-1ubuntu0.16.04.1+esm1 - MEDIUM
ubuntu:14.04 widget CVE-2099-3001 end_of_life - - MEDIUM
ubuntu:16.04 widget CVE-2099-3001 will_not_fix - - MEDIUM
ubuntu:18.04 widget CVE-2099-3001 fixed 1.2-1ubuntu0.1 - MEDIUM
ubuntu:20.04 widget CVE-2099-3001 fixed 1:1.4-2ubuntu0.2 - MEDIUM
ubuntu:21.10 widget CVE-2099-3001 end_of_life - - MEDIUM
ubuntu:20.04 gadget CVE-2099-3001 unfixed - - LOW
ubuntu:22.04 gadget CVE-2099-3001 fix_deferred - - LOW
ubuntu:24.04 gadget CVE-2099-3001 unfixed - - LOW
ubuntu:12.04-esm oldthing CVE-2098-0001 fixed 0.9-1ubuntu0.1 - UNKNOWN
ubuntu:10.04 oldthing CVE-2098-0001 end_of_life - - UNKNOWN
ubuntu:18.04 thing CVE-2099-3001 unfixed - - MEDIUM
ubuntu:18.04-esm thing CVE-2099-3001 unfixed - - MEDIUM
"
counts ubuntu-cve-tracker 2 2
got=$(sql "SELECT severity, cvss_vector, cvss_score, published FROM vulns WHERE vuln_id = 'CVE-2099-3001'")
[ "$got" = "('MEDIUM', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8, '2099-02-01')" ] &&
  pass "ubuntu: priority, CVSS vector and score, public date" || bad "ubuntu: details $got"
got=$(sql "SELECT url FROM refs r JOIN vulns v ON v.id = r.vuln WHERE v.vuln_id = 'CVE-2099-3001'")
[ "$got" = "('https://example.org/advisory/3001',)" ] && pass "ubuntu: references (without the cve.mitre.org link)" ||
  bad "ubuntu: references $got"

# Wolfi: latest event by timestamp, every state stored, primary id CVE/GHSA/CGA.
check wolfi-advisories "
wolfi widget CVE-2099-4001 fixed 1.2.3-r1 - -
wolfi widget CVE-2099-4002 not_affected - - -
wolfi widget GHSA-cccc-dddd-eeee fix_deferred - - -
wolfi widget CGA-dddd-dddd-dddd will_not_fix - - -
wolfi widget CGA-eeee-eeee-eeee unfixed - - -
wolfi widget CVE-2099-4008 unfixed - - -
"
# skipped: a fixed event without a version, an advisory that is a string, a broken file
counts wolfi-advisories 6 3
got=$(sql "SELECT alias FROM aliases a JOIN vulns v ON v.id = a.vuln WHERE v.vuln_id IN ('CVE-2099-4001', 'CGA-eeee-eeee-eeee') ORDER BY alias")
[ "$got" = "('CGA-aaaa-aaaa-aaaa',)|('CVE-2099-4005',)|('CVE-2099-4006',)|('GHSA-aaaa-bbbb-cccc',)" ] &&
  pass "wolfi: CGA, GHSA and extra CVE ids are aliases" || bad "wolfi: aliases $got"

# Azure Linux / Mariner OVAL: less than -> fixed EVR, less than or equal -> unfixed
# constraint, nested criteria, severity; definitions without a CVE or a test skipped.
check azurelinux-oval '
azurelinux:3.0 widget CVE-2099-5001 fixed 0:1.2-3.azl3 - CRITICAL
azurelinux:3.0 gadget CVE-2099-5002 fixed 1:2.0-1.azl3 - MEDIUM
azurelinux:3.0 gizmo CVE-2099-5002 unfixed - {"vulnerable":["<= 0:3.0-2.azl3"]} MEDIUM
mariner:2.0 widget CVE-2099-6001 fixed 0:1.2-3.cm2 - CRITICAL
mariner:2.0 gadget CVE-2099-6002 fixed 1:2.0-1.cm2 - MEDIUM
mariner:2.0 gizmo CVE-2099-6002 unfixed - {"vulnerable":["<= 0:3.0-2.cm2"]} MEDIUM
'
counts azurelinux-oval 6 4

# Alpine secdb JSON (secdb.c reads the YAML of the mirror too)
check alpine-secdb "
alpine:3.20 widget CVE-2099-7001 fixed 1.2.3-r0 - -
alpine:3.20 widget CVE-2099-7002 fixed 1.2.3-r0 - -
alpine:3.20 widget CVE-2099-7003 not_affected - - -
alpine:3.20 gadget GHSA-xxxx-yyyy-zzzz fixed 2.0-r1 - -
alpine:3.20 gadget XSA-123 fixed 2.0-r1 - -
alpine:3.20 badids CVE-2099-7010 fixed 1.0-r0 - -
alpine:edge edgepkg CVE-2099-7020 fixed 3.0-r0 - -
"
# skipped: a nameless package, a non-text id, a non-list entry, a truncated file
counts alpine-secdb 7 4

# debian-security-support: the support table
got=$(sql "SELECT ecosystem, package, version, date, note, limited FROM support ORDER BY ecosystem, package")
want="('debian', 'bare', None, None, None, 1)|('debian', 'golang.*', None, None, 'Statically linked: see the release notes', 1)|('debian', 'trustedonly', None, None, 'Only suitable for trusted content', 1)|('debian:11', 'legacy', '2.0-1', '2099-06-01', 'Ended early, see the README', 0)|('debian:12', 'buildonly', '0', '2099-05-02', None, 0)|('debian:12', 'oldbrowser', '1.0-1+deb12u3', '2099-05-01', 'https://example.org/oldbrowser-eol', 0)"
[ "$got" = "$want" ] && pass "debian-security-support: ended and limited rows" ||
  bad "debian-security-support rows: $got"
counts debian-security-support 6 1

# --only again replaces the support rows instead of doubling them
"$VIGIL" db update --from "$tmp/mirror" --db "$tmp/fx.db" --only debian-security-support > /dev/null 2>&1
got=$(sql "SELECT COUNT(*) FROM support")
[ "$got" = "(6,)" ] && pass "debian-security-support: --only replaces its rows" ||
  bad "debian-security-support: $got rows after a second --only"

# a truncated tracker archive fails the feed (its merge state is released: ASan checks
# leaks) and leaves the database as it was
# (the DSA list comes first and is parsed; the archive breaks inside the next member)
mkdir -p "$tmp/trunc"
$PY - "$fx" "$tmp/trunc/debian-security-tracker.tar.gz" <<'PYEOF'
import io, os, sys, tarfile
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w:gz") as t:
    t.add(sys.argv[1] + "/debian-security-tracker/data/DSA/list", "debian-security-tracker/data/DSA/list")
    big = os.urandom(200000)
    info = tarfile.TarInfo("debian-security-tracker/data/CVE/list")
    info.size = len(big)
    t.addfile(info, io.BytesIO(big))
data = buf.getvalue()
open(sys.argv[2], "wb").write(data[: len(data) // 2])
PYEOF
cp "$tmp/fx.db" "$tmp/fx-before.db"
"$VIGIL" db update --from "$tmp/trunc" --db "$tmp/fx.db" --only debian-security-tracker > "$tmp/out" 2>&1
rc=$?
if [ $rc -eq 0 ]; then
  bad "a truncated tracker archive was accepted"
elif [ $rc -eq 2 ] && grep -q 'truncated' "$tmp/out" && cmp -s "$tmp/fx.db" "$tmp/fx-before.db"; then
  pass "debian-security-tracker: a truncated archive fails with a clear error, database unchanged"
else
  bad "truncated tracker archive: $(tail -2 "$tmp/out" | tr '\n' ' ')"
fi

# ---- 2. the real mirror ----
if [ ! -d "$vd" ]; then
  echo "SKIP: feeds-os: mirror counts: $vd not found"
  exit $fail
fi
if "$VIGIL" db update --from "$vd" --db "$tmp/real.db" --only "$FEEDS" > "$tmp/out" 2>&1; then
  pass "db update --from ../shared/vulndata --only $FEEDS"
else
  bad "db update on the mirror failed: $(tail -3 "$tmp/out")"
fi
want=$($PY - "$vd" <<'PYEOF'
import sys, tarfile, re
import xml.etree.ElementTree as ET
import yaml
vd = sys.argv[1]
out = {}
# Debian: one advisory per header line "[date] ID ..." of DSA, DLA and DTSA lists
with tarfile.open(vd + "/debian-security-tracker.tar.gz") as t:
    n = 0
    for lst in ("DSA", "DLA", "DTSA"):
        for line in t.extractfile("debian-security-tracker/data/%s/list" % lst).read().decode().splitlines():
            if re.match(r"^\[[^\]]+\]\s+\S+-\S+", line):
                n += 1
    out["debian-security-tracker"] = n
    # distinct (release, package, CVE or advisory id) stated by the lists' release lines
    rel = {"sid", "duke", "forky", "trixie", "bookworm", "bullseye", "buster", "stretch", "jessie",
           "wheezy", "squeeze", "lenny", "etch", "sarge", "woody", "potato"}
    keys = set()
    for lst in ("DSA", "DLA", "DTSA"):
        adv = ids = None
        for line in t.extractfile("debian-security-tracker/data/%s/list" % lst).read().decode().splitlines():
            h = re.match(r"^\[[^\]]+\]\s+(\S+-\S+)", line)
            if h:
                adv, ids = h.group(1), None
                continue
            if line[:1] not in (" ", "\t"):
                adv = None
                continue
            if adv is None:
                continue
            c = re.match(r"^\s+\{(.*)\}?", line)
            if c and ids is None:
                ids = [w for w in c.group(1).replace("}", " ").split() if w.startswith("CVE-")]
                continue
            m = re.match(r"^\s+\[([^\]]+)\]\s+-\s+(\S+)\s+(\S+)", line)
            if not m or m.group(1) not in rel:
                continue
            what = m.group(3)
            if not (what[0].isdigit() or what in ("<unfixed>", "<no-dsa>", "<not-affected>",
                    "<end-of-life>", "<ignored>", "<postponed>")):
                continue
            for i in (ids or [adv]):
                keys.add((m.group(1), m.group(2), i))
    out["debian-rows"] = len(keys)
# debian-security-support: data lines of the .debN lists and the limited list
with tarfile.open(vd + "/debian-security-support.tar.gz") as t:
    n = 0
    for m in t.getmembers():
        base = m.name.split("/")[-1]
        if m.isfile() and (re.fullmatch(r"security-support-ended\.deb\d+", base) or base == "security-support-limited"):
            for line in t.extractfile(m).read().decode().splitlines():
                if line.strip() and not line.lstrip().startswith("#"):
                    n += 1
    out["debian-security-support"] = n
# Ubuntu: CVE files in active/ and retired/ with a Candidate line; and the
# "<release>_<pkg>: released (<version>)" lines of releases (codename, X/esm, esm-*/X)
codenames = set("""warty hoary breezy dapper edgy feisty gutsy hardy intrepid jaunty karmic lucid
maverick natty oneiric precise quantal raring saucy trusty utopic vivid wily xenial yakkety zesty
artful bionic cosmic disco eoan focal groovy hirsute impish jammy kinetic lunar mantic noble
oracular plucky questing""".split())
def is_release(r):
    if "/" not in r:
        return r in codenames
    a, b = r.split("/", 1)
    return (b == "esm" and a in codenames) or (a.startswith("esm-") and b in codenames)
uct_fixed = 0
with tarfile.open(vd + "/ubuntu-cve-tracker.tar.gz") as t:
    n = 0
    for m in t.getmembers():
        parts = m.name.split("/")
        if m.isfile() and len(parts) == 3 and parts[1] in ("active", "retired") and parts[2].startswith("CVE-"):
            text = t.extractfile(m).read().decode("utf-8", "replace")
            if re.search(r"^Candidate:\s*CVE-", text, re.M):
                n += 1
                for mm in re.finditer(r"^([a-z][a-z/-]*)_([^\s:]+):\s*released\s*\((\d[^)]*)\)", text, re.M):
                    if is_release(mm.group(1)):
                        uct_fixed += 1
    out["ubuntu-cve-tracker"] = n
# Wolfi: advisories; status of the latest event by timestamp
with tarfile.open(vd + "/wolfi-advisories.tar.gz") as t:
    n, by = 0, {}
    for m in t.getmembers():
        if m.isfile() and m.name.endswith(".advisories.yaml") and m.name.count("/") == 1:
            doc = yaml.load(t.extractfile(m), Loader=yaml.BaseLoader)
            for a in doc.get("advisories") or []:
                evs = a.get("events") or []
                if not evs:
                    continue
                last = max(enumerate(evs), key=lambda e: (e[1]["timestamp"], e[0]))[1]
                typ = last["type"]
                if typ == "fixed" and not (last.get("data") or {}).get("fixed-version"):
                    continue
                n += 1
                by[typ] = by.get(typ, 0) + 1
    out["wolfi-advisories"] = n
    out["wolfi-by"] = by
# Azure Linux / Mariner: definitions with a CVE reference
with tarfile.open(vd + "/azurelinux-oval.tar.gz") as t:
    n = 0
    ns = "{http://oval.mitre.org/XMLSchema/oval-definitions-5}"
    for m in t.getmembers():
        if m.isfile() and m.name.endswith("-oval.xml"):
            root = ET.parse(t.extractfile(m)).getroot()
            for d in root.iter(ns + "definition"):
                if any(r.get("source") == "CVE" for r in d.iter(ns + "reference")):
                    n += 1
    out["azurelinux-oval"] = n
by = out.pop("wolfi-by")
deb_rows = out.pop("debian-rows")
print(" ".join("%s=%d" % kv for kv in sorted(out.items())))
print(uct_fixed, deb_rows)
st = {"fixed": "fixed", "false-positive-determination": "not_affected", "fix-not-planned": "will_not_fix",
      "pending-upstream-fix": "fix_deferred", "detection": "unfixed", "true-positive-determination": "unfixed",
      "analysis-not-planned": "unfixed"}
agg = {}
for k, v in by.items():
    agg[st[k]] = agg.get(st[k], 0) + v
print(" ".join("%s=%d" % kv for kv in sorted(agg.items())))
PYEOF
)
got=$("$VIGIL" db info --db "$tmp/real.db" --format json | $PY -c '
import json, sys
print(" ".join("%s=%d" % (f["name"], f["records"]) for f in sorted(json.load(sys.stdin)["feeds"], key=lambda f: f["name"])))')
if [ "$got" = "$(echo "$want" | head -1)" ]; then
  pass "mirror record counts equal the raw files: $got"
else
  bad "mirror record counts: got $got, raw files say $(echo "$want" | head -1)"
fi
got=$($PY -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(" ".join("%s=%d" % r for r in c.execute("SELECT status, COUNT(*) FROM affected WHERE feed = ? GROUP BY status ORDER BY status", ("wolfi-advisories",))))' "$tmp/real.db")
w=$(echo "$want" | sed -n 3p)
if [ "$got" = "$w" ]; then
  pass "wolfi: statuses by latest event equal the raw files: $got"
else
  bad "wolfi statuses: got $got, raw files say $w"
fi
got=$($PY -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM affected WHERE feed = ? AND status = ?", ("ubuntu-cve-tracker", "fixed")).fetchone()[0])' "$tmp/real.db")
w=$(echo "$want" | sed -n 2p | cut -d' ' -f1)
[ "$got" = "$w" ] && pass "ubuntu: $got fixed rows, one per released line with a version of a release" ||
  bad "ubuntu fixed rows: got $got, raw files say $w"
got=$($PY -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM affected WHERE feed = ?", ("debian-security-tracker",)).fetchone()[0])' "$tmp/real.db")
w=$(echo "$want" | sed -n 2p | cut -d' ' -f2)
[ "$got" = "$w" ] && pass "debian: $got rows, one per distinct (release, package, CVE or advisory) of the lists" ||
  bad "debian rows: got $got, raw files say $w"
got=$($PY -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT a.fixed FROM affected a JOIN vulns v ON v.id = a.vuln WHERE v.vuln_id = ? AND a.ecosystem = ?", ("CVE-2023-1393", "debian:11")).fetchone())' "$tmp/real.db")
[ "$got" = "('2:1.20.11-1+deb11u6',)" ] && pass "debian: DSA-5380-1 fixes CVE-2023-1393 in xorg-server 2:1.20.11-1+deb11u6 (debian:11)" ||
  bad "debian: CVE-2023-1393 in debian:11: $got"
exit $fail
