#!/usr/bin/env bash
# Admission webhook load benchmark (issue 14): 500 AdmissionReviews of known images (a
# two-container Deployment with a critical fixable vulnerability, denied, and a clean Pod,
# allowed, in turn) at 50 concurrent HTTPS connections from tests/admission/loadclient.c,
# against `vigil serve --tls-cert` servers, each configuration in turn, ROUNDS rounds
# interleaved (round 1: every configuration, then round 2 ...). Each run twice: "cold" (the
# 50 connections and their TLS handshakes inside the timed run) and "warm" (connections
# opened first, as the API server keeps them). Prints one line per run, then the median of
# the rounds per configuration, with the load average beside every line.
#
# Usage: bench/admission.sh [ROUNDS] [NAME=KEY:SERVE-OPTIONS]...
#   KEY is the server certificate's key: p256 (ECDSA P-256, the default everywhere),
#   ed25519 or rsa2048. Default configuration: default=p256: (vigil serve's defaults).
#   e.g. bench/admission.sh 5 default=p256: rsa=rsa2048: t8=p256:--http-threads=8
#   (options: commas between words). VIGIL_<NAME>=PATH runs that configuration with
#   another vigil binary (an older build, for a before/after).
# Environment: N (500), C (50), VIGIL (build/vigil), CLIENTS ("multi go": the load
#   clients of tests/admission: multi = loadclient.c with libcurl multi in one thread,
#   threads = loadclient.c with a thread per connection, go = loadclient.go, Go's
#   crypto/tls and net/http as in the Kubernetes API server; s:NAME runs that client in
#   a session of its own: see client() below), KEEP=1 keeps the temporary folder.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
VIGIL=${VIGIL:-$ROOT/build/vigil}
PY=/usr/bin/python3
ROUNDS=${1:-5}
shift || true
CONFIGS=("$@")
[ ${#CONFIGS[@]} -gt 0 ] || CONFIGS=("default=p256:")
N=${N:-500}
C=${C:-50}
read -r -a CL <<< "${CLIENTS:-multi go}"
[ -x "$VIGIL" ] || { echo "bench/admission.sh: build $VIGIL first (make -j2 all)" >&2; exit 2; }
for t in docker-registry skopeo openssl curl jq cc; do
  command -v "$t" > /dev/null || { echo "bench/admission.sh: $t is not installed" >&2; exit 2; }
done
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null; done
  wait 2> /dev/null
  if [ "${KEEP:-}" = 1 ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
cd "$tmp"
freeport() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
load() { cut -d' ' -f1 /proc/loadavg; }

# a database with one critical fixable vulnerability (synthetic advisory)
mkdir -p m/nodejs-security-wg/vuln/npm
printf '{"id": 9001, "created_at": "2026-01-01", "updated_at": "2026-01-01", "title": "t",
 "module_name": "vgl-crit", "publish_date": "2026-01-01", "cves": ["CVE-2099-1001"],
 "vulnerable_versions": "<2.0.0", "patched_versions": ">=2.0.0", "overview": "synthetic",
 "recommendation": "upgrade", "references": [], "cvss_score": 0, "coordinating_vendor": null,
 "cvss_vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}\n' > m/nodejs-security-wg/vuln/npm/9001.json
(cd m && tar -czf nodejs-security-wg.tar.gz nodejs-security-wg && rm -rf nodejs-security-wg)
"$VIGIL" db update --from m --only nodejs-security-wg --db db > up.log 2>&1

# two images in a local registry
mkdir -p pk
for v in 1.0.0 2.0.0; do echo "{\"name\":\"vgl-crit\",\"version\":\"$v\"}" > "pk/$v.json"; done
echo "hello $RANDOM" > hello.txt
$PY "$ROOT/tests/fixtures/mkimage.py" img-clean "hello.txt=/srv/hello.txt,pk/2.0.0.json=/app/node_modules/vgl-crit/package.json" > /dev/null
$PY "$ROOT/tests/fixtures/mkimage.py" img-crit "pk/1.0.0.json=/app/node_modules/vgl-crit/package.json" > /dev/null
rport=$(freeport)
printf '%s\n' "version: 0.1" "log:" "  level: error" "storage:" "  filesystem:" \
  "    rootdirectory: $tmp/reg" "http:" "  addr: 127.0.0.1:$rport" > reg.yml
docker-registry serve reg.yml > reg.log 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$rport/v2/" > /dev/null 2>&1 && break; sleep 0.1; done
R=127.0.0.1:$rport
for n in clean crit; do skopeo copy -q --dest-tls-verify=false "oci:img-$n:latest" "docker://$R/demo/$n:v1"; done

# a CA (P-256) and one server certificate per key type, for 127.0.0.1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
  -days 2 -subj /CN=vigil-bench-ca 2> /dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > ext.cnf
for k in p256 ed25519 rsa2048; do
  case $k in
    p256) newkey=(-newkey ec -pkeyopt ec_paramgen_curve:P-256) ;;
    ed25519) newkey=(-newkey ed25519) ;;
    rsa2048) newkey=(-newkey rsa:2048) ;;
  esac
  openssl req "${newkey[@]}" -nodes -keyout "key-$k.pem" -out "srv-$k.csr" -subj /CN=vigil 2> /dev/null
  openssl x509 -req -in "srv-$k.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile ext.cnf -out "cert-$k.pem" 2> /dev/null
done

cc -std=c11 -D_GNU_SOURCE -O2 -pthread -o loadclient "$ROOT/tests/admission/loadclient.c" -lcurl -ljansson
case " ${CL[*]} " in *"go "*) GOCACHE=${GOCACHE:-$HOME/.cache/go-build} go build -o loadclient-go "$ROOT/tests/admission/loadclient.go" ;; esac
client() { # client NAME: runs the load client NAME with the remaining arguments
  local c=$1; shift
  # s:NAME: in a session of its own (setsid): with sched_autogroup the client then has
  # its own CPU share instead of taking its handshakes out of the server's
  local pre=()
  case $c in s:*) pre=(setsid -w); c=${c#s:} ;; esac
  case $c in
    multi) "${pre[@]}" ./loadclient "$@" ;;
    threads) "${pre[@]}" env LOADCLIENT_THREADS=1 ./loadclient "$@" ;;
    go) "${pre[@]}" ./loadclient-go "$@" ;;
  esac
}
$PY "$ROOT/tests/admission/review.py" --kind Deployment --name load --container web=$R/demo/crit:v1 \
  --container side=$R/demo/clean:v1 > r1.json
$PY "$ROOT/tests/admission/review.py" --container app=$R/demo/clean:v1 > r2.json

# one server per configuration, each with its own store, both images scanned
declare -A port spid
i=0
for cfg in "${CONFIGS[@]}"; do
  name=${cfg%%=*}; rest=${cfg#*=}; key=${rest%%:*}; opts=${rest#*:}
  i=$((i + 1))
  bvar=VIGIL_${name}
  bin=${!bvar:-$VIGIL}
  TOK=$("$bin" serve token add b --scopes admin --data "d$i")
  # shellcheck disable=SC2086
  "$bin" serve --listen 127.0.0.1:0 --port-file "p$i" --data "d$i" --db db --workers 1 \
    --insecure-registry 127.0.0.1 --tls-cert "cert-$key.pem" --tls-key "key-$key.pem" \
    ${opts//,/ } 2> "s$i.log" &
  spid[$name]=$!; pids+=($!)
  for _ in $(seq 1 150); do [ -s "p$i" ] && break; sleep 0.1; done
  port[$name]=$(cat "p$i")
  for n in clean crit; do
    id=$(curl -s --cacert ca.pem -H "Authorization: Bearer $TOK" -d "{\"image\":\"$R/demo/$n:v1\"}" \
      "https://127.0.0.1:${port[$name]}/api/v1/scans" | jq -r .id)
    for _ in $(seq 1 600); do
      s=$(curl -s --cacert ca.pem -H "Authorization: Bearer $TOK" \
        "https://127.0.0.1:${port[$name]}/api/v1/scans/$id" | jq -r .status)
      [ "$s" = done ] && break
      [ "$s" = failed ] && { echo "scan of $n failed on $name" >&2; exit 1; }
      sleep 0.2
    done
  done
  # the tag -> digest cache warm, as in a running cluster
  ./loadclient "https://127.0.0.1:${port[$name]}/k8s/admission" ca.pem 2 1 r1.json:false r2.json:true > /dev/null
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
tck=$(getconf CLK_TCK)
psi() { sed -n 's/^some avg10=\([0-9.]*\) avg60=\([0-9.]*\).*/CPU pressure (some): avg10 \1%, avg60 \2%/p' /proc/pressure/cpu 2> /dev/null; }
echo "before the runs: $(psi)"
echo "config client round mode load p50_ms p99_ms max_ms rps client_cpu_ms server_cpu_ms"
for r in $(seq 1 "$ROUNDS"); do
  for cfg in "${CONFIGS[@]}"; do
    name=${cfg%%=*}
    for cl in "${CL[@]}"; do
      for mode in cold warm; do
        w=0; [ $mode = warm ] && w=1
        c0=$(cpu_ticks "${spid[$name]}")
        out=$(LOADCLIENT_WARM=$w client "$cl" "https://127.0.0.1:${port[$name]}/k8s/admission" ca.pem \
          "$N" "$C" r1.json:false r2.json:true) || { echo "errors on $name/$cl: $out" >&2; exit 1; }
        c1=$(cpu_ticks "${spid[$name]}")
        v=$(echo "$out" | sed 's/ (.*//; s/ client=[a-z]*//; s/[a-z_0-9]*=//g')
        # shellcheck disable=SC2086
        set -- $v
        [ "$2" = 0 ] || { echo "errors on $name/$cl: $out" >&2; exit 1; }
        echo "$name $cl $r $mode $(load) $3 $4 $5 $6 $8 $(((c1 - c0) * 1000 / tck))"
      done
    done
  done
done | tee runs.txt
echo "after the runs: $(psi)"
echo
echo "median of $ROUNDS rounds; p99 range in brackets; server CPU from /proc (10 ms ticks; a warm"
echo "run's includes the C untimed warm-up reviews and their handshakes)"
echo "config client mode load p50_ms p99_ms(min-max) rps client_cpu_ms server_cpu_ms"
for cfg in "${CONFIGS[@]}"; do
  name=${cfg%%=*}
  for cl in "${CL[@]}"; do
    for mode in cold warm; do
      awk -v n="$name" -v c="$cl" -v m="$mode" '$1 == n && $2 == c && $4 == m' runs.txt | sort -k7,7n |
        awk -v n="$name" -v c="$cl" -v m="$mode" '
          function med(col,   k, a, i, j, t) { k = 0
            for (i = 1; i <= NR; i++) a[++k] = v[i, col]
            for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
          { for (f = 1; f <= NF; f++) v[NR, f] = $f; if (NR == 1) lo = $7; hi = $7 }
          END { printf "%s %s %s %.1f %.1f %.1f(%.1f-%.1f) %.0f %.0f %.0f\n", n, c, m, med(5), med(6), med(7), lo, hi, med(9), med(10), med(11) }'
    done
  done
done
