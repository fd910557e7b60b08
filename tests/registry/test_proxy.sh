#!/usr/bin/env bash
# Registry access through a real HTTP proxy (Debian's tinyproxy, started here on a free
# port of 127.0.0.1, logging every request): proxies come from the usual environment
# variables, lower and upper case (https_proxy / HTTPS_PROXY, http_proxy / HTTP_PROXY,
# no_proxy / NO_PROXY). Shown with the proxy's own log: a pull of a TLS registry with
# Basic auth goes through the proxy (CONNECT), a plain-HTTP registry is reached through
# HTTP_PROXY (which libcurl alone ignores in upper case), NO_PROXY bypasses the proxy
# (even a dead one), a dead proxy is a one-line error, and the registry's credentials
# never reach the proxy's log nor any output.
#
# Environment: VIGIL (binary), CI=true (a missing tool is a FAIL), PYTHON.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VIGIL=${VIGIL:-$ROOT/build/vigil}
case $VIGIL in /*) ;; *) VIGIL=$ROOT/$VIGIL ;; esac
PY=${PYTHON:-python3}
VARIANT=$(basename "$(dirname "$VIGIL")")
failed=0
pass() { echo "PASS: registry-proxy: $1 ($VARIANT)"; }
fail() { echo "FAIL: registry-proxy: $1 ($VARIANT): $2"; failed=1; }
skip_or_fail() {
    if [ "${CI:-}" = true ]; then fail "$1" "$2"; else echo "SKIP: registry-proxy: $1 ($VARIANT): $2"; fi
}

for t in docker-registry skopeo openssl htpasswd curl tinyproxy; do
    if ! command -v "$t" >/dev/null; then
        skip_or_fail "tools" "$t not installed (make deps: scripts/deps.d/registry.txt)"
        exit $failed
    fi
done
if ! IMGS=$("$ROOT/tests/fixtures/build-images.sh" 2>/dev/null) || [ ! -d "$IMGS/edge/oci-gzip" ]; then
    fail "fixtures" "tests/fixtures/build-images.sh failed"
    exit 1
fi

# no proxy of the machine's environment leaks into the setup (skopeo, curl)
unset https_proxy HTTPS_PROXY http_proxy HTTP_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
unset VIGIL_REGISTRY_USERNAME VIGIL_REGISTRY_PASSWORD REGISTRY_AUTH_FILE DOCKER_CONFIG
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-proxy.XXXXXX")
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
export VIGIL_REGISTRY_TIMEOUT=10
export HOME=$TMP/home
mkdir -p "$HOME"
ALL_OUT=$TMP/all-output.txt

cd "$TMP" || exit 1
gen() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "$@" 2>/dev/null; }
gen -x509 -keyout ca.key -out ca.crt -days 2 -subj /CN=vigil-proxy-test-ca &&
    gen -keyout server.key -out server.csr -subj /CN=127.0.0.1 &&
    printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >ext.cnf &&
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
        -extfile ext.cnf -out server.crt 2>/dev/null ||
    { fail "setup" "openssl could not make the test certificates"; exit 1; }
mkdir -p certs && cp ca.crt certs/ca.crt
USER=vigilproxy
PASS=$(openssl rand -hex 16)
AUTH64=$(printf '%s:%s' "$USER" "$PASS" | base64 -w0)
htpasswd -Bbn "$USER" "$PASS" >htpasswd 2>/dev/null

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_registry NAME TLS-AND-AUTH-YAML: sets PORT
start_registry() {
    local name=$1 extra=$2 scheme=http
    PORT=$(free_port)
    mkdir -p "$TMP/$name"
    cat >"$TMP/$name/config.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $TMP/$name/data
http:
  addr: 127.0.0.1:$PORT
  secret: $(openssl rand -hex 16)
$extra
EOF
    case $extra in *tls:*) scheme=https ;; esac
    docker-registry serve "$TMP/$name/config.yml" >"$TMP/$name/log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 100); do
        code=$(curl -s -o /dev/null -w '%{http_code}' --cacert ca.crt "$scheme://127.0.0.1:$PORT/v2/" 2>/dev/null)
        case $code in 200|401) return 0 ;; esac
        sleep 0.2
    done
    fail "setup" "$name registry did not start: $(tail -3 "$TMP/$name/log")"
    exit 1
}

start_registry tls "  tls:
    certificate: $TMP/server.crt
    key: $TMP/server.key
auth:
  htpasswd:
    realm: vigil-proxy-test
    path: $TMP/htpasswd"
S=127.0.0.1:$PORT
start_registry plain ""
H=127.0.0.1:$PORT
skopeo copy --quiet --dest-cert-dir "$TMP/certs" --dest-creds "$USER:$PASS" \
    "oci:$IMGS/edge/oci-gzip" "docker://$S/vigil/edge:1" >>"$TMP/skopeo.log" 2>&1 &&
    skopeo copy --quiet --dest-tls-verify=false "oci:$IMGS/edge/oci-gzip" "docker://$H/vigil/edge:1" \
        >>"$TMP/skopeo.log" 2>&1 ||
    { fail "setup" "skopeo could not push: $(tail -3 "$TMP/skopeo.log")"; exit 1; }

# the proxy: every request line in its log; CONNECT allowed to the TLS registry's port
PP=$(free_port)
PLOG=$TMP/proxy.log
cat >"$TMP/tinyproxy.conf" <<EOF
Port $PP
Listen 127.0.0.1
Timeout 30
LogFile "$PLOG"
LogLevel Info
MaxClients 50
Allow 127.0.0.1
ConnectPort ${S#*:}
EOF
tinyproxy -d -c "$TMP/tinyproxy.conf" >"$TMP/tinyproxy.out" 2>&1 &
PIDS+=($!)
up=0
for _ in $(seq 1 100); do
    if curl -s -o /dev/null --max-time 2 -x "http://127.0.0.1:$PP" "http://$H/v2/" 2>/dev/null; then up=1; break; fi
    sleep 0.1
done
[ $up = 1 ] || { fail "setup" "tinyproxy did not start: $(tail -3 "$TMP/tinyproxy.out")"; exit 1; }
PX=http://127.0.0.1:$PP
DEAD=http://127.0.0.1:$(free_port) # nothing listens there

# v ARGS...: vigil with the password on stdin; stdout/stderr in $TMP/out, $TMP/err, RC
v() {
    timeout -k 5 120 "$VIGIL" "$@" <<<"$PASS" >"$TMP/out" 2>"$TMP/err"
    RC=$?
    cat "$TMP/out" "$TMP/err" >>"$ALL_OUT"
}
errline() { head -c 400 "$TMP/err" | tr '\n' '|'; }
# proxied PATTERN: lines of the proxy log (since the last mark) that match
mark() { MARK=$(wc -l <"$PLOG"); }
proxied() { tail -n +$((MARK + 1)) "$PLOG" | grep -a -c -E "$1"; }
SECURE=(--username "$USER" --password-stdin --ca-file "$TMP/ca.crt")

v ls "$S/vigil/edge:1" "${SECURE[@]}"
cp "$TMP/out" "$TMP/want"
if [ "$RC" -ne 0 ] || [ ! -s "$TMP/want" ]; then
    fail "setup" "ls without a proxy: exit $RC: $(errline)"
    exit 1
fi

# 1. HTTPS_PROXY (upper case): the TLS registry is reached with CONNECT through the proxy
mark
HTTPS_PROXY=$PX v ls "$S/vigil/edge:1" "${SECURE[@]}"
n=$(proxied "CONNECT $S ")
if [ "$RC" -eq 0 ] && cmp -s "$TMP/want" "$TMP/out" && [ "$n" -ge 2 ]; then
    pass "HTTPS_PROXY: ls through the proxy ($n CONNECTs in its log)"
else
    fail "HTTPS_PROXY: ls through the proxy" "exit $RC, $n CONNECTs: $(errline)"
fi

# 2. https_proxy (lower case): vigil pull goes through the proxy, the image reads back the same
mark
https_proxy=$PX v pull "$S/vigil/edge:1" -o "oci:$TMP/pulled" -q "${SECURE[@]}"
rc1=$RC
n=$(proxied "CONNECT $S ")
v ls "$TMP/pulled"
# (one tunnel may carry every request: the connection is kept alive)
if [ "$rc1" -eq 0 ] && [ "$RC" -eq 0 ] && cmp -s "$TMP/want" "$TMP/out" && [ "$n" -ge 1 ]; then
    pass "https_proxy: pull through the proxy ($n CONNECTs in its log)"
else
    fail "https_proxy: pull through the proxy" "exit $rc1/$RC, $n CONNECTs: $(errline)"
fi

# 3. HTTP_PROXY (upper case) for a plain-HTTP registry: the proxy forwards each GET
mark
HTTP_PROXY=$PX v ls "$H/vigil/edge:1" --insecure-registry "$H"
n=$(proxied "GET http://$H/v2/vigil/edge/blobs/")
m=$(proxied "GET http://$H/v2/vigil/edge/manifests/1 ")
if [ "$RC" -eq 0 ] && cmp -s "$TMP/want" "$TMP/out" && [ "$n" -ge 2 ] && [ "$m" -eq 1 ]; then
    pass "HTTP_PROXY: plain-HTTP registry through the proxy ($m manifest, $n blob GETs)"
else
    fail "HTTP_PROXY: plain-HTTP registry through the proxy" "exit $RC, $m manifest and $n blob GETs: $(errline)"
fi
mark
http_proxy=$PX v ls "$H/vigil/edge:1" --insecure-registry "$H"
n=$(proxied "GET http://$H/v2/")
[ "$RC" -eq 0 ] && [ "$n" -ge 3 ] && pass "http_proxy: plain-HTTP registry through the proxy" ||
    fail "http_proxy: plain-HTTP registry through the proxy" "exit $RC, $n GETs: $(errline)"

# 4. a dead proxy is used, not skipped: a one-line error; NO_PROXY then bypasses it
HTTPS_PROXY=$DEAD v ls "$S/vigil/edge:1" "${SECURE[@]}"
if [ "$RC" -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q '^vigil: error: ' "$TMP/err"; then
    pass "a dead proxy is a one-line error"
else
    fail "a dead proxy is a one-line error" "exit $RC: $(errline)"
fi
HTTPS_PROXY=$DEAD NO_PROXY=localhost,127.0.0.1 v ls "$S/vigil/edge:1" "${SECURE[@]}"
[ "$RC" -eq 0 ] && cmp -s "$TMP/want" "$TMP/out" && pass "NO_PROXY bypasses the proxy" ||
    fail "NO_PROXY bypasses the proxy" "exit $RC: $(errline)"
http_proxy=$DEAD no_proxy=127.0.0.1 v ls "$H/vigil/edge:1" --insecure-registry "$H"
[ "$RC" -eq 0 ] && pass "no_proxy (lower case) bypasses the proxy" ||
    fail "no_proxy (lower case) bypasses the proxy" "exit $RC: $(errline)"
mark
HTTPS_PROXY=$PX HTTP_PROXY=$PX NO_PROXY=127.0.0.1 v ls "$S/vigil/edge:1" "${SECURE[@]}"
n=$(proxied "Request")
[ "$RC" -eq 0 ] && [ "$n" -eq 0 ] && pass "NO_PROXY: nothing in the proxy's log" ||
    fail "NO_PROXY: nothing in the proxy's log" "exit $RC, $n requests logged: $(errline)"

# 5. ALL_PROXY is the fallback of both
mark
ALL_PROXY=$PX v ls "$S/vigil/edge:1" "${SECURE[@]}"
n=$(proxied "CONNECT $S ")
[ "$RC" -eq 0 ] && [ "$n" -ge 2 ] && pass "ALL_PROXY: through the proxy" ||
    fail "ALL_PROXY: through the proxy" "exit $RC, $n CONNECTs: $(errline)"

# 6. the registry's credentials never reach the proxy (nor any output)
if grep -a -q -F -e "$PASS" -e "$AUTH64" "$PLOG" || grep -a -q -i 'authorization' "$PLOG"; then
    fail "no credential in the proxy's log" "the password or an Authorization header is in it"
else
    pass "no credential in the proxy's log ($(grep -a -c 'Request .*: CONNECT ' "$PLOG") CONNECTs)"
fi
if grep -q -F -e "$PASS" -e "$AUTH64" "$ALL_OUT"; then
    fail "no credential in any output" "the password appears in vigil's output"
else
    pass "no credential in any output"
fi
exit $failed
