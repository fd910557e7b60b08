#!/usr/bin/env bash
# Image intake benchmark: `vigil ls IMAGE --format json` against plain decompression of the same
# layer blobs (`gzip -dc`, sequentially, and `igzip -dc` for reference). Prints a markdown table
# of medians, and the machine, ready to paste into BENCHMARKS.md.
#
# Usage: bench/intake.sh [-n RUNS] [IMAGE...]
#   IMAGE   an OCI layout directory, a docker-archive or oci-archive tarball, optionally with
#           its vigil prefix (oci:, docker-archive:, oci-archive:); default: the three images of
#           tests/fixtures/make-bench-images.sh (about 30 MB, 300 MB and 1 GB of gzip layers)
#   -n      runs per command (default $BENCH_RUNS or 5); the median is reported
# Environment:
#   VIGIL             binary (default build/vigil, built with make if needed)
#   BENCH_VIGIL_ARGS  extra arguments for vigil ls (e.g. "--max-bytes 20G")
#   BENCH_RAW         file to append every measurement to (tab-separated: image, command,
#                     wall s, peak RSS KB, user+sys CPU s)
# Wall time is taken around each run (ns clock), peak RSS with GNU time (%M). The page cache is
# warmed first (one untimed pass over the blobs and one untimed vigil run); runs are interleaved
# (vigil, gzip, igzip, vigil, ...). Non-gzip layers are decompressed with zstd -dc or cat.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
RUNS=${BENCH_RUNS:-5}
PY=${PYTHON:-python3}
TIME=/usr/bin/time

while getopts n:h opt; do
    case $opt in
        n) RUNS=$OPTARG ;;
        *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
case $RUNS in ''|*[!0-9]*|0) echo "intake.sh: -n needs a positive number" >&2; exit 2 ;; esac

log() { echo "intake.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

[ -x "$TIME" ] || die "$TIME (GNU time) not found"
command -v gzip >/dev/null || die "gzip not found"
have_igzip=0
command -v igzip >/dev/null && have_igzip=1

if [ -z "${VIGIL:-}" ]; then
    VIGIL=$ROOT/build/vigil
    log "building vigil (make -C $ROOT)"
    make -C "$ROOT" -j"$(nproc)" >&2 || die "make failed"
fi
[ -x "$VIGIL" ] || die "$VIGIL not found"
# shellcheck disable=SC2206
EXTRA=(${BENCH_VIGIL_ARGS:-})

images=("$@")
if [ ${#images[@]} -eq 0 ]; then
    mapfile -t images < <("$ROOT/tests/fixtures/make-bench-images.sh")
    [ ${#images[@]} -gt 0 ] || die "make-bench-images.sh produced no images"
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# layers IMAGE OUTDIR: print the paths of the image's layer blobs, in order (archives are
# unpacked into OUTDIR first, untimed).
LAYERS_PY=$(cat <<'PYEOF'
import json, os, sys
root = sys.argv[1]
def blob(d):
    return os.path.join(root, "blobs", d.split(":", 1)[0], d.split(":", 1)[1])
if os.path.exists(os.path.join(root, "index.json")) and os.path.isdir(os.path.join(root, "blobs")):
    doc = json.load(open(os.path.join(root, "index.json")))
    while "manifests" in doc:                      # index (nested indexes too): linux/amd64 or first
        ms = doc["manifests"]
        pick = [m for m in ms if m.get("platform", {}).get("os") == "linux" and
                m.get("platform", {}).get("architecture") == "amd64"] or ms
        doc = json.load(open(blob(pick[0]["digest"])))
    for l in doc["layers"]:
        print(blob(l["digest"]))
elif os.path.exists(os.path.join(root, "manifest.json")):
    m = json.load(open(os.path.join(root, "manifest.json")))[0]
    for l in m["Layers"]:
        print(os.path.join(root, l))
else:
    sys.exit("no OCI index.json or docker manifest.json in " + root)
PYEOF
)

layers_of() {
    local img=$1 out=$2 path
    path=${img#docker-archive:}
    path=${path#oci-archive:}
    path=${path#oci:}
    path=${path%%:*}   # a ":tag" suffix
    [ -e "$path" ] || path=${1#*:}
    if [ -d "$path" ]; then
        "$PY" -c "$LAYERS_PY" "$path"
    elif [ -f "$path" ]; then
        mkdir -p "$out"
        tar -xf "$path" -C "$out" || die "cannot unpack $path"
        "$PY" -c "$LAYERS_PY" "$out"
    else
        log "$img: not a directory or a tarball"
        return 1
    fi
}

decompressor() { # decompressor BLOB IGZIP(0/1): the command that decompresses it to stdout
    local magic
    magic=$(head -c 4 "$1" | od -An -tx1 | tr -d ' \n')
    case $magic in
        1f8b*) if [ "$2" = 1 ]; then echo "igzip -dc"; else echo "gzip -dc"; fi ;;
        28b52ffd) echo "zstd -dc" ;;
        *) echo "cat" ;;
    esac
}

# measure CMD...: run once; sets WALL (s), RSS (KB) and CPU (user+sys s); stdout to /dev/null.
# Returns the command's exit code.
measure() {
    local t0 t1 rc
    t0=$(date +%s%N)
    set +e
    "$TIME" -f '%M %U %S' -o "$TMP/time" "$@" >/dev/null 2>"$TMP/err"
    rc=$?
    set -e
    t1=$(date +%s%N)
    WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    set -- $(tail -n 1 "$TMP/time")
    RSS=${1:-0}
    CPU=$(awk -v u="${2:-0}" -v s="${3:-0}" 'BEGIN { printf "%.2f", u + s }')
    return $rc
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# decompress_all CMDFILE: runs the per-layer decompression commands sequentially into stdout
cat >"$TMP/decompress.sh" <<'EOF'
#!/bin/sh
# $1: file of "command<TAB>blob" lines
while IFS='	' read -r cmd blob; do
    $cmd <"$blob" || exit 1
done <"$1"
EOF
chmod +x "$TMP/decompress.sh"

rows=()
note_nongzip=0
i=0
for img in "${images[@]}"; do
    i=$((i + 1))
    name=$(basename "${img%/}")
    blobs=()
    mapfile -t blobs < <(layers_of "$img" "$TMP/img$i" || true)
    if [ ${#blobs[@]} -eq 0 ]; then
        log "$img: no layer blobs found (not an OCI layout, docker-archive or oci-archive?)"
        rows+=("| $name | | | skipped: no layer blobs found | | | | |")
        continue
    fi
    : >"$TMP/gz$i"
    : >"$TMP/ig$i"
    comp=0
    uncomp=0
    for b in "${blobs[@]}"; do
        [ -f "$b" ] || die "$img: layer blob $b missing"
        g=$(decompressor "$b" 0)
        q=$(decompressor "$b" "$have_igzip")
        [ "$g" = "gzip -dc" ] || note_nongzip=1
        printf '%s\t%s\n' "$g" "$b" >>"$TMP/gz$i"
        printf '%s\t%s\n' "$q" "$b" >>"$TMP/ig$i"
        comp=$((comp + $(stat -L -c %s "$b")))
        uncomp=$((uncomp + $($q <"$b" | wc -c)))   # also warms the page cache
    done
    comp_mb=$(awk -v b=$comp 'BEGIN { printf "%.1f", b / 1048576 }')
    uncomp_mb=$(awk -v b=$uncomp 'BEGIN { printf "%.1f", b / 1048576 }')
    log "$name: ${#blobs[@]} layers, $comp_mb MB compressed, $uncomp_mb MB uncompressed"

    if ! measure "$VIGIL" ls "$img" --format json "${EXTRA[@]}"; then
        log "$name: vigil failed: $(head -c 400 "$TMP/err")"
        rows+=("| $name | $comp_mb | $uncomp_mb | error: $(head -n 1 "$TMP/err" | tr '|' '/' | cut -c1-120) | | | | |")
        continue
    fi
    : >"$TMP/v_wall"; : >"$TMP/v_rss"; : >"$TMP/g_wall"; : >"$TMP/i_wall"
    for r in $(seq 1 "$RUNS"); do
        measure "$VIGIL" ls "$img" --format json "${EXTRA[@]}" ||
            die "$name: vigil failed on run $r: $(head -c 400 "$TMP/err")"
        echo "$WALL" >>"$TMP/v_wall"; echo "$RSS" >>"$TMP/v_rss"
        [ -z "${BENCH_RAW:-}" ] || printf '%s\tvigil\t%s\t%s\t%s\n' "$name" "$WALL" "$RSS" "$CPU" >>"$BENCH_RAW"
        log "$name run $r: vigil ${WALL}s (cpu ${CPU}s) $((RSS / 1024))MB"
        measure "$TMP/decompress.sh" "$TMP/gz$i" || die "$name: gzip -dc failed"
        echo "$WALL" >>"$TMP/g_wall"
        [ -z "${BENCH_RAW:-}" ] || printf '%s\tgzip\t%s\t%s\t%s\n' "$name" "$WALL" "$RSS" "$CPU" >>"$BENCH_RAW"
        log "$name run $r: gzip -dc ${WALL}s"
        if [ "$have_igzip" = 1 ]; then
            measure "$TMP/decompress.sh" "$TMP/ig$i" || die "$name: igzip -dc failed"
            echo "$WALL" >>"$TMP/i_wall"
            [ -z "${BENCH_RAW:-}" ] || printf '%s\tigzip\t%s\t%s\t%s\n' "$name" "$WALL" "$RSS" "$CPU" >>"$BENCH_RAW"
            log "$name run $r: igzip -dc ${WALL}s"
        fi
    done
    v=$(median <"$TMP/v_wall")
    vr=$(median <"$TMP/v_rss")
    g=$(median <"$TMP/g_wall")
    ig=n/a
    [ "$have_igzip" = 1 ] && ig=$(median <"$TMP/i_wall")
    ratio=$(awk -v a="$v" -v b="$g" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
    rss_mb=$(awk -v k="$vr" 'BEGIN { printf "%.0f", k / 1024 }')
    rows+=("| $name | $comp_mb | $uncomp_mb | $v | $rss_mb | $g | $ig | $ratio |")
done

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
rev=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo "uncommitted")
echo "Machine: $(nproc) CPUs, ${cpu:-unknown CPU}, Linux $(uname -r), $(awk '/MemTotal/ { printf "%.0f GB RAM", $2 / 1048576 }' /proc/meminfo)."
echo "vigil $rev ($VIGIL${EXTRA[*]:+, args: ${EXTRA[*]}}); $(gzip --version | head -n 1)$([ "$have_igzip" = 1 ] && echo ", $(igzip --version 2>&1 | head -n 1 | sed 's/ command line interface//')")."
echo "Medians of $RUNS runs, page cache warm; \`vigil ls IMAGE --format json >/dev/null\` vs the same layer blobs decompressed one after another to /dev/null."
echo
echo "| image | compressed MB | uncompressed MB | vigil wall s | vigil peak RSS MB | gzip -dc s | igzip -dc s | vigil/gzip |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
if [ "$note_nongzip" = 1 ]; then
    echo
    echo "Some layers are not gzip: the gzip and igzip columns decompress them with zstd -dc or cat."
fi
