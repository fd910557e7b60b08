#!/usr/bin/env bash
# Amazon Linux advisories (amazon-alas, yum updateinfo.xml) from the fixture in
# tests/vulndb/fixtures/alas/ written in the repositories' format: security updates
# counted as python counts them, statements under amazon:2023 with rpm EVRs (epoch kept)
# and the advisory's severity, CVE aliases; an Amazon Linux 2023 root filesystem is
# covered (no "not covered" warning) once the feed is in the database.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
PY=/usr/bin/python3
fx=$top/tests/vulndb/fixtures/alas
fail=0
pass() { echo "PASS: feeds-alas: $1"; }
bad() { echo "FAIL: feeds-alas: $1"; fail=1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/m/amazon-alas/al2023" "$tmp/amzn/etc"
gzip -c "$fx/al2023/updateinfo.xml" >"$tmp/m/amazon-alas/al2023/updateinfo.xml.gz"
tar -czf "$tmp/m/amazon-alas.tar.gz" -C "$tmp/m" amazon-alas
db=$tmp/vigil.db
"$VIGIL" db update --from "$tmp/m" --only amazon-alas --db "$db" >"$tmp/upd" 2>&1 ||
    { bad "db update: $(tail -2 "$tmp/upd")"; exit 1; }
want=$($PY -c '
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
print(sum(1 for u in r.findall("update") if u.get("type") == "security" and u.findtext("id", "").startswith("ALAS")))' "$fx/al2023/updateinfo.xml")
got=$("$VIGIL" db info --db "$db" --format json | $PY -c 'import json,sys; print([f["records"] for f in json.load(sys.stdin)["feeds"] if f["name"]=="amazon-alas"][0])')
[ "$got" = "$want" ] && pass "$got security advisories, as python counts them (the bug-fix update left out)" ||
    bad "records $got, python $want"
"$VIGIL" db lookup amazon:2023 openssl-libs --db "$db" >"$tmp/l1" 2>&1
"$VIGIL" db lookup amazon:2023 curl --db "$db" >"$tmp/l2" 2>&1
if grep -q "ALAS2023-2023-181 .*fixed .*1:3.0.8-1.amzn2023.0.3" "$tmp/l1" &&
    grep -q "ALAS2023-2023-118 .*7.88.1-1.amzn2023.0.1" "$tmp/l2" &&
    ! "$VIGIL" db lookup amazon:2023 tzdata --db "$db" >/dev/null 2>&1 | grep -q ALAS; then
    pass "statements under amazon:2023 with the fixed EVR (epoch kept)"
else
    bad "lookup: $(cat "$tmp/l1" "$tmp/l2")"
fi
if sqlite3 "$db" "select v.vuln_id, v.severity, (select group_concat(alias) from aliases a where a.vuln=v.id) from vulns v order by 1" >"$tmp/v" 2>&1 &&
    grep -q "ALAS2023-2023-118|MEDIUM|CVE-2023-23914,CVE-2023-23915" "$tmp/v" &&
    grep -q "ALAS2023-2023-181|HIGH|CVE-2023-2650" "$tmp/v"; then
    pass "severity (Important -> HIGH) and CVE aliases"
else
    bad "details: $(cat "$tmp/v")"
fi
printf 'NAME="Amazon Linux"\nVERSION="2023"\nID="amzn"\nVERSION_ID="2023"\nPRETTY_NAME="Amazon Linux 2023"\n' >"$tmp/amzn/etc/os-release"
"$VIGIL" scan "rootfs:$tmp/amzn" --scanners vuln --db "$db" --format json >"$tmp/s.json" 2>"$tmp/s.err"
if $PY -c 'import json,sys; w=json.load(open(sys.argv[1]))["warnings"]; sys.exit(1 if any("not covered" in x for x in w) else 0)' "$tmp/s.json"; then
    pass "an Amazon Linux 2023 root filesystem is covered by the feed (no warning)"
else
    bad "amzn still reported as not covered: $(cat "$tmp/s.err")"
fi
exit $fail
