#!/usr/bin/env bash
# Hostile inputs: every malformed or malicious image must end in exit code 2 with one clear
# line on stderr (`vigil: error: ...` containing the contract's substring), without a crash,
# a sanitizer report or unbounded memory. See docs/TESTING-CONTRACT.md.
#
# Fixtures come from make-hostile.py (cached under ${VIGIL_CACHE:-$HOME/.cache/vigil}).
# Environment:
#   VIGIL                   binary under test (default build/vigil); an ASan build is recognised
#                           by "asan" in its path, and then the RSS bound is not checked
#   VIGIL_HOSTILE_RSS_MB    peak RSS bound per run in MB (default 150)
#   VIGIL_HOSTILE_TIMEOUT   hang guard in seconds (default 600, 0 = none). This is not a
#                           performance threshold: it only turns a hang into a FAIL line.
#   PYTHON                  python3 used for the fixture generator and JSON checks
#   VIGIL_HOSTILE_VERBOSE=1 after each check, a '#' line with exit code, peak RSS and stderr
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VIGIL=${VIGIL:-$ROOT/build/vigil}
case $VIGIL in /*) ;; *) VIGIL=$ROOT/$VIGIL ;; esac
PY=${PYTHON:-python3}
RSS_MB=${VIGIL_HOSTILE_RSS_MB:-150}
HANG=${VIGIL_HOSTILE_TIMEOUT:-600}
TIME=/usr/bin/time

# the build variant (build, build-asan) ends every check name, as tests/run.sh runs both
VARIANT=$(basename "$(dirname "$VIGIL")")
failed=0
pass() { echo "PASS: $1 ($VARIANT)"; }
fail() { echo "FAIL: $1 ($VARIANT): $2"; failed=1; }
skip() { echo "SKIP: $1 ($VARIANT): $2"; }

if [ ! -x "$VIGIL" ]; then
    fail "hostile: binary" "$VIGIL not found or not executable (run make)"
    exit 1
fi
if [ ! -x "$TIME" ]; then
    fail "hostile: GNU time" "$TIME not found (apt-get install time)"
    exit 1
fi

check_rss=1
case $VIGIL in *asan*) check_rss=0 ;; esac

if ! H=$("$PY" "$HERE/make-hostile.py"); then
    fail "hostile: fixtures" "make-hostile.py failed"
    exit 1
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-hostile.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# run ARGS... : runs vigil, sets RC, RSS_KB; stdout in $TMP/out, stderr in $TMP/err
run() {
    : >"$TMP/time"
    "$TIME" -f '%M' -o "$TMP/time" timeout -k 10 "$HANG" "$VIGIL" "$@" >"$TMP/out" 2>"$TMP/err"
    RC=$?
    RSS_KB=$(tail -n 1 "$TMP/time" 2>/dev/null)
    case $RSS_KB in ''|*[!0-9]*) RSS_KB=0 ;; esac
    if [ "${VIGIL_HOSTILE_VERBOSE:-0}" = 1 ]; then
        echo "# vigil $(printf '%q ' "$@" | sed "s|$H/||g"): exit $RC, peak RSS $((RSS_KB / 1024)) MB, stderr: $(err_excerpt)"
    fi
}

# A short, printable rendering of stderr for FAIL lines.
err_excerpt() {
    head -c 300 "$TMP/err" | cat -v | tr '\n' '|'
    [ "$(wc -c <"$TMP/err")" -gt 300 ] && printf '...'
}

# Problems every run is checked for; appends to $why.
common_checks() {
    why=""
    if [ "$RC" -eq 124 ]; then
        why="no exit within ${HANG}s (hang guard, VIGIL_HOSTILE_TIMEOUT)"
        return
    fi
    if [ "$RC" -ge 128 ]; then
        why="killed by signal $((RC - 128)) (exit $RC)"
    fi
    if grep -qaE 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|MemorySanitizer|ThreadSanitizer|runtime error:' "$TMP/err"; then
        why="${why:+$why; }sanitizer report in stderr"
    fi
    if [ "$check_rss" = 1 ] && [ "$RSS_KB" -gt $((RSS_MB * 1024)) ]; then
        why="${why:+$why; }peak RSS $((RSS_KB / 1024)) MB > ${RSS_MB} MB"
    fi
}

# The stderr of a failed run: exactly one line, `vigil: error: `, one of the substrings
# (alternatives separated by '|'), no raw control characters, at most 1024 bytes.
error_line_checks() {
    local subs=$1 lines first found=0 alt
    lines=$(awk 'END { print NR }' "$TMP/err")
    if [ "$lines" -ne 1 ]; then
        why="${why:+$why; }stderr has $lines lines, expected 1"
    fi
    first=$(head -n 1 "$TMP/err")
    case $first in
        "vigil: error: "*) ;;
        *) why="${why:+$why; }stderr does not start with 'vigil: error: '" ;;
    esac
    local IFS='|'
    for alt in $subs; do
        if grep -qaF -- "$alt" "$TMP/err"; then found=1; fi
    done
    unset IFS
    if [ -n "$subs" ] && [ "$found" = 0 ]; then
        why="${why:+$why; }stderr lacks '$subs'"
    fi
    if LC_ALL=C grep -qaP '[\x00-\x08\x0b-\x1f\x7f]' "$TMP/err"; then
        why="${why:+$why; }raw control characters in stderr"
    fi
    if [ "$(head -n 1 "$TMP/err" | wc -c)" -gt 1025 ]; then
        why="${why:+$why; }error line longer than 1024 bytes"
    fi
}

# expect_error NAME SUBSTRINGS ARGS... : exit 2, one clear error line.
expect_error() {
    local name=$1 subs=$2
    shift 2
    run "$@"
    common_checks
    if [ "$RC" -ne 124 ] && [ "$RC" -lt 128 ]; then
        [ "$RC" -ne 2 ] && why="${why:+$why; }exit $RC, expected 2"
        error_line_checks "$subs"
    fi
    if [ -n "$why" ]; then
        fail "$name" "$why [stderr: $(err_excerpt)]"
    else
        pass "$name"
    fi
}

# expect_ok NAME PYCHECK ARGS... : exit 0, nothing on stderr, and the python expression
# PYCHECK (over `j`, the parsed stdout, or `out`, the text) true when given.
expect_ok() {
    local name=$1 pycheck=$2
    shift 2
    run "$@"
    common_checks
    if [ "$RC" -ne 124 ] && [ "$RC" -ne 0 ] && [ "$RC" -lt 128 ]; then
        why="${why:+$why; }exit $RC, expected 0"
    fi
    if [ "$RC" -eq 0 ] && [ -s "$TMP/err" ]; then
        why="${why:+$why; }unexpected stderr"
    fi
    if [ "$RC" -eq 0 ] && [ -n "$pycheck" ]; then
        local res
        res=$("$PY" - "$TMP/out" "$pycheck" <<'EOF' 2>&1
import json, sys
out = open(sys.argv[1], encoding="utf-8", errors="replace").read()
try:
    j = json.loads(out)
except ValueError as e:
    j = None
    if "j" in sys.argv[2]:
        print("stdout is not JSON: %s" % e); sys.exit(0)
files = {x.get("path"): x for x in (j or {}).get("files", [])} if isinstance(j, dict) else {}
ok = eval(sys.argv[2])
print("ok" if ok else "output check failed: " + sys.argv[2])
EOF
)
        [ "$res" = ok ] || why="${why:+$why; }$res"
    fi
    if [ -n "$why" ]; then
        fail "$name" "$why [stderr: $(err_excerpt)]"
    else
        pass "$name"
    fi
}

# expect_survive NAME ARGS... : exit 0, or exit 2 with one clean error line; never a crash.
expect_survive() {
    local name=$1
    shift
    run "$@"
    common_checks
    if [ "$RC" -eq 2 ]; then
        error_line_checks ""
    elif [ "$RC" -ne 0 ] && [ "$RC" -ne 124 ] && [ "$RC" -lt 128 ]; then
        why="${why:+$why; }exit $RC, expected 0 or 2"
    fi
    if [ -n "$why" ]; then
        fail "$name" "$why [stderr: $(err_excerpt)]"
    else
        pass "$name (exit $RC)"
    fi
}

# --- controls: the fixtures' good variants must work -----------------------------------------
expect_ok "hostile: good: ls json" \
    '"/etc/added" in files and "/etc/motd" not in files and files.get("/bin/sh-hardlink", {}).get("type") == "hardlink"' \
    ls "$H/good" --format json
expect_ok "hostile: good: ls oci: prefix" "" ls "oci:$H/good"
expect_ok "hostile: good: inspect" "" inspect "$H/good"
expect_ok "hostile: da-good: ls json" '"/etc/added" in files and "/etc/motd" not in files' \
    ls "$H/da-good.tar" --format json
expect_ok "hostile: da-good: ls docker-archive: prefix" "" ls "docker-archive:$H/da-good.tar"

# --- unsafe paths ------------------------------------------------------------------------------
expect_error "hostile: unsafe-dotdot: ls" "unsafe path" ls "$H/unsafe-dotdot"
expect_error "hostile: unsafe-abs: ls" "unsafe path" ls "$H/unsafe-abs"
expect_error "hostile: unsafe-hardlink: ls" "unsafe path" ls "$H/unsafe-hardlink"
expect_error "hostile: unsafe-ctrl: ls (escapes and newline in the name)" "unsafe path" \
    ls "$H/unsafe-ctrl"
expect_error "hostile: da-unsafe-dotdot: ls" "unsafe path" ls "$H/da-unsafe-dotdot.tar"

# A symlink to ../../../../etc followed by evil/passwd must stay inside the image root: either
# /etc/passwd of the image (what containerd and umoci produce) or a refusal.
run ls "$H/symlink-escape" --format json
if [ "$RC" -eq 0 ]; then
    expect_ok "hostile: symlink-escape: ls resolves inside the root" \
        '"/etc/passwd" in files and not any(".." in p.split("/") for p in files)' \
        ls "$H/symlink-escape" --format json
else
    expect_error "hostile: symlink-escape: ls refuses" "unsafe path" ls "$H/symlink-escape"
fi

# --- symlink loops -------------------------------------------------------------------------------
expect_error "hostile: symlink-loop: ls" "symbolic link loop" ls "$H/symlink-loop"
expect_error "hostile: symlink-loop: ls /a/x" "symbolic link loop" ls "$H/symlink-loop" /a/x
expect_ok "hostile: symlink-loop-only: ls (loops alone are valid)" \
    'files.get("/a", {}).get("type") == "symlink" and files.get("/c", {}).get("link") == "c"' \
    ls "$H/symlink-loop-only" --format json
expect_error "hostile: symlink-loop-only: ls /a/x" "symbolic link loop" ls "$H/symlink-loop-only" /a/x
expect_error "hostile: symlink-loop-only: ls /c/y" "symbolic link loop" ls "$H/symlink-loop-only" /c/y

# --- integrity ---------------------------------------------------------------------------------
expect_error "hostile: truncated-gzip: ls" "truncated" ls "$H/truncated-gzip"
expect_error "hostile: tar-8g-claim-gzip: ls" "truncated" ls "$H/tar-8g-claim-gzip"
expect_error "hostile: tar-8g-claim-plain: ls" "truncated" ls "$H/tar-8g-claim-plain"
# headers whose own data (PAX records, a GNU long name) claims 1 GiB: must not be allocated
expect_error "hostile: tar-pax-huge: ls" "truncated|too large" ls "$H/tar-pax-huge"
expect_error "hostile: tar-longname-huge: ls" "truncated|too large" ls "$H/tar-longname-huge"
expect_error "hostile: digest-mismatch-blob: ls" "digest mismatch" ls "$H/digest-mismatch-blob"
expect_error "hostile: digest-mismatch-diffid: ls" "digest mismatch" ls "$H/digest-mismatch-diffid"

# --- limits ------------------------------------------------------------------------------------
expect_error "hostile: bomb-small: ls --max-bytes 256K" "--max-bytes" \
    ls "$H/bomb-small" --max-bytes 256K
expect_error "hostile: bomb-big: ls --max-bytes 10M" "--max-bytes" ls "$H/bomb-big" --max-bytes 10M
expect_ok "hostile: bomb-big: ls with default limits (100 MB file, memory flat)" \
    'files.get("/zeros", {}).get("size") == 100 << 20' ls "$H/bomb-big" --format json
expect_error "hostile: many-files: ls (1,000,000 entries, default --max-files)" "--max-files" \
    ls "$H/many-files"
for v in pax gnu; do
    # With default limits a 20,001-byte, 10,000-deep path breaks both the depth and the length
    # limit; either may be reported. With the length limit lifted, it must be --max-depth.
    expect_error "hostile: deep-path-$v: ls" "--max-depth|--max-path" ls "$H/deep-path-$v"
    expect_error "hostile: deep-path-$v: ls --max-path 100000" "--max-depth" \
        ls "$H/deep-path-$v" --max-path 100000
    expect_survive "hostile: deep-path-$v: ls with limits raised (no crash)" \
        ls "$H/deep-path-$v" --max-depth 20000 --max-path 100000 --format json
done

# --- missing blobs -----------------------------------------------------------------------------
expect_error "hostile: missing-layer-blob: ls" "missing blob" ls "$H/missing-layer-blob"
for c in missing-config-blob missing-manifest-blob; do
    expect_error "hostile: $c: ls" "missing blob" ls "$H/$c"
    expect_error "hostile: $c: inspect" "missing blob" inspect "$H/$c"
done
expect_error "hostile: da-layer-outside: ls (layer ../../../../etc/passwd)" \
    "missing blob|unsafe path" ls "$H/da-layer-outside.tar"

# --- malformed and oversized JSON --------------------------------------------------------------
for c in malformed-index malformed-manifest malformed-config; do
    expect_error "hostile: $c: ls" "malformed JSON" ls "$H/$c"
    expect_error "hostile: $c: inspect" "malformed JSON" inspect "$H/$c"
done
expect_error "hostile: da-manifest-notjson: ls" "malformed JSON" ls "$H/da-manifest-notjson.tar"
expect_error "hostile: da-manifest-notjson: inspect" "malformed JSON" \
    inspect "docker-archive:$H/da-manifest-notjson.tar"
for c in huge-manifest huge-config; do
    expect_error "hostile: $c: ls (100 MB JSON)" "too large" ls "$H/$c"
    expect_error "hostile: $c: inspect (100 MB JSON)" "too large" inspect "$H/$c"
done

[ "$check_rss" = 1 ] || skip "hostile: peak RSS bound" "ASan build ($VIGIL): RSS not checked"

exit $failed
