#!/usr/bin/env bash
# Evasions: ways to hide a layer, a package or a secret from the scanner (issue 22). For each
# image built by make-evasion.py, Vigil either finds what is hidden or refuses the image with
# one clear error, and what it shows agrees with what the runtime would run (`umoci unpack`,
# `skopeo copy` for docker archives) and what dpkg sees (`dpkg-query --admindir` on the status
# file as the kernel resolves it inside the unpacked root: chroot).
#
# Environment: VIGIL (default build/vigil), PYTHON (python3 for the generator and checks),
# CI=true (a missing umoci/skopeo/dpkg-query is a FAIL, not a SKIP), VIGIL_EVASION_VERBOSE=1,
# VIGIL_EVASION_ONLY=REGEX (only the cases whose name matches; for trying a deliberate bug),
# VIGIL_EVASION_RSS_MB (peak RSS ceiling of the padded databases, default 120).
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VIGIL=${VIGIL:-$ROOT/build/vigil}
case $VIGIL in /*) ;; *) VIGIL=$ROOT/$VIGIL ;; esac
PY=${PYTHON:-python3}
TIME=/usr/bin/time
RSS_MB=${VIGIL_EVASION_RSS_MB:-120} # peak RSS ceiling for the padded and huge-field databases
VARIANT=$(basename "$(dirname "$VIGIL")")
failed=0
pass() { echo "PASS: evasion: $1 ($VARIANT)"; }
fail() { echo "FAIL: evasion: $1 ($VARIANT): $2"; failed=1; }
skip() {
    if [ "${CI:-}" = true ]; then fail "$1" "$2 (CI=true)"; else echo "SKIP: evasion: $1 ($VARIANT): $2"; fi
}

[ -x "$VIGIL" ] || { fail "binary" "$VIGIL not found"; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-evasion.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
E=$TMP/images
if ! "$PY" "$HERE/make-evasion.py" "$E" >"$TMP/gen.log" 2>&1; then
    fail "fixtures" "make-evasion.py failed: $(tail -n 3 "$TMP/gen.log")"
    exit 1
fi
if [ -n "${VIGIL_EVASION_ONLY:-}" ]; then
    grep -E "^[^	]*(${VIGIL_EVASION_ONLY})" "$E/CASES" >"$E/CASES.only"
    mv "$E/CASES.only" "$E/CASES"
fi

have_umoci=0; command -v umoci >/dev/null && have_umoci=1
have_skopeo=0; command -v skopeo >/dev/null && have_skopeo=1
have_dpkg=0; command -v dpkg-query >/dev/null && have_dpkg=1

# run ARGS... : vigil with stdout in $TMP/out, stderr in $TMP/err, RC and RSS_KB set
run() {
    "$TIME" -f '%M' -o "$TMP/time" timeout -k 10 600 "$VIGIL" "$@" >"$TMP/out" 2>"$TMP/err"
    RC=$?
    RSS_KB=$(tail -n 1 "$TMP/time" 2>/dev/null)
    if [ "${VIGIL_EVASION_VERBOSE:-0}" = 1 ]; then
        echo "# vigil $* -> rc=$RC rss=${RSS_KB}KB: $(head -c 300 "$TMP/err")"
    fi
}

# one_error SUBSTRING: exit 2, exactly one stderr line, starting "vigil: error: ", with SUBSTRING
one_error() {
    [ "$RC" = 2 ] || { echo "exit $RC, want 2"; return 1; }
    [ "$(wc -l <"$TMP/err")" = 1 ] || { echo "stderr has $(wc -l <"$TMP/err") lines"; return 1; }
    grep -q "^vigil: error: .*$1" "$TMP/err" || { echo "stderr lacks '$1': $(head -c 300 "$TMP/err")"; return 1; }
}

# runtime_files IMAGE_DIR OUT: the files umoci unpacks (sorted paths), rc 0 if it unpacked
runtime_files() {
    rm -rf "$TMP/bundle"
    umoci unpack --image "$1:latest" "$TMP/bundle" >"$TMP/umoci.log" 2>&1 || return 1
    (cd "$TMP/bundle/rootfs" && find . -mindepth 1 ! -type d | sed 's|^\.||' | sort) >"$2"
}

# vigil_files IMAGE OUT: the files vigil ls lists (sorted paths, no directories)
vigil_files() {
    run ls "$1" --format json
    [ "$RC" = 0 ] || return 1
    "$PY" -c 'import json,sys
for f in json.load(open(sys.argv[1]))["files"]:
    if f["type"] != "dir": print(f["path"])' "$TMP/out" | sort >"$2"
}

# ---- JSON differentials and descriptor sizes ----------------------------------------------
while IFS=$'\t' read -r name expect what; do
    case $name in json-*|size-*|da-*) ;; *) continue ;; esac
    img=$E/$name
    [ -e "$img" ] || img=$E/$name.tar
    # what the runtime would run: umoci for layouts, skopeo (Go's docker-archive reader) first
    # for docker archives
    rt=none
    if [ -d "$img" ] && [ $have_umoci = 1 ]; then
        runtime_files "$img" "$TMP/rt" && rt=ok || rt=refused
    elif [ -f "$img" ] && [ $have_umoci = 1 ] && [ $have_skopeo = 1 ]; then
        rm -rf "$TMP/conv"
        if skopeo copy -q "docker-archive:$img" "oci:$TMP/conv:latest" >"$TMP/skopeo.log" 2>&1; then
            runtime_files "$TMP/conv" "$TMP/rt" && rt=ok || rt=refused
        else
            rt=refused
        fi
    fi
    case $expect in
    refuse)
        run ls "$img"
        case $name in size-*) sub="size" ;; *) sub="malformed JSON" ;; esac
        if why=$(one_error "$sub"); then pass "$name: refused ($what)"; else fail "$name: refused ($what)" "$why"; fi
        case $name in
        json-layers-*|json-diffids-*|json-index-*|da-layers-*)
            # the evasion is real: the runtime runs the layer a case-sensitive reader skips
            if [ $rt = none ]; then skip "$name: runtime runs the hidden layer" "umoci/skopeo not installed"
            elif [ $rt = ok ] && grep -qx /evil.txt "$TMP/rt"; then pass "$name: runtime runs the hidden layer (so refusing matters)"
            else fail "$name: runtime runs the hidden layer" "runtime: $rt; $(tail -n 1 "$TMP/umoci.log" 2>/dev/null)"
            fi ;;
        size-*-neg)
            # -1 is "unknown size" to umoci: it unpacks; vigil refuses (the safe side, docs)
            if [ $rt = none ]; then skip "$name: umoci reads size -1 as unknown" "umoci not installed"
            elif [ $rt = ok ]; then pass "$name: umoci unpacks it (size -1: unknown), vigil refuses by choice"
            else fail "$name: umoci reads size -1 as unknown" "umoci: $(tail -n 1 "$TMP/umoci.log")"
            fi ;;
        size-*)
            # a wrong size: umoci's verified reader refuses the blob too
            if [ $rt = none ]; then skip "$name: umoci unpack refuses it too" "umoci not installed"
            elif [ $rt = refused ]; then pass "$name: umoci unpack refuses it too"
            else fail "$name: umoci unpack refuses it too" "umoci unpacked it"
            fi ;;
        esac ;;
    read)
        if ! vigil_files "$img" "$TMP/vf"; then
            fail "$name: read as the runtime reads it ($what)" "vigil exit $RC: $(head -c 300 "$TMP/err")"
        elif [ $rt = none ]; then
            skip "$name: read as the runtime reads it ($what)" "umoci/skopeo not installed"
        elif [ $rt = ok ] && cmp -s "$TMP/vf" "$TMP/rt"; then
            pass "$name: same files as the runtime ($what)"
        else
            fail "$name: same files as the runtime ($what)" "vigil: $(tr '\n' ' ' <"$TMP/vf") runtime ($rt): $(tr '\n' ' ' <"$TMP/rt" 2>/dev/null)"
        fi ;;
    esac
done <"$E/CASES"

# ---- package databases: padding, huge fields, symlinks ---------------------------------
# the packages vigil sbom finds, "name version" sorted
vigil_pkgs() {
    "$PY" -c 'import json,sys
for p in json.load(open(sys.argv[1]))["packages"]: print(p["name"], p["version"])' "$TMP/out" | sort
}
# the database file as the kernel resolves PATH inside ROOT (chroot), written to OUT
chroot_cat() {
    "$PY" -c 'import os,shutil,sys
out = open(sys.argv[3], "wb")
os.chroot(sys.argv[1]); os.chdir("/")
with open(sys.argv[2], "rb") as f: shutil.copyfileobj(f, out)' "$1" "$2" "$3"
}

while IFS=$'\t' read -r name expect what; do
    case $expect in packages|refuse-loop|refuse-big) ;; *) continue ;; esac
    img=$E/$name
    case $expect in
    refuse-big)
        run sbom "$img" --max-file-size 4K --format json
        if why=$(one_error "rpmdb.sqlite' is a package database of"); then pass "$name: an oversized rpm database stops the scan with its name"
        else fail "$name: an oversized rpm database stops the scan with its name" "$why"; fi
        continue ;;
    refuse-loop)
        run sbom "$img" --format json
        if why=$(one_error "symbolic link loop"); then pass "$name: refused ($what)"; else fail "$name: refused ($what)" "$why"; fi
        continue ;;
    esac
    run sbom "$img" --format json
    if [ "$RC" != 0 ]; then
        fail "$name: packages found ($what)" "exit $RC: $(head -c 300 "$TMP/err")"
        continue
    fi
    vigil_pkgs >"$TMP/vp"
    n=$(wc -l <"$TMP/vp")
    if [ "$n" = 5 ]; then pass "$name: 5 packages found ($what; peak RSS ${RSS_KB} KB)"
    else fail "$name: 5 packages found ($what)" "vigil found $n: $(tr '\n' ' ' <"$TMP/vp")"; fi
    case $name in pad-*|bigline-*) # memory stays flat (not checked for ASan builds)
        case $VIGIL in *asan*) ;; *)
            if [ "${RSS_KB:-0}" -le $((RSS_MB * 1024)) ] 2>/dev/null; then
                pass "$name: peak RSS $((RSS_KB / 1024)) MB <= $RSS_MB MB"
            else
                fail "$name: peak RSS <= $RSS_MB MB" "peak RSS ${RSS_KB} KB"
            fi ;;
        esac ;;
    esac
    # what the package manager sees in the unpacked image
    if [ $have_umoci = 0 ]; then skip "$name: agrees with the package manager" "umoci not installed"; continue; fi
    rm -rf "$TMP/bundle" "$TMP/admin"
    if ! umoci unpack --image "$img:latest" "$TMP/bundle" >"$TMP/umoci.log" 2>&1; then
        fail "$name: agrees with the package manager" "umoci unpack failed: $(tail -n 1 "$TMP/umoci.log")"
        continue
    fi
    mkdir -p "$TMP/admin"
    case $name in
    *apk*)
        chroot_cat "$TMP/bundle/rootfs" /lib/apk/db/installed "$TMP/admin/installed" || true
        "$PY" -c 'import sys
name = None
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    if line.startswith("P:"): name = line[2:].strip()
    elif line.startswith("V:") and name: print(name, line[2:].strip()); name = None' "$TMP/admin/installed" | sort >"$TMP/pm"
        tool="the apk database as the kernel resolves it" ;;
    *statusd*)
        # distroless: one stanza file per package; dpkg-query does not read status.d
        for f in $(cd "$TMP/bundle/rootfs/opt/db/status.d" && ls); do
            chroot_cat "$TMP/bundle/rootfs" "/var/lib/dpkg/status.d/$f" "$TMP/admin/$f" || true
        done
        cat "$TMP/admin"/* | awk '/^Package:/ { n = $2 } /^Version:/ { print n, $2 }' | sort >"$TMP/pm"
        tool="the status.d files as the kernel resolves them" ;;
    *)
        if [ $have_dpkg = 0 ]; then skip "$name: agrees with dpkg-query" "dpkg-query not installed"; continue; fi
        chroot_cat "$TMP/bundle/rootfs" /var/lib/dpkg/status "$TMP/admin/status" || true
        dpkg-query --admindir="$TMP/admin" -W -f '${db:Status-Status} ${Package} ${Version}\n' 2>"$TMP/dq.err" |
            awk '$1 == "installed" { print $2, $3 }' | sort >"$TMP/pm"
        tool="dpkg-query --admindir" ;;
    esac
    if [ -s "$TMP/pm" ] && cmp -s "$TMP/vp" "$TMP/pm"; then pass "$name: same packages as $tool"
    else fail "$name: same packages as $tool" "vigil: $(tr '\n' ' ' <"$TMP/vp") / $tool: $(tr '\n' ' ' <"$TMP/pm")"; fi
    rm -rf "$TMP/bundle" "$TMP/admin"
done <"$E/CASES"

# ---- vigil inspect shows config secrets redacted, as scan reports them ---------------------
token=$(cat "$E/env-secret.token")
for fmt in table json; do
    run inspect "$E/env-secret" --format $fmt
    if [ "$RC" != 0 ]; then
        fail "inspect --format $fmt: Env and history secrets redacted" "exit $RC: $(head -c 300 "$TMP/err")"
    elif grep -qF "$token" "$TMP/out"; then
        fail "inspect --format $fmt: Env and history secrets redacted" "the token is printed"
    elif ! grep -q "GITHUB_TOKEN=${token:0:2}\*" "$TMP/out"; then
        fail "inspect --format $fmt: Env and history secrets redacted" "no redacted GITHUB_TOKEN entry"
    else
        pass "inspect --format $fmt: Env and history secrets redacted"
    fi
done

exit $failed
