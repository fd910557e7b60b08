#!/usr/bin/env bash
# Red Hat (OVAL v2), Oracle Linux (ELSA OVAL), SUSE (SLES and openSUSE Leap OVAL), Rocky
# Linux (osv.dev OSV) and osv.dev's distribution exports (osv-distros), from the
# hand-written fixtures in tests/vulndb/fixtures/distros/ (the upstream formats, small):
#  1. db info counts and the stored statements equal an independent reading of the same
#     files (oval_count.py for OVAL; python's count of OSV records);
#  2. matching: SBOMs of RHEL 8.7, Oracle Linux 8.7, Rocky 9.1, SLES 15.5/15.4 and
#     openSUSE Leap 15.5 get exactly the expected findings (rpm EVR order, module
#     streams, fixed versions not reported); RHEL without Red Hat data falls back to
#     AlmaLinux's; a release without data keeps the "not covered" warning;
#  3. online, against tests/lib/httpd.py serving the files at the upstream paths
#     (--rewrite-url): download, 304 on the second update, a truncated and a hung
#     server failing with the database unchanged; NVD's 25 yearly files and EPSS
#     fetched from their built-in URLs.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
PY=/usr/bin/python3
fx=$top/tests/vulndb/fixtures/distros
fail=0
pass() { echo "PASS: feeds-distros: $1"; }
bad() { echo "FAIL: feeds-distros: $1"; fail=1; }
tmp=$(mktemp -d)
srv_pid=
cleanup() { [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
for t in bzip2 gzip zip sqlite3; do
    command -v $t >/dev/null || { bad "$t is not installed"; exit 1; }
done

# ---- the mirror, as the upstream files are named --------------------------------------------
m=$tmp/m
"$top/tests/vulndb/make-distros-mirror.sh" "$m" || { bad "make-distros-mirror.sh failed"; exit 1; }
FEEDS=redhat-oval,oracle-oval,suse-oval,rocky-osv,osv-distros
db=$tmp/v.db
"$VIGIL" db update --from "$m" --only $FEEDS --db "$db" >"$tmp/upd" 2>&1 ||
    { bad "db update: $(tail -2 "$tmp/upd")"; exit 1; }

# ---- 1. counts and statements against an independent reading ------------------------------
"$VIGIL" db info --db "$db" --format json >"$tmp/info.json"
sqlite3 -separator '|' "$db" "select feed, ecosystem, package, ifnull(fixed,'') from affected" >"$tmp/rows"
if r=$($PY - "$fx" "$tmp/info.json" "$tmp/rows" "$top/tests/vulndb/oval_count.py" <<'PYEOF'
import glob, json, os, subprocess, sys
fx, info, rows, counter = sys.argv[1:]
feeds = {f["name"]: f for f in json.load(open(info))["feeds"]}
db_rows = {}
for l in open(rows):
    feed, eco, pkg, fixed = l.rstrip("\n").split("|")
    db_rows.setdefault(feed, set()).add((eco, pkg, fixed))
def oval(*args):
    return json.loads(subprocess.check_output([sys.executable, counter, *args]))
errs, out = [], []
for feed, args in (("redhat-oval", ["rhel:" + fx + "/redhat/rhel-8.oval.xml"]),
                   ("oracle-oval", ["oracle:" + fx + "/oracle/com.oracle.elsa-all.xml"]),
                   ("suse-oval", ["suse:" + fx + "/suse/suse.linux.enterprise.server.15.xml",
                                  "leap:" + fx + "/suse/opensuse.leap.15.5.xml"])):
    want = oval(*args)
    got = (feeds[feed]["records"], feeds[feed]["skipped"])
    if got != (want["records"], want["skipped"]):
        errs.append(f"{feed}: records/skipped {got}, python {want['records']}/{want['skipped']}")
    if db_rows.get(feed, set()) != {tuple(r) for r in want["rows"]}:
        errs.append(f"{feed}: statements {sorted(db_rows.get(feed, set()))} != {want['rows']}")
    out.append(f"{feed} {want['records']} records/{len(want['rows'])} statements")
ECO = {"Rocky Linux:8": "rocky:8", "Rocky Linux:9": "rocky:9", "Alpine:v3.17": "alpine:3.17",
       "Debian:11": "debian:11", "openSUSE:Leap 15.4": "opensuse-leap:15.4",
       "SUSE:Linux Enterprise Module for Basesystem 15 SP4": "sles:15.4",
       "SUSE:Linux Enterprise Server 15 SP4-LTSS": "sles:15.4"}
for feed, pat in (("rocky-osv", fx + "/rocky/*.json"), ("osv-distros", fx + "/osv-distros/*/*.json")):
    recs = [json.load(open(p)) for p in sorted(glob.glob(pat))]
    live = [r for r in recs if not r.get("withdrawn")]
    want_rows = {(ECO[a["package"]["ecosystem"]], a["package"]["name"]) for r in live for a in r["affected"]}
    got_rows = {(e, p) for e, p, _ in db_rows.get(feed, set())}
    if feeds[feed]["records"] != len(live):
        errs.append(f"{feed}: records {feeds[feed]['records']}, python {len(live)} ({len(recs) - len(live)} withdrawn)")
    if got_rows != want_rows:
        errs.append(f"{feed}: packages {sorted(got_rows)} != {sorted(want_rows)}")
    out.append(f"{feed} {len(live)} records")
if errs:
    print("; ".join(errs)); sys.exit(1)
print(", ".join(out))
PYEOF
); then pass "counts and statements equal the independent reading: $r"; else bad "$r"; fi

# ---- 2. matching ------------------------------------------------------------------------------
$PY "$top/tests/vulndb/make-distros-sboms.py" "$tmp"
findings() { # FILE DB -> "id package fixed severity source" lines, then "W <warning>" lines
    "$VIGIL" scan "sbom:$tmp/$1.cdx.json" --scanners vuln --db "$2" --format json 2>/dev/null |
        $PY -c 'import json,sys
d = json.load(sys.stdin)
for v in sorted(d["vulnerabilities"], key=lambda v: (v["package"]["name"], v["id"])):
    print(v["id"], v["package"]["name"], v["fixed_version"], v["severity"], v.get("severity_source"))
for w in d.get("warnings", []):
    print("W", w)'
}
check() { # NAME FILE DB EXPECTED
    local got; got=$(findings "$2" "$3")
    if [ "$got" = "$4" ]; then pass "$1"; else bad "$1: got [$got] want [$4]"; fi
}
check "RHEL 8.7: RHSA by rpm EVR (epoch kept), the nodejs:14 stream's fix, fixed packages not reported" rhel "$db" \
"CVE-2022-43548 nodejs 1:14.21.1-2.module+el8.7.0+17528+a329cd47 MEDIUM redhat-oval
RHSA-2023:1405 openssl-libs 1:1.1.1k-9.el8_7 HIGH redhat-oval"
check "Oracle Linux 8.7: ol:8 statements (1:1.1.1k-9.el8_7 < 1:1.1.1k-9.0.1.el8_7), expat at its fix not reported" ol "$db" \
"CVE-2023-0286 openssl-libs 1:1.1.1k-9.0.1.el8_7 HIGH oracle-oval"
check "Rocky 9.1: the RLSA of rocky:9, the package at the fixed EVR not reported" rocky "$db" \
"CVE-2023-0286 openssl-libs 1:3.0.1-47.el9_1 HIGH rocky-osv"
check "SLES 15.5: the SP5 statement only (the GA-only libz1 statement is not SP5's)" sles155 "$db" \
"CVE-2023-0286 libopenssl1_1 0:1.1.1l-150500.17.9.1 HIGH suse-oval"
check "SLES 15.4: the SP4 statement and osv.dev's SUSE record (sles:15.4), openssl-1_1 at its fix not reported" sles154 "$db" \
"CVE-2023-0286 libopenssl1_1 0:1.1.1l-150400.7.25.1 HIGH suse-oval
SUSE-SU-2023:0583-1 libopenssl1_1 1.1.1l-150400.7.25.1 HIGH cvss:osv-distros"
check "openSUSE Leap 15.5: opensuse-leap:15.5" leap "$db" \
"CVE-2023-0286 libopenssl1_1 0:1.1.1l-150500.17.9.1 HIGH suse-oval"
check "SLES 12.5 without data: the not-covered warning" sles12 "$db" \
"W sles is not covered by the vulnerability database (no data for 'sles:12.5'): its OS packages were not checked for vulnerabilities; 'vigil db info' lists the feeds"
check "Oracle Linux 7 without data: the not-covered warning (no fallback data either)" ol7 "$db" \
"W ol is not covered by the vulnerability database (no data for 'ol:7'): its OS packages were not checked for vulnerabilities; 'vigil db info' lists the feeds"
# the RHEL family without its own data: AlmaLinux's errata (one hand-written ALSA)
mkdir -p "$tmp/alma/almalinux-osv/advisories/almalinux8"
cat >"$tmp/alma/almalinux-osv/advisories/almalinux8/ALSA-2023-1405.json" <<'JEOF'
{"id": "ALSA-2023:1405", "modified": "2023-03-22T00:00:00Z", "summary": "Important: openssl security update",
 "upstream": ["CVE-2023-0286"],
 "affected": [{"package": {"ecosystem": "AlmaLinux:8", "name": "openssl-libs"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:1.1.1k-9.el8_7"}]}]}]}
JEOF
tar -czf "$tmp/alma/almalinux-osv.tar.gz" -C "$tmp/alma" almalinux-osv
"$VIGIL" db update --from "$tmp/alma" --only almalinux-osv --db "$tmp/alma.db" >/dev/null 2>&1
check "RHEL 8.7 without Red Hat data: AlmaLinux's almalinux:8 errata" rhel "$tmp/alma.db" \
"CVE-2023-0286 openssl-libs 1:1.1.1k-9.el8_7 HIGH almalinux-osv"

# ---- 3. online: the built-in URLs through --rewrite-url ------------------------------------
srv=$tmp/srv
mkdir -p "$srv/rh/RHEL7" "$srv/rh/RHEL8" "$srv/rh/RHEL9" "$srv/ol" "$srv/suse" "$srv/osv/Rocky Linux" \
    "$srv/nvd/feeds/json/cve/2.0" "$srv/epss"
empty='<?xml version="1.0"?><oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"><definitions/></oval_definitions>'
cp "$m/redhat-oval/RHEL8/rhel-8.oval.xml.bz2" "$srv/rh/RHEL8/"
for v in 7 9; do echo "$empty" | bzip2 -c >"$srv/rh/RHEL$v/rhel-$v.oval.xml.bz2"; done
cp "$m/oracle-oval/com.oracle.elsa-all.xml.bz2" "$srv/ol/"
cp "$m/suse-oval/"*.gz "$srv/suse/"
for f in suse.linux.enterprise.server.12.xml opensuse.leap.15.6.xml; do echo "$empty" | gzip -c >"$srv/suse/$f.gz"; done
cp "$m/rocky-osv/Rocky Linux/all.zip" "$srv/osv/Rocky Linux/"
for y in $(seq 2002 2026); do
    if [ -f "$top/tests/vulndb/fixtures/nvd/nvdcve-2.0-$y.json" ]; then
        gzip -c "$top/tests/vulndb/fixtures/nvd/nvdcve-2.0-$y.json"
    else
        echo '{"resultsPerPage":0,"startIndex":0,"totalResults":0,"format":"NVD_CVE","version":"2.0","vulnerabilities":[]}' | gzip -c
    fi >"$srv/nvd/feeds/json/cve/2.0/nvdcve-2.0-$y.json.gz"
done
gzip -c "$top/tests/vulndb/fixtures/epss/epss_scores-current.csv" >"$srv/epss/epss_scores-current.csv.gz"
$PY "$top/tests/lib/httpd.py" --root "$srv" --log "$tmp/log" --port-file "$tmp/port" --lifetime 300 &
srv_pid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
base=http://127.0.0.1:$(cat "$tmp/port")
odb=$tmp/online.db
RH=https://access.redhat.com/security/data/oval/v2/
OL=https://linux.oracle.com/security/oval/
SU=https://ftp.suse.com/pub/projects/security/oval/
OSV=https://osv-vulnerabilities.storage.googleapis.com/
up() { # [OL-PREFIX] [SUSE-PREFIX] [CACHE]
    "$VIGIL" db update --only redhat-oval,oracle-oval,suse-oval,rocky-osv --db "$odb" \
        --cache "${3:-$tmp/cache}" --timeout 1 --connect-timeout 2 \
        --rewrite-url "$RH=$base/rh/" --rewrite-url "$OL=${1:-$base/ol/}" \
        --rewrite-url "$SU=${2:-$base/suse/}" --rewrite-url "$OSV=$base/osv/" >"$tmp/out" 2>&1
}
recs() { "$VIGIL" db info --db "$1" --format json | $PY -c 'import json,sys
f = {x["name"]: x["records"] for x in json.load(sys.stdin)["feeds"]}
print(" ".join(str(f.get(n)) for n in ("redhat-oval", "oracle-oval", "suse-oval", "rocky-osv")))'; }
want=$(recs "$db")
if up && [ "$(recs "$odb")" = "$want" ] && [ "$(grep -c ' 200 ' "$tmp/log")" = 9 ] &&
    grep -q "GET /osv/Rocky%20Linux/all.zip 200" "$tmp/log" && grep -q "GET /rh/RHEL9/rhel-9.oval.xml.bz2 200" "$tmp/log"; then
    pass "online: the 9 upstream files of the four feeds downloaded from their built-in paths, counts as from the mirror ($want)"
else
    bad "online download: records $(recs "$odb") want $want; $(tail -3 "$tmp/out"); $(cat "$tmp/log")"
fi
: >"$tmp/log"
if up && [ "$(grep -c ' 304 ' "$tmp/log")" = 9 ] && [ "$(recs "$odb")" = "$want" ]; then
    pass "online: second update answered 304 for all 9 files"
else
    bad "online 304: $(cat "$tmp/log") $(tail -2 "$tmp/out")"
fi
sum() { sha256sum "$odb" | cut -c1-64; }
before=$(sum)
up "$base/truncate/ol/" "" "$tmp/cache2"; rc=$?
if [ $rc = 2 ] && grep -q "truncated" "$tmp/out" && [ "$(sum)" = "$before" ]; then
    pass "online: truncated Oracle file fails (exit $rc), database unchanged"
else
    bad "online truncated: rc=$rc $(tail -2 "$tmp/out")"
fi
up "" "$base/hang/" "$tmp/cache3"; rc=$?
if [ $rc = 2 ] && grep -q "timed out" "$tmp/out" && [ "$(sum)" = "$before" ]; then
    pass "online: hung SUSE server times out (exit $rc), database unchanged"
else
    bad "online hung: rc=$rc $(tail -2 "$tmp/out")"
fi
# NVD and EPSS from their built-in URLs (nvd.nist.gov, epss.cyentia.com) through the rewrite
: >"$tmp/log"
"$VIGIL" db update --only nvd,epss --db "$tmp/ne.db" --cache "$tmp/cache4" --timeout 2 \
    --rewrite-url "https://nvd.nist.gov/=$base/nvd/" --rewrite-url "https://epss.cyentia.com/=$base/epss/" >"$tmp/out" 2>&1; rc=$?
paths=$(grep -c "GET /nvd/feeds/json/cve/2.0/nvdcve-2.0-20[0-2][0-9].json.gz 200" "$tmp/log")
nvd_want=$($PY -c 'import json,glob,sys; print(sum(len(json.load(open(f))["vulnerabilities"]) for f in glob.glob(sys.argv[1] + "/nvdcve-2.0-*.json")))' "$top/tests/vulndb/fixtures/nvd")
got=$("$VIGIL" db info --db "$tmp/ne.db" --format json 2>/dev/null | $PY -c 'import json,sys; f={x["name"]:x["records"] for x in json.load(sys.stdin)["feeds"]}; print(f.get("nvd"), f.get("epss"))')
epss_want=$($PY -c 'import csv,sys
rows = [r for r in csv.reader(l for l in open(sys.argv[1]) if not l.startswith("#"))][1:]
print(sum(1 for r in rows if r[0].startswith("CVE-") and 0 <= float(r[1]) <= 1 and 0 <= float(r[2]) <= 1))' "$top/tests/vulndb/fixtures/epss/epss_scores-current.csv")
if [ $rc = 0 ] && [ "$paths" = 25 ] && grep -q "GET /epss/epss_scores-current.csv.gz 200" "$tmp/log" && [ "$got" = "$nvd_want $epss_want" ]; then
    pass "online: NVD's 25 yearly files (2002-2026) and EPSS from their built-in URLs, $got records"
else
    bad "online NVD/EPSS: rc=$rc, $paths NVD paths, records $got want $nvd_want $epss_want; $(tail -2 "$tmp/out")"
fi
exit $fail
