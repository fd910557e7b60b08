#!/usr/bin/env bash
# Concurrency (issue 22): files that change under a running scan.
#   1. a scan during `vigil db update` finishes on the database it opened: the scan is
#      held (gdb breakpoint) right after it opened the database for matching, a complete
#      `db update` replaces the database, and the held scan, resumed, still holds the old
#      file (now unlinked) and reports the old feed's finding; the next scan the new one
#   2. an image archive truncated under a scan (held before its layer is read) ends in one
#      clear error line (exit 2), no crash
#   3. the database truncated under a scan (held at matching) ends in one clear error line
# The breakpoints make the order exact: no sleeps, no timing. Needs gdb (scripts/deps.d/
# hostile.txt); without it a SKIP, a FAIL with CI=true.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VIGIL=${VIGIL:-$ROOT/build/vigil}
case $VIGIL in /*) ;; *) VIGIL=$ROOT/$VIGIL ;; esac
HANG=${VIGIL_HOSTILE_TIMEOUT:-600}
VARIANT=$(basename "$(dirname "$VIGIL")")
failed=0
pass() { echo "PASS: concurrency: $1 ($VARIANT)"; }
fail() { echo "FAIL: concurrency: $1 ($VARIANT): $2"; failed=1; }
skip() {
    if [ "${CI:-}" = true ]; then fail "$1" "$2 (CI=true)"; else echo "SKIP: concurrency: $1 ($VARIANT): $2"; fi
}

[ -x "$VIGIL" ] || { fail "binary" "$VIGIL not found"; exit 1; }
if ! command -v gdb >/dev/null; then
    skip "all" "gdb not installed (scripts/deps.d/hostile.txt)"
    exit $failed
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-concurrency.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1

# a root filesystem with one apk package, two mirrors with one advisory each for it, and a
# docker archive of the same files plus an 8 MiB file (so a truncation cuts into the layer)
python3 - <<'PY' || { fail "fixtures" "generator failed"; exit 1; }
import hashlib, io, json, os, tarfile
OS = b"ID=alpine\nVERSION_ID=3.20.3\n"
APK = b"P:foo\nV:1.0-r0\nA:x86_64\n\n"
os.makedirs("root/etc"); os.makedirs("root/lib/apk/db")
open("root/etc/os-release", "wb").write(OS)
open("root/lib/apk/db/installed", "wb").write(APK)
for name, vid in (("old", "GO-2099-0001"), ("new", "GO-2099-0002")):
    os.makedirs(name)
    osv = {"schema_version": "1.3.1", "id": vid, "modified": "2099-01-02T00:00:00Z",
           "published": "2099-01-01T00:00:00Z", "summary": "s", "details": "d",
           "affected": [{"package": {"ecosystem": "Alpine:3.20", "name": "foo"},
                         "ranges": [{"type": "ECOSYSTEM",
                                     "events": [{"introduced": "0"}, {"fixed": "2.0-r0"}]}]}]}
    ob = json.dumps(osv).encode()
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w:gz") as t:
        ti = tarfile.TarInfo("golang-vulndb/data/osv/%s.json" % vid)
        ti.size = len(ob)
        t.addfile(ti, io.BytesIO(ob))
    open(name + "/golang-vulndb.tar.gz", "wb").write(bio.getvalue())
def tarbytes(entries):
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w") as t:
        for n, data in entries:
            ti = tarfile.TarInfo(n); ti.size = len(data); t.addfile(ti, io.BytesIO(data))
    return bio.getvalue()
layer = tarbytes([("etc/os-release", OS), ("lib/apk/db/installed", APK),
                  ("opt/big.bin", os.urandom(8 << 20))])
cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                  "rootfs": {"type": "layers",
                             "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]}}).encode()
ch = hashlib.sha256(cfg).hexdigest()
man = json.dumps([{"Config": ch + ".json", "RepoTags": ["t:1"], "Layers": ["l/layer.tar"]}]).encode()
open("img.tar", "wb").write(tarbytes([("manifest.json", man), (ch + ".json", cfg),
                                      ("l/layer.tar", layer)]))
PY

if ! "$VIGIL" db update --from old --db "$TMP/v.db" >db.log 2>&1; then
    fail "fixtures" "db update --from old: $(tail -n 1 db.log)"
    exit 1
fi
ids() { grep -ao 'GO-2099-000[0-9]' "$1" | sort -u | tr '\n' ' '; }

# held GDBLOG BREAK SHELL ARGS...: runs vigil ARGS under gdb (stdout held.out, stderr
# held.err), stops at function BREAK, runs the shell command SHELL (the inferior's pid in
# file "pid"), resumes; sets RC (the scan's exit code, 999 if it did not exit) and HIT
held() {
    local log=$1 brk=$2 cmd=$3
    shift 3
    rm -f pid
    # LeakSanitizer cannot run under ptrace: leaks are checked by the other suites
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        timeout -k 5 "$HANG" gdb -q -batch -nx -ex 'set breakpoint pending on' -ex "break $brk" \
        -ex "run $(printf '%q ' "$@") >held.out 2>held.err" \
        -ex "python open('pid','w').write(str(gdb.selected_inferior().pid))" \
        -ex "shell $cmd" -ex continue -ex 'printf "vigil-exit=%d\n", $_exitcode' \
        "$VIGIL" >"$log" 2>&1
    RC=$(sed -n 's/^vigil-exit=\([0-9]*\)$/\1/p' "$log" | tail -n 1)
    [ -n "$RC" ] || RC=999
    HIT=0
    # "Thread N ... hit Breakpoint 1, F" once the process has threads (the engine loads
    # on its own thread while the image opens)
    grep -qE "(^|hit )Breakpoint 1, $brk" "$log" && HIT=1
}
# one_error FILE SUBSTRING: FILE is exactly one "vigil: error: ...SUBSTRING..." line
one_error() {
    [ "$(awk 'END { print NR }' "$1")" = 1 ] && grep -qE "^vigil: error: .*($2)" "$1"
}

# ---- 1. a scan during db update finishes on the old database ----
n="scan held at matching while db update replaces the database: finishes on the old file"
held upd.gdb vigil_match_run \
    "'$VIGIL' db update --from new --db '$TMP/v.db' >upd.out 2>&1; echo \$? >upd.rc; ls -l /proc/\$(cat pid)/fd >fds" \
    scan --scanners vuln --format json --db "$TMP/v.db" rootfs:root
if [ $HIT != 1 ]; then
    fail "$n" "the breakpoint was not reached: $(tail -n 3 upd.gdb | tr '\n' '|')"
elif [ "$(cat upd.rc 2>/dev/null)" != 0 ]; then
    fail "$n" "db update during the scan failed: $(tail -n 1 upd.out)"
elif ! grep -q -- "-> $TMP/v.db (deleted)" fds; then
    fail "$n" "the held scan does not hold the replaced database: $(grep v.db fds | tr '\n' '|')"
elif [ "$RC" != 0 ] || grep -qaE 'Sanitizer|runtime error:' held.err; then
    fail "$n" "exit $RC: $(head -c 300 held.err)"
elif [ "$(ids held.out)" != "GO-2099-0001 " ]; then
    fail "$n" "findings: '$(ids held.out)', want the old database's GO-2099-0001"
else
    pass "$n"
fi
n="the scan after the update reads the new database"
"$VIGIL" scan --scanners vuln --format json --db "$TMP/v.db" rootfs:root >after.out 2>after.err
if [ "$(ids after.out)" = "GO-2099-0002 " ]; then pass "$n"; else fail "$n" "findings: '$(ids after.out)'"; fi

# ---- 2. an image archive truncated under the scan ----
n="docker archive truncated under a scan (before its layer is read): one clear error"
cp img.tar t.tar
held trunc.gdb vigil_image__layer_read "truncate -s 4000000 '$TMP/t.tar'" \
    scan --scanners vuln,secret --format json --db "$TMP/v.db" "$TMP/t.tar"
if [ $HIT != 1 ]; then
    fail "$n" "the breakpoint was not reached: $(tail -n 3 trunc.gdb | tr '\n' '|')"
elif [ "$RC" = 2 ] && one_error held.err "truncated|ends early"; then
    pass "$n: $(head -c 120 held.err)"
else
    fail "$n" "exit $RC, stderr: $(head -c 300 held.err | tr '\n' '|')"
fi

# ---- 3. the database truncated under the scan ----
for sz in 0 8192; do
    n="database truncated to $sz bytes under a scan (at matching): one clear error"
    cp v.db w.db
    held w.gdb vigil_match_run "truncate -s $sz '$TMP/w.db'" \
        scan --scanners vuln --format json --db "$TMP/w.db" rootfs:root
    if [ $HIT != 1 ]; then
        fail "$n" "the breakpoint was not reached: $(tail -n 3 w.gdb | tr '\n' '|')"
    elif [ "$RC" = 2 ] && one_error held.err "database"; then
        pass "$n: $(head -c 120 held.err)"
    else
        fail "$n" "exit $RC, stderr: $(head -c 300 held.err | tr '\n' '|')"
    fi
done
exit $failed
