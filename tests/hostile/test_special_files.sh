#!/usr/bin/env bash
# Special files (issue 22): every input opened by path must be a regular file (or a
# directory where one is expected). A FIFO must not block: each case below used to hang
# forever. Expected: exit 2 and one error line saying the file is not a regular file.
# The timeout is only a hang guard (turns a hang into a FAIL line), not a time limit.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VIGIL=${VIGIL:-$ROOT/build/vigil}
case $VIGIL in /*) ;; *) VIGIL=$ROOT/$VIGIL ;; esac
HANG=${VIGIL_HOSTILE_TIMEOUT:-120}
VARIANT=$(basename "$(dirname "$VIGIL")")
failed=0
pass() { echo "PASS: special-files: $1 ($VARIANT)"; }
fail() { echo "FAIL: special-files: $1 ($VARIANT): $2"; failed=1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-special.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
mkfifo fifo
mkdir -p root/etc oci cwd dir
printf '{"imageLayoutVersion":"1.0.0"}' >oci/oci-layout
mkfifo oci/index.json
mkfifo cwd/.vigil.yaml

# expect NAME SUBSTRING [--in DIR] ARGS...: exit 2, one line "vigil: error: ...SUBSTRING..."
# (and at most the usage hint "Run 'vigil CMD --help' for usage." after it)
expect() {
    local name=$1 sub=$2 dir=$TMP rc lines
    shift 2
    if [ "$1" = --in ]; then dir=$2; shift 2; fi
    (cd "$dir" && timeout -k 5 "$HANG" "$VIGIL" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null)
    rc=$?
    lines=$(grep -cv "^Run 'vigil .*--help' for usage\.$" "$TMP/err")
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        fail "$name" "blocked (no exit within ${HANG}s)"
    elif [ $rc -ne 2 ] || [ "$lines" -ne 1 ] || ! grep -qE "^vigil: error: .*($sub)" "$TMP/err"; then
        fail "$name" "exit $rc, stderr: $(head -c 300 "$TMP/err" | tr '\n' '|')"
    else
        pass "$name"
    fi
}

# expect_last NAME SUBSTRING ARGS...: for `vigil serve`, which logs JSON lines before it
# stops: exit 2, and the last line of stderr "vigil: error: ...SUBSTRING..."
expect_last() {
    local name=$1 sub=$2 rc
    shift 2
    (cd "$TMP" && timeout -k 5 "$HANG" "$VIGIL" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null)
    rc=$?
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        fail "$name" "blocked (no exit within ${HANG}s)"
    elif [ $rc -ne 2 ] || ! tail -1 "$TMP/err" | grep -qE "^vigil: error: .*($sub)"; then
        fail "$name" "exit $rc, stderr: $(tail -c 300 "$TMP/err" | tr '\n' '|')"
    else
        pass "$name"
    fi
}

R="not a regular file"
expect "OCI layout whose index.json is a FIFO" "$R" ls oci
expect "docker-archive that is a FIFO" "not a file or directory|$R" ls fifo
expect "docker-archive:FIFO" "not a file or directory|$R" ls docker-archive:fifo
expect "vigil config FIFO" "$R" config fifo
expect "scan --policy FIFO" "$R" scan -q --scanners secret --policy fifo rootfs:root
expect "scan --vex FIFO" "$R" scan -q --scanners secret --vex fifo rootfs:root
expect "scan --secret-rules FIFO" "$R" scan -q --scanners secret --secret-rules fifo rootfs:root
expect "scan --malware-hashes FIFO" "$R" scan -q --scanners malware --malware-hashes fifo rootfs:root
expect "scan --db FIFO" "$R" scan -q --scanners vuln --db fifo rootfs:root
expect "./.vigil.yaml that is a FIFO" "$R" --in "$TMP/cwd" scan -q --scanners secret "rootfs:$TMP/root"
expect "config --policy FIFO" "$R" config --policy fifo "$TMP/root"
expect "audit host --docker-inspect FIFO" "$R" audit host --root root --docker-inspect fifo
expect "audit host --policy FIFO" "$R" audit host --root root --policy fifo
expect "db info --db FIFO" "$R" db info --db fifo
expect "db import FIFO" "$R" db import fifo --db "$TMP/imported.db"
# a small database (the KEV list only) for the inputs read after the database is opened
SHARED=${VIGIL_SHARED:-$ROOT/../shared}
mkdir -p kev
ln -s "$SHARED/vulndata/cisa-kev.tar.gz" kev/
if "$VIGIL" db update --from kev --db kev/v.db >/dev/null 2>&1; then
    expect "scan sbom:FIFO" "$R" scan -q --scanners vuln --db kev/v.db sbom:fifo
    expect "scan --rematch FIFO" "$R" scan -q --db kev/v.db --rematch fifo
else
    fail "a KEV-only database from $SHARED/vulndata" "db update failed"
fi
expect "scan --template FIFO" "$R" scan -q --scanners secret --format template --template fifo rootfs:root
VIGIL_CONFIG="$TMP/fifo" expect "VIGIL_CONFIG=FIFO" "$R" scan -q --scanners secret rootfs:root
expect "admission-config --ca-file FIFO" "$R" admission-config --service vigil/vigil --ca-file fifo
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem \
    -out cert.pem -subj /CN=vigil-test -days 1 >/dev/null 2>&1
S=(serve --data "$TMP/serve" --listen 127.0.0.1:0 --scanners secret)
expect_last "serve --tls-cert FIFO" "certificate fifo: $R" "${S[@]}" --tls-cert fifo --tls-key key.pem
expect_last "serve --tls-key FIFO" "key fifo: $R" "${S[@]}" --tls-cert cert.pem --tls-key fifo
expect_last "serve --admission-policy FIFO" "policy fifo: $R" "${S[@]}" --admission-policy fifo
: >empty
expect "watch --rules FIFO (replaying no events)" "fifo: $R" watch --rules fifo --replay empty
expect "ls --registries-conf FIFO" "registries-conf fifo: $R" ls --registries-conf fifo alpine:3.20
expect "scan --policy DIR (a directory where a file is expected)" "is a directory" scan -q --scanners secret --policy dir rootfs:root
expect "/dev/zero as --secret-rules (a device)" "$R" scan -q --scanners secret --secret-rules /dev/zero rootfs:root
exit $failed
