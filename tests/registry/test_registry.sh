#!/usr/bin/env bash
# Registry images against real servers on 127.0.0.1 (random ports, TLS from a CA made
# here): the CNCF Distribution registry (Debian's docker-registry) with (a) htpasswd
# Basic auth and (b) token auth through token_server.py; images pushed with skopeo from
# the fixture OCI layouts. `vigil ls/sbom/scan REF` must print what they print for the
# same OCI layout, by tag, by digest and through a multi-platform index. Then a hostile
# registry (hostile_registry.py): each misbehaviour a one-line error, bounded memory, no
# hang. Credentials are generated per run and must never appear in any output.
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
pass() { echo "PASS: registry: $1 ($VARIANT)"; }
fail() { echo "FAIL: registry: $1 ($VARIANT): $2"; failed=1; }
skip_or_fail() {
    if [ "${CI:-}" = true ]; then fail "$1" "$2"; else echo "SKIP: registry: $1 ($VARIANT): $2"; fi
}

for t in docker-registry skopeo openssl htpasswd curl; do
    if ! command -v "$t" >/dev/null; then
        skip_or_fail "tools" "$t not installed (make deps: scripts/deps.d/registry.txt)"
        exit $failed
    fi
done
if ! "$PY" -c 'import cryptography' 2>/dev/null; then
    skip_or_fail "tools" "python3-cryptography not installed"
    exit $failed
fi
if ! IMGS=$("$ROOT/tests/fixtures/build-images.sh" 2>/dev/null) || [ ! -d "$IMGS/debian/oci-gzip" ]; then
    fail "fixtures" "tests/fixtures/build-images.sh failed"
    exit 1
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-registry.XXXXXX")
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
export VIGIL_REGISTRY_TIMEOUT=5
unset VIGIL_REGISTRY_USERNAME VIGIL_REGISTRY_PASSWORD REGISTRY_AUTH_FILE DOCKER_CONFIG
export HOME=$TMP/home # no ~/.docker/config.json of the machine
mkdir -p "$HOME"
ASAN=0
case $VIGIL in *asan*) ASAN=1 ;; esac
ALL_OUT=$TMP/all-output.txt # every stdout/stderr, checked for the password at the end

# ---- CA, certificates, credentials ----------------------------------------------------------
cd "$TMP" || exit 1
gen() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "$@" 2>/dev/null; }
gen -x509 -keyout ca.key -out ca.crt -days 2 -subj /CN=vigil-test-ca &&
    gen -keyout server.key -out server.csr -subj /CN=127.0.0.1 &&
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >ext.cnf &&
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
        -extfile ext.cnf -out server.crt 2>/dev/null &&
    gen -x509 -keyout token.key -out token.crt -days 2 -subj /CN=vigil-test-token ||
    { fail "setup" "openssl could not make the test certificates"; exit 1; }
mkdir -p certs && cp ca.crt certs/ca.crt
USER=vigiltest
PASS=$(openssl rand -hex 16)
htpasswd -Bbn "$USER" "$PASS" >htpasswd 2>/dev/null

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_registry NAME AUTH-YAML: starts docker-registry with TLS, sets PORT
start_registry() {
    local name=$1 auth=$2
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
  tls:
    certificate: $TMP/server.crt
    key: $TMP/server.key
$auth
EOF
    docker-registry serve "$TMP/$name/config.yml" >"$TMP/$name/log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 100); do
        code=$(curl -s -o /dev/null -w '%{http_code}' --cacert ca.crt "https://127.0.0.1:$PORT/v2/" 2>/dev/null)
        case $code in 200|401) return 0 ;; esac
        sleep 0.2
    done
    fail "setup" "$name registry did not start: $(tail -3 "$TMP/$name/log")"
    exit 1
}

push() { # push SRC DEST-REF [skopeo args]
    local src=$1 dst=$2
    shift 2
    skopeo copy --quiet --dest-cert-dir "$TMP/certs" --dest-creds "$USER:$PASS" "$@" \
        "oci:$src" "docker://$dst" >>"$TMP/skopeo.log" 2>&1
}

# v ARGS...: runs vigil with the password on stdin when --password-stdin is given;
# stdout in $TMP/out, stderr in $TMP/err, exit code in RC, peak RSS in RSS_KB
v() {
    /usr/bin/time -f '%M' -o "$TMP/time" timeout -k 5 120 "$VIGIL" "$@" <<<"$PASS" >"$TMP/out" 2>"$TMP/err"
    RC=$?
    RSS_KB=$(tail -n 1 "$TMP/time" 2>/dev/null)
    case $RSS_KB in ''|*[!0-9]*) RSS_KB=0 ;; esac
    cat "$TMP/out" "$TMP/err" >>"$ALL_OUT"
}
errline() { head -c 400 "$TMP/err" | tr '\n' '|'; }

# same_as_layout NAME LAYOUT REF [args]: ls, sbom (JSON) and scan (JSON) agree
norm() { sed -e "s|$2|IMAGE|g" -e "s|$3|IMAGE|g" -e 's|"format": "registry"|"format": "oci"|' "$1"; }
same_as_layout() {
    local name=$1 layout=$2 ref=$3 cmd
    shift 3
    for cmd in ls sbom scan; do
        local extra=()
        [ "$cmd" = sbom ] && extra=(--format json)
        [ "$cmd" = scan ] && extra=(--format json --scanners secret,malware,config)
        v "$cmd" "$layout" "${extra[@]}" "$@" && cp "$TMP/out" "$TMP/want" || true
        local want_rc=$RC
        v "$cmd" "$ref" "${extra[@]}" "$@" --username "$USER" --password-stdin --ca-file "$TMP/ca.crt"
        if [ "$RC" -ne "$want_rc" ] || { [ "$RC" -ne 0 ] && [ "$cmd" != scan ]; }; then
            fail "$name: $cmd" "exit $RC (layout: $want_rc): $(errline)"
            continue
        fi
        if diff <(norm "$TMP/want" "$layout" "$ref") <(norm "$TMP/out" "$layout" "$ref") >"$TMP/diff"; then
            pass "$name: $cmd"
        else
            fail "$name: $cmd" "output differs from the OCI layout: $(head -c 300 "$TMP/diff" | tr '\n' '|')"
        fi
    done
}

# ---- (a) Basic auth ----------------------------------------------------------------------------
start_registry basic "auth:
  htpasswd:
    realm: vigil-test
    path: $TMP/htpasswd"
B=127.0.0.1:$PORT
push "$IMGS/debian/oci-gzip" "$B/vigil/debian:12" &&
    push "$IMGS/edge/oci-gzip" "$B/vigil/edge:1" &&
    push "$IMGS/multiarch/nested" "$B/vigil/multi:1" --all ||
    { fail "setup" "skopeo could not push: $(tail -3 "$TMP/skopeo.log")"; exit 1; }

same_as_layout "basic: debian by tag" "$IMGS/debian/oci-gzip" "$B/vigil/debian:12"
same_as_layout "basic: alpine by tag" "$IMGS/edge/oci-gzip" "registry:$B/vigil/edge:1"
DIGEST=$(skopeo inspect --raw --cert-dir "$TMP/certs" --creds "$USER:$PASS" "docker://$B/vigil/debian:12" | sha256sum | cut -c1-64)
same_as_layout "basic: debian by digest" "$IMGS/debian/oci-gzip" "$B/vigil/debian@sha256:$DIGEST"
for plat in linux/amd64 linux/arm64 linux/arm/v7; do
    v ls "$IMGS/multiarch/nested" --platform "$plat"
    cp "$TMP/out" "$TMP/want"
    v ls "$B/vigil/multi:1" --platform "$plat" --username "$USER" --password-stdin --ca-file "$TMP/ca.crt"
    if [ "$RC" -eq 0 ] && cmp -s "$TMP/want" "$TMP/out" && [ -s "$TMP/out" ]; then
        pass "basic: multi-platform index, $plat"
    else
        fail "basic: multi-platform index, $plat" "exit $RC: $(errline)"
    fi
done

v ls "$B/vigil/debian:12" --ca-file "$TMP/ca.crt"
if [ "$RC" -eq 2 ] && grep -q 'authentication required and no credentials' "$TMP/err" && [ "$(wc -l <"$TMP/err")" -eq 1 ]; then
    pass "basic: anonymous is refused with one line"
else
    fail "basic: anonymous is refused with one line" "exit $RC: $(errline)"
fi
PASS_SAVED=$PASS
PASS=wrong-$PASS_SAVED
v ls "$B/vigil/debian:12" --ca-file "$TMP/ca.crt" --username "$USER" --password-stdin
PASS=$PASS_SAVED
if [ "$RC" -eq 2 ] && grep -q 'refused the credentials' "$TMP/err"; then
    pass "basic: a wrong password is refused"
else
    fail "basic: a wrong password is refused" "exit $RC: $(errline)"
fi
VIGIL_REGISTRY_USERNAME=$USER VIGIL_REGISTRY_PASSWORD=$PASS v ls "$B/vigil/edge:1" --ca-file "$TMP/ca.crt"
[ "$RC" -eq 0 ] && [ -s "$TMP/out" ] && pass "basic: VIGIL_REGISTRY_USERNAME/PASSWORD" ||
    fail "basic: VIGIL_REGISTRY_USERNAME/PASSWORD" "exit $RC: $(errline)"

AUTH64=$(printf '%s:%s' "$USER" "$PASS" | base64 -w0)
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$B" "$AUTH64" >"$TMP/auth.json"
v ls "$B/vigil/edge:1" --ca-file "$TMP/ca.crt" --authfile "$TMP/auth.json"
[ "$RC" -eq 0 ] && [ -s "$TMP/out" ] && pass "basic: --authfile auths" || fail "basic: --authfile auths" "exit $RC: $(errline)"
REGISTRY_AUTH_FILE=$TMP/auth.json v ls "$B/vigil/edge:1" --ca-file "$TMP/ca.crt"
[ "$RC" -eq 0 ] && pass "basic: \$REGISTRY_AUTH_FILE" || fail "basic: \$REGISTRY_AUTH_FILE" "exit $RC: $(errline)"
mkdir -p "$HOME/.docker" "$TMP/bin"
printf '{"auths":{"https://%s":{"auth":"%s"}}}\n' "$B" "$AUTH64" >"$HOME/.docker/config.json"
v ls "$B/vigil/edge:1" --ca-file "$TMP/ca.crt"
[ "$RC" -eq 0 ] && pass "basic: ~/.docker/config.json" || fail "basic: ~/.docker/config.json" "exit $RC: $(errline)"
# a credential helper (docker-credential-NAME get): it checks the server it is asked for
cat >"$TMP/bin/docker-credential-vigiltest" <<EOF
#!/bin/sh
[ "\$1" = get ] || exit 1
read -r server
[ "\$server" = "$B" ] || { echo "credentials not found" >&2; exit 1; }
printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}\n' "$B" "$USER" "$PASS"
EOF
chmod +x "$TMP/bin/docker-credential-vigiltest"
printf '{"credHelpers":{"%s":"vigiltest"}}\n' "$B" >"$HOME/.docker/config.json"
PATH=$TMP/bin:$PATH v ls "$B/vigil/edge:1" --ca-file "$TMP/ca.crt"
[ "$RC" -eq 0 ] && [ -s "$TMP/out" ] && pass "basic: credHelpers" || fail "basic: credHelpers" "exit $RC: $(errline)"
printf '{"credsStore":"vigiltest"}\n' >"$HOME/.docker/config.json"
PATH=$TMP/bin:$PATH v ls "$B/vigil/edge:1" --ca-file "$TMP/ca.crt"
[ "$RC" -eq 0 ] && [ -s "$TMP/out" ] && pass "basic: credsStore" || fail "basic: credsStore" "exit $RC: $(errline)"
rm -f "$HOME/.docker/config.json"

v ls "$B/vigil/edge:1" --username "$USER" --password-stdin
if [ "$RC" -eq 2 ] && grep -q -- '--ca-file' "$TMP/err"; then
    pass "basic: an unknown CA is refused"
else
    fail "basic: an unknown CA is refused" "exit $RC: $(errline)"
fi
mkdir -p "$TMP/certs.d/$B" && cp ca.crt "$TMP/certs.d/$B/ca.crt"
VIGIL_DOCKER_CERTS_D=$TMP/certs.d v ls "$B/vigil/edge:1" --username "$USER" --password-stdin
[ "$RC" -eq 0 ] && pass "basic: certs.d/HOST:PORT/ca.crt" || fail "basic: certs.d/HOST:PORT/ca.crt" "exit $RC: $(errline)"
v ls "$B/vigil/edge:1" --username "$USER" --password-stdin --insecure-registry "$B"
[ "$RC" -eq 0 ] && pass "basic: --insecure-registry skips verification" ||
    fail "basic: --insecure-registry skips verification" "exit $RC: $(errline)"

# pull: both outputs read back the same as the layout
v ls "$IMGS/debian/oci-gzip"
cp "$TMP/out" "$TMP/want"
for dest in "oci:$TMP/pulled-oci" "docker-archive:$TMP/pulled.tar"; do
    v pull "$B/vigil/debian:12" -o "$dest" -q --username "$USER" --password-stdin --ca-file "$TMP/ca.crt"
    rc1=$RC
    v ls "${dest#*:}"
    if [ "$rc1" -eq 0 ] && [ "$RC" -eq 0 ] && cmp -s "$TMP/want" "$TMP/out"; then
        pass "pull: ${dest%%:*}"
    else
        fail "pull: ${dest%%:*}" "exit $rc1/$RC: $(errline)"
    fi
done
v pull "$B/vigil/debian:12" -o "oci:$TMP/pulled-oci" --username "$USER" --password-stdin --ca-file "$TMP/ca.crt"
[ "$RC" -eq 2 ] && grep -q 'already exists' "$TMP/err" && pass "pull: refuses an existing output" ||
    fail "pull: refuses an existing output" "exit $RC: $(errline)"

# ---- (b) token auth ----------------------------------------------------------------------------
TPF=$TMP/token.port
"$PY" "$HERE/token_server.py" "$TMP" "$TPF" "$USER" "$PASS" >"$TMP/token.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do [ -s "$TPF" ] && break; sleep 0.1; done
TP=$(cat "$TPF" 2>/dev/null)
[ -n "$TP" ] || { fail "setup" "token server did not start: $(tail -3 "$TMP/token.log")"; exit 1; }
start_registry token "auth:
  token:
    realm: https://127.0.0.1:$TP/token
    service: vigil-test
    issuer: vigil-test-issuer
    rootcertbundle: $TMP/token.crt"
T=127.0.0.1:$PORT
push "$IMGS/debian/oci-gzip" "$T/vigil/debian:12" || { fail "setup" "skopeo could not push (token): $(tail -3 "$TMP/skopeo.log")"; exit 1; }
: >"$TMP/token-requests.log"
same_as_layout "token: debian by tag" "$IMGS/debian/oci-gzip" "$T/vigil/debian:12"
# three runs (ls, sbom, scan), one token each: cached per scope within a run
n=$(grep -c '^ok repository:vigil/debian:pull$' "$TMP/token-requests.log")
[ "$n" -eq 3 ] && pass "token: one token per run (cached per scope)" ||
    fail "token: one token per run (cached per scope)" "$n token requests for 3 runs: $(head -5 "$TMP/token-requests.log" | tr '\n' '|')"
v ls "$T/vigil/debian:12" --ca-file "$TMP/ca.crt"
[ "$RC" -eq 2 ] && grep -q 'token server' "$TMP/err" && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
    pass "token: anonymous is refused with one line" || fail "token: anonymous is refused with one line" "exit $RC: $(errline)"

# ---- hostile registry ---------------------------------------------------------------------------
HPF=$TMP/hostile.port
"$PY" "$HERE/hostile_registry.py" "$HPF" >"$TMP/hostile.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do [ -s "$HPF" ] && break; sleep 0.1; done
HP=$(cat "$HPF" 2>/dev/null)
[ -n "$HP" ] || { fail "setup" "hostile registry did not start"; exit 1; }
H=127.0.0.1:$HP
export VIGIL_REGISTRY_TIMEOUT=2
hostile() { # hostile REPO EXPECTED-SUBSTRING
    v ls "$H/$1:1" --insecure-registry "$H" --username u --password-stdin
    local why=""
    [ "$RC" -eq 124 ] || [ "$RC" -ge 128 ] && why="hang or crash (exit $RC)"
    [ -z "$why" ] && [ "$RC" -ne 2 ] && why="exit $RC, want 2"
    [ -z "$why" ] && [ "$(wc -l <"$TMP/err")" -ne 1 ] && why="not one line"
    [ -z "$why" ] && ! grep -q -- "$2" "$TMP/err" && why="no '$2'"
    [ -z "$why" ] && [ "$ASAN" = 0 ] && [ "$RSS_KB" -gt $((150 * 1024)) ] && why="peak RSS $((RSS_KB / 1024)) MB"
    [ -z "$why" ] && pass "hostile: $1" || fail "hostile: $1" "$why: $(errline)"
}
hostile wrongdigest 'blob digest mismatch'
hostile truncated 'transfer failed after'
hostile endless 'larger than its descriptor'
hostile stall 'transfer failed after'
hostile bigmanifest 'too large'
hostile bigchunked 'larger than the limit'
hostile loop 'too many redirects'
hostile endless401 'refused the credentials'
v ls "$H/dropone:1" --insecure-registry "$H"
ranges=$(curl -s "http://$H/leaks" | "$PY" -c 'import json,sys; print(json.load(sys.stdin).get("ranges", 0))')
[ "$RC" -eq 0 ] && [ "$ranges" -ge 1 ] && pass "hostile: a dropped blob is resumed with Range" ||
    fail "hostile: a dropped blob is resumed with Range" "exit $RC, $ranges Range requests: $(errline)"
v scan "$H/slowconfig:1" --insecure-registry "$H" --scanners config --format json
overlap=$(curl -s "http://$H/leaks" | "$PY" -c 'import json,sys; print(json.load(sys.stdin).get("overlap", 0))')
[ "$RC" -eq 0 ] && [ "$overlap" = 1 ] && pass "scan asks for the first layer while the config is coming" ||
    fail "scan asks for the first layer while the config is coming" "exit $RC, overlap $overlap: $(errline)"
v ls "$H/otherhost:1" --insecure-registry "$H" --username u --password-stdin
leaks=$(curl -s "http://$H/leaks")
if [ "$RC" -eq 0 ] && printf '%s' "$leaks" | grep -q '"n": 0' && printf '%s' "$leaks" | grep -q '"blobstore": [1-9]'; then
    pass "hostile: no Authorization follows a redirect to another host"
else
    fail "hostile: no Authorization follows a redirect to another host" "exit $RC, $leaks: $(errline)"
fi
v ls "$H/good:1"
[ "$RC" -eq 2 ] && grep -q -- '--insecure-registry' "$TMP/err" && pass "hostile: plain HTTP needs --insecure-registry" ||
    fail "hostile: plain HTTP needs --insecure-registry" "exit $RC: $(errline)"

# ---- the password never appears -----------------------------------------------------------------
if grep -q -F "$PASS" "$ALL_OUT" || grep -q -F "$AUTH64" "$ALL_OUT"; then
    fail "no credential in any output" "the password appears in vigil's output"
else
    pass "no credential in any output"
fi
exit $failed
