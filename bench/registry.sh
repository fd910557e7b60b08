#!/usr/bin/env bash
# Registry pull benchmark: `vigil scan REF` from a Distribution registry on 127.0.0.1 against
# `vigil scan` of the same image as a local OCI layout, in one run: the two are interleaved;
# for each, the wall time, peak RSS and user+system CPU of vigil (wait4, microseconds), and
# for the registry scan the registry server's own CPU during the run (its threads' /proc
# schedstat, nanoseconds) in a column of its own; medians of N pairs; "pair ratio" is the
# median of each interleaved pair's registry/layout wall ratio (steadier than the ratio of
# medians when the machine's load drifts) with its interquartile range; peak RSS with the
# min-max of the same command's runs, so a difference can be read against the run-to-run
# spread. Prints a markdown table for BENCHMARKS.md.
#
# Usage: bench/registry.sh [-n RUNS] [-t] [-d DB] [-A] [OCI-LAYOUT...]
#   OCI-LAYOUT  default: the Debian and Alpine fixture layouts (tests/fixtures/build-images.sh)
#               and the benchmark images of tests/fixtures/make-bench-images.sh that are built
#   -n          interleaved pairs per image (default $BENCH_RUNS or 15)
#   -t          the registry speaks TLS with a certificate from a CA made for the run (vigil
#               gets --ca-file); default plain HTTP with --insecure-registry, as a registry
#               started on a developer's machine (`docker-registry`, `registry:2`) serves
#   -d DB       the vulnerability database both scans use (default $VIGIL_DB, else
#               ~/.cache/vigil/db/vigil.db); the vuln scanner runs when it exists ("-d none":
#               no database, the vuln scanner is left out)
#   -A          A/A calibration: the "registry" scan of each pair is the layout scan again,
#               so the pair ratio and RSS columns show the spread of identical commands
# Environment: VIGIL (default build/vigil), VIGIL_SHARED (the shared data, for the fixture
# images), BENCH_SCANNERS (default: vuln,secret,malware,config with a database, else
# secret,malware,config).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
RUNS=${BENCH_RUNS:-15}
PY=${PYTHON:-python3}
TLS=0
AA=0
DB=${VIGIL_DB:-$HOME/.cache/vigil/db/vigil.db}
while getopts n:td:Ah opt; do
    case $opt in
    n) RUNS=$OPTARG ;;
    t) TLS=1 ;;
    d) DB=$OPTARG ;;
    A) AA=1 ;;
    *) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
VIGIL=${VIGIL:-$ROOT/build/vigil}
[ -x "$VIGIL" ] || make -C "$ROOT" -s build/vigil >&2
for t in docker-registry skopeo openssl; do
    command -v "$t" >/dev/null || { echo "registry.sh: $t not found" >&2; exit 1; }
done

layouts=("$@")
if [ ${#layouts[@]} -eq 0 ]; then
    imgs=$("$ROOT/tests/fixtures/build-images.sh" 2>"${TMPDIR:-/tmp}/registry-bench-images.$$") || {
        cat "${TMPDIR:-/tmp}/registry-bench-images.$$" >&2
        rm -f "${TMPDIR:-/tmp}/registry-bench-images.$$"
        exit 1
    }
    rm -f "${TMPDIR:-/tmp}/registry-bench-images.$$"
    layouts=("$imgs/debian/oci-gzip" "$imgs/edge/oci-gzip")
    for b in "${VIGIL_CACHE:-$HOME/.cache/vigil}"/bench-*/*/; do
        [ -f "$b/index.json" ] && layouts+=("${b%/}")
    done
fi
export VIGIL_DB=$DB # both scans read the same database
if [ -z "${BENCH_SCANNERS:-}" ]; then
    BENCH_SCANNERS=secret,malware,config
    [ -f "$DB" ] && BENCH_SCANNERS=vuln,secret,malware,config
fi

tmp=$(mktemp -d)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
cp "$VIGIL" "$tmp/vigil" # a rebuild during the run does not change (or break) the binary measured
VIGIL=$tmp/vigil
port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
scheme=http
tls_yaml=
cacert=()
access=(--insecure-registry "127.0.0.1:$port")
if [ "$TLS" = 1 ]; then # a CA and a server certificate for 127.0.0.1, made for this run
    gen() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "$@" 2>/dev/null; }
    (
        cd "$tmp" &&
            gen -x509 -keyout ca.key -out ca.crt -days 1 -subj /CN=vigil-bench-ca &&
            gen -keyout server.key -out server.csr -subj /CN=127.0.0.1 &&
            printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >ext.cnf &&
            openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 \
                -extfile ext.cnf -out server.crt 2>/dev/null
    ) || { echo "registry.sh: openssl could not make the certificates" >&2; exit 1; }
    scheme=https
    tls_yaml="  tls:
    certificate: $tmp/server.crt
    key: $tmp/server.key"
    access=(--ca-file "$tmp/ca.crt")
    cacert=(--cacert "$tmp/ca.crt")
fi
cat >"$tmp/config.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $tmp/data
http:
  addr: 127.0.0.1:$port
$tls_yaml
EOF
docker-registry serve "$tmp/config.yml" >"$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
    curl -sf "${cacert[@]}" "$scheme://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break
    sleep 0.2
done

# one RUN: prints "wall_s rss_kb vigil_cpu_s server_cpu_s"; vigil's CPU from wait4, the
# registry server's from the run time of all its threads (schedstat), before and after
cat >"$tmp/run.py" <<'PY'
import glob, os, subprocess, sys, time
pid = int(sys.argv[1])
def server_ns():
    t = 0
    for f in glob.glob("/proc/%d/task/*/schedstat" % pid):
        try:
            t += int(open(f).read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return t
s0 = server_ns()
t0 = time.perf_counter()
p = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=open(os.environ["ERRFILE"], "w"))
_, status, ru = os.wait4(p.pid, 0)
t1 = time.perf_counter()
s1 = server_ns()
rc = os.waitstatus_to_exitcode(status)
if rc not in (0, 1):
    sys.stderr.write(open(os.environ["ERRFILE"]).read())
    sys.exit(2)
print("%.4f %d %.4f %.4f" % (t1 - t0, ru.ru_maxrss, ru.ru_utime + ru.ru_stime, (s1 - s0) / 1e9))
PY
one() {
    ERRFILE=$tmp/err "$PY" "$tmp/run.py" "$pid" "$VIGIL" scan "$@" --scanners "$BENCH_SCANNERS" \
        --format json -q || exit 1
}

cat >"$tmp/stats.py" <<'PY'
# one image's runs ("L|R wall rss_kb vigil_cpu server_cpu" lines, paired in order) -> a row
import statistics, sys
name, mb, layers, path = sys.argv[1:5]
L, R = [], []
for line in open(path):
    m, *v = line.split()
    (L if m == "L" else R).append([float(x) for x in v])
def q(xs, p):  # nearest-rank quantile
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(round(p * (len(xs) - 1)))))]
med = statistics.median
pairs = [r[0] / l[0] for l, r in zip(L, R)]
lr, rr = [l[1] / 1024 for l in L], [r[1] / 1024 for r in R]
print("| %s | %s | %s | %d | %.3f | %.3f | %.2f | %.2f-%.2f | %.3f | %.3f | %.2f | %.3f | %.1f (%.1f-%.1f) | %.1f (%.1f-%.1f) | %+.1f |" % (
    name, mb, layers, len(pairs), med([l[0] for l in L]), med([r[0] for r in R]),
    med(pairs), q(pairs, .25), q(pairs, .75),
    med([l[2] for l in L]), med([r[2] for r in R]), med([r[2] for r in R]) / med([l[2] for l in L]),
    med([r[3] for r in R]), med(lr), min(lr), max(lr), med(rr), min(rr), max(rr), med(rr) - med(lr)))
PY
echo "| image | compressed MB | layers | pairs | scan OCI layout s | scan from registry s | pair ratio (median) | pair ratio p25-p75 | vigil CPU layout s | vigil CPU registry s | vigil CPU ratio | registry server CPU s | peak RSS layout MB (min-max) | peak RSS registry MB (min-max) | RSS difference MB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
n=0
for lay in "${layouts[@]}"; do
    n=$((n + 1))
    ref=127.0.0.1:$port/bench/img$n:1
    skopeo copy --quiet --dest-tls-verify=false "oci:$lay" "docker://$ref" >/dev/null
    mb=$(du -sm "$lay/blobs" | cut -f1)
    layers=$("$VIGIL" inspect "$lay" --format json | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["layers"]))')
    one "$lay" >/dev/null # warm the page cache and the rule caches
    one "${access[@]}" "$ref" >/dev/null
    : >"$tmp/runs"
    for _ in $(seq 1 "$RUNS"); do
        read -r w m c s < <(one "$lay")
        echo "L $w $m $c $s" >>"$tmp/runs"
        if [ "$AA" = 1 ]; then
            read -r w m c s < <(one "$lay")
        else
            read -r w m c s < <(one "${access[@]}" "$ref")
        fi
        echo "R $w $m $c $s" >>"$tmp/runs"
    done
    "$PY" "$tmp/stats.py" "$(basename "$(dirname "$lay")")/$(basename "$lay")" "$mb" "$layers" "$tmp/runs"
done
echo
db="no vulnerability database"
[ -f "$DB" ] && db="database $DB ($(du -m "$DB" | cut -f1) MB)"
[ "$AA" = 1 ] && echo "A/A calibration (-A): both columns are the OCI layout scan."
echo "Registry: $scheme ($([ "$TLS" = 1 ] && echo "TLS, --ca-file" || echo "plain HTTP, --insecure-registry")); $db."
echo "Scanners: $BENCH_SCANNERS; $RUNS interleaved pairs (layout, registry) per image, medians; peak RSS min-max is the spread of the same command; $(nproc) cores, $(uname -m); load average $(cut -d' ' -f1-3 /proc/loadavg)."
