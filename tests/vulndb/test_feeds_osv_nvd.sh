#!/usr/bin/env bash
# The osv (osv.dev per-ecosystem all.zip), nvd (NVD CVE API 2.0 JSON) and epss (FIRST
# EPSS daily CSV) feeds, from the fixture files in tests/vulndb/fixtures/{osv,nvd,epss}
# written in the upstream formats:
#  1. a mirror (osv.tar.gz holding <Ecosystem>/all.zip, nvd.tar.gz holding the JSON
#     gzipped): record counts equal those python counts from the same files;
#  2. a root filesystem with log4j-core 2.14.1 (jar), lodash 4.17.15 (npm) and
#     Some_Package 1.0 (PyPI): Log4Shell found, rated by GitHub's severity; the second
#     log4j CVE (no rating in its OSV record) rated from NVD's CVSS ("cvss:nvd");
#     the CVSS 4.0 PyPI record scored 9.3;
#  3. the online path against tests/lib/httpd.py: a download, a second one answered
#     304, a truncated and a hung response failing with the database unchanged.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
PY=/usr/bin/python3
fx=$top/tests/vulndb/fixtures
fail=0
pass() { echo "PASS: feeds-osv-nvd: $1"; }
bad() { echo "FAIL: feeds-osv-nvd: $1"; fail=1; }
tmp=$(mktemp -d)
srv_pid=
cleanup() { [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# ---- 1. mirror and counts ----
m=$tmp/mirror
mkdir -p "$m/osv" "$m/nvd" "$m/epss" "$tmp/srv"
gzip -c "$fx/epss/epss_scores-current.csv" >"$m/epss/epss_scores-current.csv.gz"
tar -czf "$m/epss.tar.gz" -C "$m" epss
$PY - "$fx/osv" "$m/osv" "$fx/nvd" "$m/nvd" "$tmp/srv" <<'EOF'
import gzip, os, shutil, sys, zipfile
src, dst, nsrc, ndst, srv = sys.argv[1:6]
for eco in sorted(os.listdir(src)):
    os.makedirs(os.path.join(dst, eco), exist_ok=True)
    z = os.path.join(dst, eco, "all.zip")
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(os.listdir(os.path.join(src, eco))):
            zf.write(os.path.join(src, eco, f), f)
    shutil.copy(z, os.path.join(srv, eco + "-all.zip"))
for f in os.listdir(nsrc):
    data = open(os.path.join(nsrc, f), "rb").read()
    for out in (os.path.join(ndst, f + ".gz"), os.path.join(srv, f + ".gz")):
        with gzip.open(out, "wb") as g:
            g.write(data)
EOF
tar -czf "$m/osv.tar.gz" -C "$m" osv && tar -czf "$m/nvd.tar.gz" -C "$m" nvd
db=$tmp/vigil.db
if ! "$VIGIL" db update --from "$m" --only osv,nvd,epss --db "$db" >"$tmp/upd" 2>&1; then
    bad "db update failed: $(tail -2 "$tmp/upd")"
    exit 1
fi
"$VIGIL" db info --db "$db" --format json >"$tmp/info.json"
if r=$($PY - "$fx" "$tmp/info.json" <<'EOF'
import json, os, sys
fx, info = sys.argv[1], json.load(open(sys.argv[2]))
feeds = {f["name"]: f for f in info["feeds"]}
osv = 0
for eco in os.listdir(os.path.join(fx, "osv")):
    for f in os.listdir(os.path.join(fx, "osv", eco)):
        d = json.load(open(os.path.join(fx, "osv", eco, f)))
        osv += 0 if d.get("withdrawn") else 1
nvd = sum(len(json.load(open(os.path.join(fx, "nvd", f)))["vulnerabilities"])
          for f in os.listdir(os.path.join(fx, "nvd")))
import csv
rows = [r for r in csv.reader(l for l in open(os.path.join(fx, "epss", "epss_scores-current.csv")) if not l.startswith("#"))][1:]
good = sum(1 for r in rows if r[0].startswith("CVE-") and 0 <= float(r[1]) <= 1 and 0 <= float(r[2]) <= 1)
got = (feeds["osv"]["records"], feeds["nvd"]["records"], feeds["epss"]["records"], feeds["epss"]["skipped"])
if got != (osv, nvd, good, len(rows) - good) or feeds["osv"]["skipped"] or feeds["nvd"]["skipped"]:
    print(f"db info says osv/nvd/epss records, epss skipped {got}; python counts {(osv, nvd, good, len(rows) - good)}")
    sys.exit(1)
if feeds["epss"]["source_date"] != "2026-11-30T12:55:00Z":
    print("epss source date", feeds["epss"]["source_date"]); sys.exit(1)
print(f"osv {osv} records (1 withdrawn left out), nvd {nvd} records, epss {good} scores ({len(rows) - good} malformed lines skipped)")
EOF
); then pass "mirror counts equal python's: $r"; else bad "$r"; fi

# ---- 2. matching and severities ----
root=$tmp/rootfs
mkdir -p "$root/app/lib" "$root/app/node_modules/lodash" \
    "$root/usr/lib/python3/dist-packages/Some_Package-1.0.dist-info"
$PY - "$root/app/lib/log4j-core-2.14.1.jar" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nImplementation-Title: Apache Log4j Core\nImplementation-Version: 2.14.1\n")
    z.writestr("META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties",
               "groupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.14.1\n")
EOF
echo '{"name":"lodash","version":"4.17.15"}' >"$root/app/node_modules/lodash/package.json"
printf 'Metadata-Version: 2.1\nName: Some_Package\nVersion: 1.0\n' \
    >"$root/usr/lib/python3/dist-packages/Some_Package-1.0.dist-info/METADATA"
"$VIGIL" scan "rootfs:$root" --scanners vuln --db "$db" --format json >"$tmp/scan.json" 2>"$tmp/scan.err"
if r=$($PY - "$tmp/scan.json" <<'EOF'
import json, sys
vs = json.load(open(sys.argv[1]))["vulnerabilities"]
got = {(v["package"]["name"], v["id"]): v for v in vs}
want = {
    ("log4j-core", "CVE-2021-44228"): ("CRITICAL", "osv", 10.0),
    ("log4j-core", "CVE-2021-45046"): ("CRITICAL", "cvss:nvd", 9.0),
    ("lodash", "CVE-2020-8203"): ("HIGH", "osv", 7.4),
    ("some-package", "CVE-2099-7001"): ("CRITICAL", "cvss:osv", 9.3),
}
errs = []
for k, (sev, src, score) in want.items():
    v = got.get(k) or next((x for (n, i), x in got.items() if i == k[1]), None)
    if not v:
        errs.append(f"{k} not found (found {sorted(got)})")
        continue
    if (v["severity"], v.get("severity_source")) != (sev, src) or (v.get("cvss") or {}).get("score") != score:
        errs.append(f"{k}: {v['severity']} {v.get('severity_source')} {v.get('cvss')}, expected {sev} {src} {score}")
l4 = got.get(("log4j-core", "CVE-2021-44228"))
if l4 and l4.get("epss") != {"score": 0.94358, "percentile": 0.99957}:
    errs.append(f"Log4Shell epss {l4.get('epss')}")
if errs:
    print("; ".join(errs)); sys.exit(1)
print(f"{len(vs)} findings")
EOF
); then pass "Log4Shell in a jar, lodash, a PyPI package: GitHub severity, NVD CVSS for an unrated record, CVSS 4.0 score, EPSS ($r)"; else bad "matching: $r"; fi

# ---- 3. online ----
$PY "$top/tests/lib/httpd.py" --root "$tmp/srv" --log "$tmp/log" --port-file "$tmp/port" --lifetime 120 &
srv_pid=$!
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
base=http://127.0.0.1:$(cat "$tmp/port")
odb=$tmp/online.db
up() { "$VIGIL" db update --only osv,nvd --url "osv=$base/$1" --url "nvd=$base/$2" --db "$odb" \
    --cache "$tmp/cache" --timeout 1 --connect-timeout 2 "${@:3}" >"$tmp/out" 2>&1; }
if up Maven-all.zip nvdcve-2.0-2021.json.gz && "$VIGIL" db info --db "$odb" --format json |
    $PY -c 'import json,sys; f={x["name"]:x["records"] for x in json.load(sys.stdin)["feeds"]}; sys.exit(0 if f["osv"]==2 and f["nvd"]==4 else 1)'; then
    pass "online: Maven all.zip (2 records) and the NVD year file (4) downloaded and imported"
else
    bad "online download: $(tail -3 "$tmp/out")"
fi
: >"$tmp/log"
if up Maven-all.zip nvdcve-2.0-2021.json.gz && [ "$(grep -c ' 304 ' "$tmp/log")" = 2 ]; then
    pass "online: second update answered 304 for both files"
else
    bad "online 304: $(cat "$tmp/log") $(tail -2 "$tmp/out")"
fi
sum() { sha256sum "$odb" | cut -c1-64; }
before=$(sum)
up truncate/Maven-all.zip nvdcve-2.0-2021.json.gz --cache "$tmp/cache2"; rc=$?
if [ $rc != 0 ] && grep -q "truncated" "$tmp/out" && [ "$(sum)" = "$before" ]; then
    pass "online: truncated all.zip fails (exit $rc), database unchanged"
else
    bad "online truncated: rc=$rc $(tail -2 "$tmp/out")"
fi
up Maven-all.zip hang/nvdcve-2.0-2021.json.gz --cache "$tmp/cache3"; rc=$?
if [ $rc != 0 ] && grep -q "timed out" "$tmp/out" && [ "$(sum)" = "$before" ]; then
    pass "online: hung NVD server times out (exit $rc), database unchanged"
else
    bad "online hung: rc=$rc $(tail -2 "$tmp/out")"
fi
exit $fail
