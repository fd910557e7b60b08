#!/usr/bin/env bash
# vigil watch names the image and digest of containerd and Docker containers (issue 16),
# with the real runtimes, started here on private roots and sockets (nothing of the
# machine's own state is touched):
#  - containerd (Debian's, `ctr`): the Alpine fixture image imported from an OCI archive
#    (offline) into a private namespace and run; the agent finds the container through
#    the runc state of containerd's shim (/run/containerd/runc/NS), its image name from
#    containerd's metadata (meta.db, read-only) and the image's manifest digest;
#  - Docker (Debian's docker.io, its own containerd): the same image pushed with skopeo to
#    a loopback docker-registry and pulled, so Docker knows its manifest digest, and run;
#    the agent reads Docker's container config (name, image) and repositories.json.
# In each, a read of /etc/shadow must alert naming the container id, name, runtime, image
# and the fixture's manifest digest, and a read of /etc/passwd must stay silent.
# Needs root, BTF and the runtimes: skipped elsewhere (a missing tool fails with CI=true).
set -uo pipefail
RT_NAME=ctrd-docker
. "$(dirname "$0")/lib.sh"
skip_cap() { echo "SKIP: runtime/ctrd-docker: $1"; exit 0; }
missing() {
    if [ "${CI:-}" = true ]; then echo "FAIL: runtime/ctrd-docker: $1 (CI=true)"; fails=$((fails + 1)); return 1; fi
    echo "SKIP: runtime/ctrd-docker: $1"; return 1
}
[ "$(id -u)" = 0 ] || skip_cap "needs root (BPF, containerd, dockerd)"
[ -r /sys/kernel/btf/vmlinux ] || skip_cap "capability: kernel without BTF"
"$VIGIL" watch --self-check | grep -q 'tp_btf (sched_process_exec) *available' ||
    skip_cap "capability: the kernel refuses tp_btf programs"
command -v jq >/dev/null || { missing "missing tool: jq"; exit $((fails > 0)); }
IMGS=$(tests/fixtures/build-images.sh 2>/dev/null) || { missing "fixture images not available"; exit $((fails > 0)); }
DIGEST=$(jq -r '.manifests[] | select(.annotations."org.opencontainers.image.ref.name" == "alpine320") | .digest' "$IMGS/ref/index.json")

TMP=$(mktemp -d /tmp/vct.XXXXXX)
NS=vigiltest$$
WPID= CPID= DPID= RPID=
DOCKER=docker
[ -x /usr/bin/docker ] && DOCKER=/usr/bin/docker # the docker.io client, not another one on the PATH
D=("$DOCKER" -H "unix://$TMP/d/docker.sock")
C=(ctr -a "$TMP/c/containerd.sock" -n "$NS")
stop() { [ -n "$1" ] && kill "$1" 2>/dev/null && { for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done; kill -9 "$1" 2>/dev/null; wait "$1" 2>/dev/null; }; }
cleanup() {
    stop "$WPID"
    if [ -n "$CPID" ]; then
        "${C[@]}" task kill -s KILL vt-c1 >/dev/null 2>&1; sleep 0.3
        "${C[@]}" task rm -f vt-c1 >/dev/null 2>&1; "${C[@]}" c rm vt-c1 >/dev/null 2>&1
        stop "$CPID"
    fi
    if [ -n "$DPID" ]; then "${D[@]}" rm -f vt-d1 >/dev/null 2>&1; stop "$DPID"; fi
    stop "$RPID"
    rmdir "/run/containerd/runc/$NS" 2>/dev/null
    # the cgroups of the namespace (containerd) and of --cgroup-parent (Docker), emptied
    for d in /sys/fs/cgroup/*/"$NS" /sys/fs/cgroup/"$NS"; do
        [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
    done
    grep -o " $TMP/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT

# watch_run NAME ARGS...: the agent with ARGS, then "$@" workloads from run_work
agent_start() {
    "$VIGIL" watch --output "$TMP/$1.out" "${@:2}" 2>"$TMP/$1.err" &
    WPID=$!
    for _ in $(seq 300); do grep -q ready "$TMP/$1.err" 2>/dev/null && break; sleep 0.1; done
    grep -q ready "$TMP/$1.err"
}
agent_stop() {
    for _ in $(seq 100); do grep -q 'vrt_marker' "$TMP/$1.out" 2>/dev/null && grep -q '/etc/shadow' "$TMP/$1.out" && break; sleep 0.1; done
    sleep 0.3
    stop "$WPID"; WPID=
}
# verdict NAME ID CNAME RUNTIME IMAGE
verdict() {
    "$PY" - "$TMP/$1.out" "${@:2}" "$DIGEST" <<'PYEOF'
import json, sys
out, cid, name, rt, img, digest = sys.argv[1:]
hits = [a for a in map(json.loads, open(out)) if a["rule"] == "Read sensitive file by untrusted program"
        and a.get("container", {}).get("id") == cid]
shadow = [a for a in hits if a["fields"].get("fd.name") == "/etc/shadow"]
passwd = [a for a in hits if a["fields"].get("fd.name") == "/etc/passwd"]
if not shadow:
    print("fire FAIL no alert for /etc/shadow in container", cid[:12])
else:
    c = shadow[0]["container"]
    want = {"id": cid, "name": name, "runtime": rt, "image": img, "image_digest": digest}
    bad = {k: c.get(k) for k in want if c.get(k) != want[k]}
    print("fire", "PASS" if not bad else "FAIL wrong attribution %r" % bad)
print("miss", "PASS" if not passwd else "FAIL /etc/passwd alerted")
PYEOF
}
report() {
    local label=$1 what verdict rest
    while read -r what verdict rest; do
        case $what in
        fire) [ "$verdict" = PASS ] && pass "$label/fire: read /etc/shadow names id, name, runtime, image, digest" || fail "$label/fire" "$rest" ;;
        miss) [ "$verdict" = PASS ] && pass "$label/miss: read /etc/passwd silent" || fail "$label/miss" "$rest" ;;
        esac
    done <"$TMP/$label.verdict"
    [ -s "$TMP/$label.verdict" ] || fail "$label/verdict" "no verdict: $(tail -3 "$TMP/$label.err")"
}
cat >"$TMP/marker.yaml" <<'Y'
- rule: vt marker
  desc: the end of a workload
  condition: evt.type = exec and proc.args contains vrt_marker
  output: "vrt_marker in %container.id"
  priority: DEBUG
Y

# ---- containerd ------------------------------------------------------------------------
containerd_suite() {
    local t ok=1
    for t in containerd ctr skopeo; do command -v $t >/dev/null || { missing "missing tool: $t"; return; }; done
    mkdir -p "$TMP/c"
    cat >"$TMP/c/config.toml" <<EOF
version = 2
disabled_plugins = ["io.containerd.grpc.v1.cri"]
root = "$TMP/c/root"
state = "$TMP/c/state"
[grpc]
  address = "$TMP/c/containerd.sock"
[ttrpc]
  address = "$TMP/c/containerd.sock.ttrpc"
EOF
    containerd --config "$TMP/c/config.toml" >"$TMP/c/log" 2>&1 &
    CPID=$!
    for _ in $(seq 100); do "${C[@]}" version >/dev/null 2>&1 && break; sleep 0.1; done
    "${C[@]}" version >/dev/null 2>&1 || { fail containerd/start "$(tail -3 "$TMP/c/log")"; return; }
    skopeo copy -q "oci:$IMGS/ref:alpine320" "oci-archive:$TMP/c/alpine.tar:docker.io/vigiltest/alpine320:test" 2>"$TMP/c/sk.err" &&
        "${C[@]}" images import --base-name docker.io/vigiltest/alpine320 "$TMP/c/alpine.tar" >"$TMP/c/import.log" 2>&1 ||
        { fail containerd/import "$(tail -2 "$TMP/c/sk.err" "$TMP/c/import.log")"; return; }
    "${C[@]}" run -d docker.io/vigiltest/alpine320:test vt-c1 sleep 300 >"$TMP/c/run.log" 2>&1 ||
        { fail containerd/run "$(tail -2 "$TMP/c/run.log")"; return; }
    [ -f "/run/containerd/runc/$NS/vt-c1/state.json" ] ||
        { fail containerd/runc-state "no /run/containerd/runc/$NS/vt-c1/state.json"; return; }
    agent_start ctrd --rules "$TMP/marker.yaml" --containerd-root "$TMP/c/root" ||
        { fail containerd/agent-start "$(cat "$TMP/ctrd.err")"; return; }
    "${C[@]}" task exec --exec-id e1 vt-c1 cat /etc/passwd >/dev/null
    "${C[@]}" task exec --exec-id e2 vt-c1 cat /etc/shadow >/dev/null
    "${C[@]}" task exec --exec-id e3 vt-c1 sh -c 'vrt_marker=1; true' >/dev/null
    agent_stop ctrd
    verdict ctrd vt-c1 vt-c1 containerd docker.io/vigiltest/alpine320:test >"$TMP/containerd.verdict"
    cp "$TMP/ctrd.err" "$TMP/containerd.err"
    report containerd
}

# ---- Docker ------------------------------------------------------------------------------
docker_suite() {
    local t rp cid
    for t in dockerd docker-registry skopeo; do command -v $t >/dev/null || { missing "missing tool: $t"; return; }; done
    command -v "$DOCKER" >/dev/null || { missing "missing tool: docker"; return; }
    mkdir -p "$TMP/d" "$TMP/reg"
    rp=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    printf '%s\n' "version: 0.1" "log:" "  level: error" "storage:" "  filesystem:" \
        "    rootdirectory: $TMP/reg" "http:" "  addr: 127.0.0.1:$rp" >"$TMP/reg.yml"
    docker-registry serve "$TMP/reg.yml" >"$TMP/reg.log" 2>&1 &
    RPID=$!
    for _ in $(seq 100); do curl -fs "http://127.0.0.1:$rp/v2/" >/dev/null 2>&1 && break; sleep 0.1; done
    skopeo copy -q --dest-tls-verify=false "oci:$IMGS/ref:alpine320" \
        "docker://127.0.0.1:$rp/vigiltest/alpine320:test" 2>"$TMP/d/push.err" ||
        { fail docker/push "$(tail -2 "$TMP/d/push.err")"; return; }
    dockerd --iptables=false --ip6tables=false --bridge=none --data-root "$TMP/d/root" \
        --exec-root "$TMP/d/x" -H "unix://$TMP/d/docker.sock" --pidfile "$TMP/d/pid" \
        --cgroup-parent "$NS" >"$TMP/d/log" 2>&1 &
    DPID=$!
    for _ in $(seq 300); do "${D[@]}" version >/dev/null 2>&1 && break; sleep 0.1; done
    "${D[@]}" version >/dev/null 2>&1 || { fail docker/start "$(tail -3 "$TMP/d/log")"; return; }
    "${D[@]}" pull -q "127.0.0.1:$rp/vigiltest/alpine320:test" >"$TMP/d/pull.log" 2>&1 ||
        { fail docker/pull "$(tail -2 "$TMP/d/pull.log")"; return; }
    cid=$("${D[@]}" run -d --name vt-d1 --network none "127.0.0.1:$rp/vigiltest/alpine320:test" sleep 300 2>"$TMP/d/run.err") ||
        { fail docker/run "$(tail -2 "$TMP/d/run.err")"; return; }
    agent_start dock --rules "$TMP/marker.yaml" --docker-root "$TMP/d/root" \
        --runc-root "$TMP/d/x/runtime-runc/moby" ||
        { fail docker/agent-start "$(cat "$TMP/dock.err")"; return; }
    "${D[@]}" exec vt-d1 cat /etc/passwd >/dev/null
    "${D[@]}" exec vt-d1 cat /etc/shadow >/dev/null
    "${D[@]}" exec vt-d1 sh -c 'vrt_marker=1; true' >/dev/null
    agent_stop dock
    verdict dock "$cid" vt-d1 docker "127.0.0.1:$rp/vigiltest/alpine320:test" >"$TMP/docker.verdict"
    cp "$TMP/dock.err" "$TMP/docker.err"
    report docker
}

containerd_suite
docker_suite
exit $((fails > 0))
