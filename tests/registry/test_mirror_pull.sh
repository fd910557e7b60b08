#!/usr/bin/env bash
# Registry mirrors, `vigil pull --all-platforms` and the error for a word that is neither
# a path nor a pullable image, against two real docker-registry servers on 127.0.0.1
# (plain HTTP, random ports, --insecure-registry): "upstream" U and "mirror" M hold
# different images under the same name, so the output shows which one was read.
# Docker Hub is never reached: its requests go to a dead proxy (a one-line error).
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
pass() { echo "PASS: registry-mirror: $1 ($VARIANT)"; }
fail() { echo "FAIL: registry-mirror: $1 ($VARIANT): $2"; failed=1; }
skip_or_fail() {
    if [ "${CI:-}" = true ]; then fail "$1" "$2"; else echo "SKIP: registry-mirror: $1 ($VARIANT): $2"; fi
}
for t in docker-registry skopeo curl sha256sum; do
    command -v "$t" >/dev/null || { skip_or_fail "tools" "$t not installed (make deps: scripts/deps.d/registry.txt)"; exit $failed; }
done
if ! IMGS=$("$ROOT/tests/fixtures/build-images.sh" 2>/dev/null) || [ ! -d "$IMGS/multiarch/nested" ]; then
    fail "fixtures" "tests/fixtures/build-images.sh failed"
    exit 1
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-mirror.XXXXXX")
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
export VIGIL_REGISTRY_TIMEOUT=5
unset VIGIL_REGISTRY_USERNAME VIGIL_REGISTRY_PASSWORD REGISTRY_AUTH_FILE DOCKER_CONFIG \
    http_proxy https_proxy all_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY no_proxy NO_PROXY
export HOME=$TMP/home
mkdir -p "$HOME"
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# a port nothing listens on: Docker Hub's requests go to this "proxy" and fail at once
DEAD=$(free_port)
export https_proxy=http://127.0.0.1:$DEAD no_proxy=127.0.0.1

start_registry() { # NAME: sets PORT
    PORT=$(free_port)
    mkdir -p "$TMP/$1"
    cat >"$TMP/$1/config.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $TMP/$1/data
http:
  addr: 127.0.0.1:$PORT
EOF
    docker-registry serve "$TMP/$1/config.yml" >"$TMP/$1/log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$PORT/v2/" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    fail "setup" "registry $1 did not start: $(tail -3 "$TMP/$1/log")"
    exit 1
}
push() { skopeo copy --quiet --dest-tls-verify=false "$@" >>"$TMP/skopeo.log" 2>&1; }
v() {
    timeout -k 5 120 "$VIGIL" "$@" >"$TMP/out" 2>"$TMP/err"
    RC=$?
}
errline() { head -c 400 "$TMP/err" | tr '\n' '|'; }

start_registry upstream
U=127.0.0.1:$PORT
start_registry mirror
M=127.0.0.1:$PORT
INS=(--insecure-registry "$U" --insecure-registry "$M")
push "oci:$IMGS/debian/oci-gzip" "docker://$U/vigil/app:1" &&
    push "oci:$IMGS/debian/oci-gzip" "docker://$U/vigil/only-up:1" &&
    push "oci:$IMGS/edge/oci-gzip" "docker://$M/vigil/app:1" &&
    push "oci:$IMGS/edge/oci-gzip" "docker://$M/cache/vigil/app:1" &&
    push "oci:$IMGS/edge/oci-gzip" "docker://$M/library/vigiltest:1" &&
    push --all "oci:$IMGS/multiarch/nested" "docker://$U/vigil/multi:1" ||
    { fail "setup" "skopeo could not push: $(tail -3 "$TMP/skopeo.log")"; exit 1; }
v ls "$IMGS/debian/oci-gzip" && cp "$TMP/out" "$TMP/debian.ls"
v ls "$IMGS/edge/oci-gzip" && cp "$TMP/out" "$TMP/edge.ls"
cmp -s "$TMP/debian.ls" "$TMP/edge.ls" && { fail "setup" "the two images list the same"; exit 1; }

# ---- mirrors ---------------------------------------------------------------------------------
# reads_as NAME WANT-FILE ARGS...: `vigil ls ARGS` succeeds and prints WANT-FILE
reads_as() {
    local name=$1 want=$2
    shift 2
    v ls "$@"
    if [ "$RC" -eq 0 ] && cmp -s "$want" "$TMP/out"; then pass "$name"; else fail "$name" "exit $RC: $(errline)"; fi
}
reads_as "without a mirror the registry itself is read" "$TMP/debian.ls" "$U/vigil/app:1" "${INS[@]}"
reads_as "the mirror is tried first" "$TMP/edge.ls" "$U/vigil/app:1" "${INS[@]}" --registry-mirror "$U=$M"
reads_as "a mirror with a path prefix" "$TMP/edge.ls" "$U/vigil/app:1" "${INS[@]}" --registry-mirror "$U=http://$M/cache"
reads_as "a mirror without the image: the registry" "$TMP/debian.ls" "$U/vigil/only-up:1" "${INS[@]}" --registry-mirror "$U=$M"
reads_as "a dead mirror, then a good one" "$TMP/edge.ls" "$U/vigil/app:1" "${INS[@]}" \
    --registry-mirror "$U=127.0.0.1:$DEAD" --registry-mirror "$U=$M"
reads_as "a dead mirror: the registry" "$TMP/debian.ls" "$U/vigil/app:1" "${INS[@]}" --registry-mirror "$U=127.0.0.1:$DEAD"
reads_as "a mirror of another registry is not used" "$TMP/debian.ls" "$U/vigil/app:1" "${INS[@]}" --registry-mirror "docker.io=$M"
# Docker Hub through a mirror: a short name, no network needed
reads_as "docker.io mirror for a short name" "$TMP/edge.ls" vigiltest:1 --insecure-registry "$M" --registry-mirror "docker.io=$M"
VIGIL_REGISTRY_MIRROR=docker.io=$M reads_as "VIGIL_REGISTRY_MIRROR in the environment" "$TMP/edge.ls" vigiltest:1 --insecure-registry "$M"
reads_as "index.docker.io names docker.io" "$TMP/edge.ls" docker.io/library/vigiltest:1 --insecure-registry "$M" --registry-mirror "index.docker.io=$M"
# the image keeps its own name: trust policy sees the registry, not the mirror
v inspect vigiltest:1 --insecure-registry "$M" --registry-mirror "docker.io=$M" --format json
if [ "$RC" -eq 0 ] && grep -q '"docker.io/library/vigiltest:1"' "$TMP/out" && ! grep -q "$M" "$TMP/out"; then
    pass "an image read from a mirror keeps the registry's name"
else
    fail "an image read from a mirror keeps the registry's name" "exit $RC: $(head -c 300 "$TMP/out" | tr '\n' ' ')"
fi
v scan vigiltest:1 --insecure-registry "$M" --registry-mirror "docker.io=$M" --allowed-registry docker.io \
    --scanners config --format json
if [ "$RC" -eq 0 ] && ! grep -q 'VGL-TRUST-002' "$TMP/out"; then
    pass "trust policy: the allowed registry is the image's, not the mirror's"
else
    fail "trust policy: the allowed registry is the image's, not the mirror's" "exit $RC: $(errline)"
fi
v ls "$U/vigil/none:1" "${INS[@]}" --registry-mirror "$U=$M"
if [ "$RC" -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "$U/vigil/none: HTTP 404" "$TMP/err" &&
    grep -q "(mirror: $M/vigil/none: HTTP 404" "$TMP/err"; then
    pass "neither has it: one line naming both"
else
    fail "neither has it: one line naming both" "exit $RC: $(errline)"
fi
for bad in "docker.io" "=x" "docker.io=" "docker.io=Mirror Host" "docker.io=m.example/UPPER"; do
    v ls x:1 --registry-mirror "$bad"
    if [ "$RC" -eq 2 ] && grep -q -- '--registry-mirror' "$TMP/err"; then
        pass "malformed mirror '$bad' is a usage error"
    else
        fail "malformed mirror '$bad' is a usage error" "exit $RC: $(errline)"
    fi
done
# ---- mirrors from a containers-registries.conf(5) file -------------------------------------
conf() { # FILE MIRROR-LOCATION INSECURE(true|false) [PREFIX]
    cat >"$1" <<EOF
unqualified-search-registries = ["docker.io"]

[[registry]]
prefix = "${4:-$U}"
location = "${4:-$U}"

[[registry.mirror]]
location = "$2"
insecure = $3

[[registry]]
location = "quay.io"
blocked = false
EOF
}
conf "$TMP/reg.conf" "$M" true
reads_as "registries.conf: its mirror is tried first, insecure = true honoured" "$TMP/edge.ls" "$U/vigil/app:1" \
    --insecure-registry "$U" --registries-conf "$TMP/reg.conf"
conf "$TMP/reg-prefix.conf" "$M/cache" true
reads_as "registries.conf: a mirror location with a path" "$TMP/edge.ls" "$U/vigil/app:1" \
    --insecure-registry "$U" --registries-conf "$TMP/reg-prefix.conf"
VIGIL_REGISTRIES_CONF=$TMP/reg.conf reads_as "registries.conf from VIGIL_REGISTRIES_CONF" "$TMP/edge.ls" \
    "$U/vigil/app:1" --insecure-registry "$U"
# without insecure = true the plain-HTTP mirror is refused (a TLS error), the registry is read
conf "$TMP/reg-secure.conf" "$M" false
reads_as "registries.conf: a mirror not marked insecure needs TLS" "$TMP/debian.ls" "$U/vigil/app:1" \
    --insecure-registry "$U" --registries-conf "$TMP/reg-secure.conf"
conf "$TMP/reg-path.conf" "$M" true "$U/vigil"
v ls "$U/vigil/app:1" --insecure-registry "$U" --registries-conf "$TMP/reg-path.conf"
if [ "$RC" -eq 0 ] && cmp -s "$TMP/debian.ls" "$TMP/out" && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
    grep -q "^vigil: warning: --registries-conf .*1 entry not applied (registry $U/vigil: a prefix with a path" "$TMP/err"; then
    pass "registries.conf: a prefix with a path is reported and not applied"
else
    fail "registries.conf: a prefix with a path is reported and not applied" "exit $RC: $(errline)"
fi
printf '[[registry]]\nprefix = "%s"\n[[registry.mirror]]\ninsecure = true\n' "$U" >"$TMP/reg-bad.conf"
printf '[[registry]\nprefix = \n' >"$TMP/reg-toml.conf"
for bad in reg-bad reg-toml nonexistent; do
    v ls "$U/vigil/app:1" --insecure-registry "$U" --registries-conf "$TMP/$bad.conf"
    if [ "$RC" -eq 2 ] && head -1 "$TMP/err" | grep -q "^vigil: error: --registries-conf $TMP/$bad.conf: "; then
        pass "registries.conf: $bad is a one-line error"
    else
        fail "registries.conf: $bad is a one-line error" "exit $RC: $(errline)"
    fi
done

# the pull of a mirrored image writes the registry's name
v pull "$U/vigil/app:1" -o "oci:$TMP/from-mirror" -q "${INS[@]}" --registry-mirror "$U=$M"
v ls "$TMP/from-mirror"
cmp -s "$TMP/edge.ls" "$TMP/out" && grep -q "$U/vigil/app:1" "$TMP/from-mirror/index.json" &&
    pass "pull through a mirror" || fail "pull through a mirror" "exit $RC: $(errline)"

# ---- a word that is neither a path nor a pullable image --------------------------------------
cd "$TMP" || exit 1
v ls nosuchimage
if [ "$RC" -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
    grep -q '^vigil: error: nosuchimage: no such file, and docker.io/library/nosuchimage: ' "$TMP/err"; then
    pass "a bare word: the error names the file and the Docker Hub image"
else
    fail "a bare word: the error names the file and the Docker Hub image" "exit $RC: $(errline)"
fi
v scan team/app:2 --scanners config
if [ "$RC" -eq 2 ] && grep -q '^vigil: error: team/app:2: no such file, and docker.io/team/app: ' "$TMP/err"; then
    pass "a Docker Hub name with a namespace: both named"
else
    fail "a Docker Hub name with a namespace: both named" "exit $RC: $(errline)"
fi
v ls nosuchimage --insecure-registry "$M" --registry-mirror "docker.io=$M"
if [ "$RC" -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
    grep -q '^vigil: error: nosuchimage: no such file, and docker.io/library/nosuchimage: .*(mirror: ' "$TMP/err"; then
    pass "a bare word with a mirror: file, registry and mirror named"
else
    fail "a bare word with a mirror: file, registry and mirror named" "exit $RC: $(errline)"
fi
v ls "$U/vigil/none:1" "${INS[@]}"
if [ "$RC" -eq 2 ] && ! grep -q 'no such file' "$TMP/err"; then
    pass "a reference with a registry host: no file mentioned"
else
    fail "a reference with a registry host: no file mentioned" "exit $RC: $(errline)"
fi
cd "$ROOT" || exit 1

# ---- pull --all-platforms ----------------------------------------------------------------------
# every blob of the layout hashes to its name; prints the sorted names
blobs_ok() {
    local f bad=0
    for f in "$1"/blobs/sha256/*; do
        [ "$(sha256sum <"$f" | cut -c1-64)" = "$(basename "$f")" ] || bad=1
    done
    [ "$bad" = 0 ] && (cd "$1/blobs/sha256" && ls | sort)
}
v pull "$U/vigil/multi:1" --all-platforms -o "oci:$TMP/all" -q "${INS[@]}"
rc_pull=$RC
skopeo copy --quiet --all --src-tls-verify=false "docker://$U/vigil/multi:1" "oci:$TMP/skopeo-all:x" >>"$TMP/skopeo.log" 2>&1
if [ "$rc_pull" -eq 0 ] && blobs_ok "$TMP/all" >"$TMP/b1" && blobs_ok "$TMP/skopeo-all" >"$TMP/b2" &&
    cmp -s "$TMP/b1" "$TMP/b2" && [ "$(wc -l <"$TMP/b1")" -gt 6 ]; then
    pass "pull --all-platforms: every blob skopeo copies, each verified ($(wc -l <"$TMP/b1") blobs)"
else
    fail "pull --all-platforms: every blob skopeo copies, each verified" "exit $rc_pull: $(errline); $(diff "$TMP/b1" "$TMP/b2" 2>&1 | head -5 | tr '\n' ' ')"
fi
top=$(skopeo inspect --raw --tls-verify=false "docker://$U/vigil/multi:1" | sha256sum | cut -c1-64)
grep -q "sha256:$top" "$TMP/all/index.json" && pass "pull --all-platforms: index.json names the index" ||
    fail "pull --all-platforms: index.json names the index" "$(head -c 300 "$TMP/all/index.json")"
for plat in linux/amd64 linux/arm64 linux/arm/v7; do
    v ls "$IMGS/multiarch/nested" --platform "$plat"
    cp "$TMP/out" "$TMP/want"
    v ls "$TMP/all" --platform "$plat"
    if [ "$RC" -eq 0 ] && [ -s "$TMP/out" ] && cmp -s "$TMP/want" "$TMP/out"; then
        pass "pull --all-platforms: $plat reads as in the source layout"
    else
        fail "pull --all-platforms: $plat reads as in the source layout" "exit $RC: $(errline)"
    fi
done
v pull "$U/vigil/multi:1" -o "oci:$TMP/one" -q "${INS[@]}" --platform linux/arm64
n_one=$(ls "$TMP/one/blobs/sha256" 2>/dev/null | wc -l)
[ "$RC" -eq 0 ] && [ "$n_one" -lt "$(wc -l <"$TMP/b1")" ] && pass "pull without --all-platforms: one platform ($n_one blobs)" ||
    fail "pull without --all-platforms: one platform" "exit $RC, $n_one blobs: $(errline)"
v pull "$U/vigil/app:1" --all-platforms -o "oci:$TMP/single" -q "${INS[@]}"
rc1=$RC
v ls "$TMP/single"
[ "$rc1" -eq 0 ] && cmp -s "$TMP/debian.ls" "$TMP/out" && pass "pull --all-platforms of a single-platform image" ||
    fail "pull --all-platforms of a single-platform image" "exit $rc1/$RC: $(errline)"
v pull "$U/vigil/multi:1" --all-platforms -o "docker-archive:$TMP/x.tar" "${INS[@]}"
[ "$RC" -eq 2 ] && grep -q 'oci:DIR' "$TMP/err" && [ ! -e "$TMP/x.tar" ] &&
    pass "pull --all-platforms refuses a docker-archive" || fail "pull --all-platforms refuses a docker-archive" "exit $RC: $(errline)"
# a blob that does not match its digest: an error, nothing left behind
victim=$(cd "$TMP/skopeo-all/blobs/sha256" && for f in *; do s=$(stat -c %s "$f"); [ "$s" -gt 100000 ] && echo "$f" && break; done)
data=$(find "$TMP/upstream/data" -path "*/blobs/sha256/${victim:0:2}/$victim/data" | head -1)
if [ -n "$data" ]; then
    printf 'X' | dd of="$data" bs=1 seek=1000 conv=notrunc status=none
    v pull "$U/vigil/multi:1" --all-platforms -o "oci:$TMP/bad" "${INS[@]}"
    if [ "$RC" -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q 'digest' "$TMP/err" &&
        [ ! -e "$TMP/bad" ] && ! ls "$TMP" | grep -q 'bad.partial'; then
        pass "pull --all-platforms: a corrupted blob is an error, nothing left"
    else
        fail "pull --all-platforms: a corrupted blob is an error, nothing left" "exit $RC: $(errline)"
    fi
else
    fail "pull --all-platforms: a corrupted blob" "no blob of over 100 kB in the registry's storage"
fi
exit $failed
