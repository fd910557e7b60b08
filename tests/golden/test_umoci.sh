#!/usr/bin/env bash
# Golden test: `vigil ls --format json` against umoci's own unpacking of the same image.
#
# For every image in <fixtures>/images.txt (built by tests/fixtures/build-images.sh):
#   - umoci unpacks the equivalent reference (an umoci-readable OCI layout and tag; for
#     docker-archive and zstd variants, the gzip OCI layout they were made from);
#     umoci_list.py walks BUNDLE/rootfs with lstat into vigil's JSON shape;
#   - vigil ls runs on the image twice, with the format prefix and auto-detected;
#     lscheck.py compare checks every field but "layer" (hardlinks matched by inode);
#   - where the fixture builder knows where paths came from (expect.json): "layer" of
#     known paths, and `--all-layers` (deleted / overwritten versions, removed_by).
# rootfs: images are compared with the walk of the directory itself; the edge image's
# umoci bundle is also listed as rootfs:.
#
# Prints PASS:/FAIL:/SKIP: lines (details of a failure follow, indented); exits 1 if
# anything failed. Environment: VIGIL (default build/vigil), VIGIL_CACHE, VIGIL_SHARED,
# PYTHON, VIGIL_TIMEOUT (seconds per vigil run, default 300).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/tests/golden"
VIGIL=${VIGIL:-build/vigil}
case "$VIGIL" in /*) ;; *) VIGIL="$ROOT/$VIGIL" ;; esac
PYTHON=${PYTHON:-/usr/bin/python3}
[ -x "$PYTHON" ] || PYTHON=python3
TIMEOUT=${VIGIL_TIMEOUT:-300}
FAILED=0
TMP=

# Check names carry the build directory when it is not build/ (e.g. build-asan).
LABEL=$(basename "$(dirname "$VIGIL")")
if [ "$LABEL" = build ]; then LABEL=; else LABEL=" ($LABEL)"; fi

pass() { printf 'PASS: %s%s\n' "$1" "$LABEL"; }
skip() { printf 'SKIP: %s%s: %s\n' "$1" "$LABEL" "$2"; }
# fail NAME TEXT: the first line of TEXT goes on the FAIL line, the rest below it.
fail() {
    local first rest
    first=${2%%$'\n'*}
    printf 'FAIL: %s%s: %s\n' "$1" "$LABEL" "$first"
    if [ "$first" != "$2" ]; then
        rest=${2#*$'\n'}
        printf '%s\n' "$rest" | sed 's/^/    /'
    fi
    FAILED=1
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() { [ -z "$TMP" ] || rm -rf "$TMP"; }

# run_vigil OUT ARGS...: vigil's stdout into OUT, stderr into OUT.err; prints why it
# failed (nothing on success).
run_vigil() {
    local out=$1 rc=0
    shift
    timeout "$TIMEOUT" "$VIGIL" "$@" >"$out" 2>"$out.err" || rc=$?
    if [ "$rc" -eq 124 ]; then
        printf 'timed out after %ss: vigil %s' "$TIMEOUT" "$*"
    elif [ "$rc" -ne 0 ]; then
        printf 'exit %d from: vigil %s\nstderr: %s' "$rc" "$*" "$(head -c 600 "$out.err")"
    fi
}

# ref_json REF: reference listing (JSON path) for "layout:tag" below $IMAGES, made once.
ref_json() {
    local ref=$1 name json bundle
    name=${ref//[:\/]/_}
    json="$TMP/ref-$name.json"
    if [ ! -f "$json" ]; then
        bundle="$TMP/bundle-$name"
        umoci unpack --image "$IMAGES/$ref" "$bundle" >/dev/null 2>"$TMP/umoci.err" || {
            printf 'umoci unpack %s failed: %s' "$ref" "$(head -c 600 "$TMP/umoci.err")" >&2
            return 1
        }
        "$PYTHON" "$HERE/umoci_list.py" --inodes "$bundle/rootfs" >"$json"
    fi
    printf '%s\n' "$json"
}

bundle_of() { local n=${1//[:\/]/_}; printf '%s\n' "$TMP/bundle-$n"; }

prefix_of() {
    case "$1" in
        oci) echo oci ;;
        oci-archive) echo oci-archive ;;
        docker-archive) echo docker-archive ;;
        rootfs) echo rootfs ;;
        *) return 1 ;;
    esac
}

has_expect() {
    "$PYTHON" -c 'import json,sys; sys.exit(0 if sys.argv[2] in json.load(open(sys.argv[1])) else 1)' \
        "$IMAGES/expect.json" "$1"
}

# check_ls NAME ARG REFJSON [compare options] -- VIGIL-OPTIONS...: one vigil ls against a
# reference; leaves the output in $TMP/last.json for further checks. Returns 1 on failure.
check_ls() {
    local name=$1 arg=$2 refjson=$3 why out="$TMP/last.json"
    shift 3
    local copts=()
    while [ "$1" != "--" ]; do copts+=("$1"); shift; done
    shift
    why=$(run_vigil "$out" ls "$arg" --format json "$@")
    if [ -n "$why" ]; then
        fail "$name" "$why"
        return 1
    fi
    if why=$("$PYTHON" "$HERE/lscheck.py" compare "$out" "$refjson" --image-arg "$arg" \
        "${copts[@]}"); then
        pass "$name"
    else
        fail "$name" "$why"
        return 1
    fi
}

# check_layers NAME EXPECT-KEY ARG VIGIL-OPTIONS...: layer indices and --all-layers.
check_layers() {
    local name=$1 key=$2 arg=$3 why
    shift 3
    cp "$TMP/last.json" "$TMP/plain.json"
    if why=$("$PYTHON" "$HERE/lscheck.py" layers "$TMP/plain.json" "$IMAGES/expect.json" "$key"); then
        pass "layers $name"
    else
        fail "layers $name" "$why"
    fi
    why=$(run_vigil "$TMP/all.json" ls "$arg" --format json --all-layers "$@")
    if [ -n "$why" ]; then
        fail "all-layers $name" "$why"
    elif why=$("$PYTHON" "$HERE/lscheck.py" all-layers "$TMP/all.json" "$TMP/plain.json" \
        "$IMAGES/expect.json" "$key"); then
        pass "all-layers $name"
    else
        fail "all-layers $name" "$why"
    fi
}

check_image_row() {
    local id=$1 format=$2 path=$3 ref=$4 vargs=$5 prefix refjson key full
    local -a extra=()
    [ -z "$vargs" ] || read -r -a extra <<<"$vargs"
    full="$IMAGES/$path"
    prefix=$(prefix_of "$format") || { fail "ls $id" "unknown format $format in images.txt"; return; }
    if [ "$ref" = - ]; then
        refjson="$TMP/walk-$id.json"
        "$PYTHON" "$HERE/umoci_list.py" --inodes "$full" >"$refjson"
        check_ls "ls $id [$prefix:]" "$prefix:$full" "$refjson" --loose-hardlinks -- \
            "${extra[@]}" || true
        check_ls "ls $id [auto-detected]" "$full" "$refjson" --loose-hardlinks -- \
            "${extra[@]}" || true
        return
    fi
    if ! refjson=$(ref_json "$ref" 2>"$TMP/ref.err"); then
        fail "ls $id" "$(cat "$TMP/ref.err")"
        return
    fi
    key=${ref#*:}
    check_ls "ls $id [auto-detected]" "$full" "$refjson" -- "${extra[@]}" || true
    if check_ls "ls $id [$prefix:]" "$prefix:$full" "$refjson" -- "${extra[@]}" ||
        [ -s "$TMP/last.json" ]; then
        if has_expect "$key"; then
            check_layers "$id" "$key" "$prefix:$full" "${extra[@]}"
        fi
    fi
}

main() {
    local id format path ref vargs bundle refjson
    umask 022
    if [ "$(id -u)" -ne 0 ]; then
        skip "golden umoci" "needs root (umoci unpack must create devices and keep owners)"
        exit 0
    fi
    if ! command -v umoci >/dev/null; then
        skip "golden umoci" "umoci is not installed"
        exit 0
    fi
    if ! IMAGES=$("$ROOT/tests/fixtures/build-images.sh"); then
        fail "fixtures" "tests/fixtures/build-images.sh failed (see its stderr)"
        exit 1
    fi
    pass "fixtures ($IMAGES)"
    if [ ! -x "$VIGIL" ]; then
        fail "vigil binary" "$VIGIL not found or not executable (build it first)"
        exit 1
    fi
    TMP=$(mktemp -d)
    trap cleanup EXIT
    # one consistent binary for the whole run, even if a rebuild replaces it meanwhile
    cp "$VIGIL" "$TMP/vigil"
    VIGIL="$TMP/vigil"
    while IFS=$'\t' read -r id format path ref vargs; do
        case "$id" in '#'* | '') continue ;; esac
        check_image_row "$id" "$format" "$path" "$ref" "${vargs:-}"
    done <"$IMAGES/images.txt"
    # umoci's unpacked edge bundle as a plain root directory
    if refjson=$(ref_json ref:edge 2>/dev/null); then
        bundle=$(bundle_of ref:edge)
        check_ls "ls rootfs:<umoci bundle of ref:edge>" "rootfs:$bundle/rootfs" "$refjson" \
            --loose-hardlinks -- || true
    fi
    exit "$FAILED"
}

main "$@"
