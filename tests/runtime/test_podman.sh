#!/usr/bin/env bash
# vigil watch attributes events in podman containers (issue 16): podman runs runc with
# its state under /run/runc and the bundle in containers/storage, whose records name the
# container, its image and the image's manifest digest. A container of the Alpine
# fixture image reads /etc/shadow (alert naming podman's container id, name, runtime
# podman, image and digest) and /etc/passwd (near miss, silent). Needs root, BTF,
# podman and skopeo: skipped elsewhere (a missing tool is a failure with CI=true).
set -uo pipefail
RT_NAME=podman
. "$(dirname "$0")/lib.sh"
skip_cap() { echo "SKIP: runtime/podman: $1"; exit 0; }
skip() {
    if [ "${CI:-}" = true ]; then echo "FAIL: runtime/podman: $1 (CI=true)"; exit 1; fi
    echo "SKIP: runtime/podman: $1"; exit 0
}
[ "$(id -u)" = 0 ] || skip_cap "needs root (BPF and podman)"
[ -r /sys/kernel/btf/vmlinux ] || skip_cap "capability: kernel without BTF"
for t in podman skopeo; do command -v $t >/dev/null || skip "missing tool: $t"; done
"$VIGIL" watch --self-check | grep -q 'tp_btf (sched_process_exec) *available' ||
    skip_cap "capability: the kernel refuses tp_btf programs"
IMGS=$(tests/fixtures/build-images.sh 2>/dev/null) || skip "fixture images not available"

TMP=$(mktemp -d /tmp/vigil-podman.XXXXXX)
NAME=vt$$-pod
IMG=localhost/vigil-rt-alpine320:test
WPID=
PODMAN=(podman --cgroup-manager cgroupfs)
cleanup() {
    [ -n "$WPID" ] && kill "$WPID" 2>/dev/null && wait "$WPID" 2>/dev/null
    "${PODMAN[@]}" rm -f -t 0 "$NAME" >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT

skopeo copy -q "oci:$IMGS/ref:alpine320" "containers-storage:$IMG" >/dev/null 2>"$TMP/skopeo.err" ||
    skip "cannot copy the fixture image into podman's storage: $(tail -1 "$TMP/skopeo.err")"
DIGEST=$(podman image inspect --format '{{.Digest}}' "$IMG")
CID=$("${PODMAN[@]}" run -d --name "$NAME" --network none --ulimit nofile=1024:1024 \
    --ulimit nproc=1024:1024 "$IMG" sleep 300 2>"$TMP/run.err") ||
    skip "podman cannot run a container here: $(tail -1 "$TMP/run.err")"

"$VIGIL" watch --output "$TMP/out" 2>"$TMP/err" &
WPID=$!
for _ in $(seq 300); do grep -q ready "$TMP/err" && break; sleep 0.1; done
grep -q ready "$TMP/err" || { fail "agent-start" "$(cat "$TMP/err")"; exit 1; }

"${PODMAN[@]}" exec "$NAME" cat /etc/passwd >/dev/null
"${PODMAN[@]}" exec "$NAME" cat /etc/shadow >/dev/null
# the marker: an exec after both workloads (events of one agent come in time order)
"${PODMAN[@]}" exec "$NAME" sh -c 'vrt_marker=1; true' >/dev/null
for _ in $(seq 100); do grep -q '"Read sensitive file' "$TMP/out" && break; sleep 0.1; done
sleep 0.3
kill "$WPID"; wait "$WPID" 2>/dev/null; WPID=

"$PY" - "$TMP/out" "$CID" "$NAME" "$IMG" "$DIGEST" >"$TMP/verdict" <<'PYEOF'
import json, sys
out, cid, name, img, digest = sys.argv[1:]
hits = [a for a in map(json.loads, open(out)) if a["rule"] == "Read sensitive file by untrusted program"
        and a.get("container", {}).get("id") == cid]
shadow = [a for a in hits if a["fields"].get("fd.name") == "/etc/shadow"]
passwd = [a for a in hits if a["fields"].get("fd.name") == "/etc/passwd"]
if not shadow:
    print("fire FAIL no alert for /etc/shadow in container", cid[:12])
else:
    c = shadow[0]["container"]
    want = {"id": cid, "name": name, "runtime": "podman", "image": img, "image_digest": digest}
    bad = {k: c.get(k) for k in want if c.get(k) != want[k]}
    print("fire", "PASS" if not bad else "FAIL wrong attribution %r" % bad)
print("miss", "PASS" if not passwd else "FAIL /etc/passwd alerted")
PYEOF
while read -r what verdict rest; do
    case $what in
    fire) [ "$verdict" = PASS ] && pass "fire: read /etc/shadow in a podman container (id, name, runtime, image, digest)" || fail "fire" "$rest" ;;
    miss) [ "$verdict" = PASS ] && pass "miss: read /etc/passwd in a podman container" || fail "miss" "$rest" ;;
    esac
done <"$TMP/verdict"
[ -s "$TMP/verdict" ] || fail "verdict" "no verdict: $(tail -3 "$TMP/err")"
[ "$fails" = 0 ]
