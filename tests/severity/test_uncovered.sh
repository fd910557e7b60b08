#!/usr/bin/env bash
# A distribution the vulnerability database does not cover is a warning in every
# report: the JSON "warnings" field, a "Warning:" line of the table, and stderr.
#   Amazon Linux 2023 (no feed)         -> warned
#   Alpine 3.20 against a DB without it -> warned (no data for alpine:3.20)
#   Alpine 3.20 with alpine-secdb v3.20 -> not warned
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=${VIGIL_SHARED:-$top/../shared}
VIGIL=${VIGIL:-$top/build/vigil}
PY=/usr/bin/python3
fail=0
pass() { echo "PASS: uncovered: $1"; }
bad() { echo "FAIL: uncovered: $1"; fail=1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=$shared/fixtures/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz
[ -f "$src" ] || { echo "FAIL: uncovered: $src not found"; exit 1; }
mkdir -p "$tmp/alpine" "$tmp/amzn/etc" "$tmp/m/alpine-secdb/v3.20" "$tmp/m2/alpine-secdb/v3.19"
tar -xzf "$src" -C "$tmp/alpine" 2>/dev/null
cat >"$tmp/amzn/etc/os-release" <<'EOF'
NAME="Amazon Linux"
VERSION="2023"
ID="amzn"
ID_LIKE="fedora"
VERSION_ID="2023"
PRETTY_NAME="Amazon Linux 2023.6.20241212"
EOF
for v in 3.20 3.19; do
    d=$tmp/m; [ $v = 3.19 ] && d=$tmp/m2
    printf 'distroversion: v%s\nreponame: main\npackages:\n  - pkg:\n      name: busybox\n      secfixes:\n        99.0-r0:\n          - CVE-2099-0001\n' "$v" \
        >"$d/alpine-secdb/v$v/main.yaml"
    tar -czf "$d/alpine-secdb.tar.gz" -C "$d" alpine-secdb
done
"$VIGIL" db update --from "$tmp/m" --only alpine-secdb --db "$tmp/with.db" >/dev/null 2>&1 &&
    "$VIGIL" db update --from "$tmp/m2" --only alpine-secdb --db "$tmp/without.db" >/dev/null 2>&1 ||
    { bad "db update of the fixtures failed"; exit 1; }
check() { # NAME TARGET DB EXPECT(1 warned / 0 not) PATTERN
    local n=$1 t=$2 db=$3 want=$4 pat=$5
    "$VIGIL" scan "rootfs:$t" --scanners vuln --db "$db" --format json >"$tmp/$n.json" 2>"$tmp/$n.err"
    "$VIGIL" scan "rootfs:$t" --scanners vuln --db "$db" --format table >"$tmp/$n.txt" 2>/dev/null
    local j=0 tl=0 se=0
    $PY -c 'import json,sys; w=json.load(open(sys.argv[1]))["warnings"]; sys.exit(0 if any(sys.argv[2] in x for x in w) else 1)' \
        "$tmp/$n.json" "$pat" && j=1
    grep -q "^Warning: .*$pat" "$tmp/$n.txt" && tl=1
    grep -q "$pat" "$tmp/$n.err" && se=1
    if [ "$j$tl$se" = "$want$want$want" ]; then
        pass "$n: $([ "$want" = 1 ] && echo "warned in JSON, table and stderr: '$(grep -o "warning: .*" "$tmp/$n.err" | head -1 | cut -c10-110)...'" || echo "no warning")"
    else
        bad "$n: json=$j table=$tl stderr=$se, expected $want (stderr: $(head -2 "$tmp/$n.err"))"
    fi
}
check amazon-linux "$tmp/amzn" "$tmp/with.db" 1 "Amazon Linux 2023.6.20241212 is not covered"
check alpine-3.20-not-in-db "$tmp/alpine" "$tmp/without.db" 1 "no data for 'alpine:3.20'"
check alpine-3.20-covered "$tmp/alpine" "$tmp/with.db" 0 "is not covered"
exit $fail
