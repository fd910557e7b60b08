#!/usr/bin/env bash
# The response actions of vigil watch that test_live.sh does not cover, against real runc
# containers (OCI bundles unpacked by umoci from the fixture images):
#  - --deny-exec: a binary dropped into a running container (copied to /tmp, to the
#    /dev/shm tmpfs) cannot be executed, while the image's own binaries still run; a
#    container started after the agent is guarded too; the host running the very same
#    file through the bundle path is not affected; the guard ends with the agent.
#  - the pause action: the container of the alert is frozen (cgroup v2 cgroup.freeze, the
#    kernel's cgroup.events says "frozen 1"), another container is not.
# Every denial / pause is an alert naming the container id and image digest and saying
# what was done and whether it worked. Needs root, BTF, fanotify and runc.
set -uo pipefail
RT_NAME=response
. "$(dirname "$0")/lib.sh"
skip_cap() { echo "SKIP: runtime/response: $1"; exit 0; }
skip() {
    if [ "${CI:-}" = true ]; then echo "FAIL: runtime/response: $1 (CI=true)"; exit 1; fi
    echo "SKIP: runtime/response: $1"; exit 0
}

[ "$(id -u)" = 0 ] || skip_cap "needs root (BPF, fanotify and runc)"
[ -r /sys/kernel/btf/vmlinux ] || skip_cap "capability: kernel without BTF (/sys/kernel/btf/vmlinux)"
for t in runc umoci gcc; do command -v $t >/dev/null || skip "missing tool: $t"; done
SELF=$("$VIGIL" watch --self-check)
grep -q 'tp_btf (sched_process_exec) *available' <<<"$SELF" ||
    skip_cap "capability: the kernel refuses tp_btf programs"
grep -q 'FAN_OPEN_EXEC_PERM *available' <<<"$SELF" ||
    skip_cap "capability: fanotify permission events: $(grep FAN_OPEN <<<"$SELF")"
IMGS=$(tests/fixtures/build-images.sh 2>/dev/null) || skip "fixture images not available (tests/fixtures/build-images.sh failed)"
REF=$IMGS/ref

TMP=$(mktemp -d /tmp/vigil-resp.XXXXXX)
RUNC_ROOT=$TMP/runc
ID=vr$$
WPID=
cleanup() {
    [ -n "$WPID" ] && kill "$WPID" 2>/dev/null && wait "$WPID" 2>/dev/null
    for c in alp deb late; do
        cg=$(cgroup_of "$c" 2>/dev/null)
        [ -n "$cg" ] && [ -e "$cg/cgroup.freeze" ] && echo 0 >"$cg/cgroup.freeze" 2>/dev/null
        runc --root "$RUNC_ROOT" kill "$ID-$c" KILL 2>/dev/null
        runc --root "$RUNC_ROOT" delete -f "$ID-$c" 2>/dev/null
    done
    rm -rf "$TMP"
}
trap cleanup EXIT

gcc -static -O2 -o "$TMP/vrt-helper" tests/runtime/helper.c || skip "cannot build the static helper (libc6-dev)"

digest_of() { "$PY" -c '
import json, sys
for m in json.load(open(sys.argv[1] + "/index.json"))["manifests"]:
    if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == sys.argv[2]:
        print(m["digest"])' "$REF" "$1"; }

# the cgroup v2 directory of container NAME (runc state)
cgroup_of() { "$PY" -c '
import json, sys, os
s = json.load(open(sys.argv[1]))
p = s.get("cgroup_paths", {}).get("")
if not p:
    root = "/sys/fs/cgroup/unified" if os.path.isdir("/sys/fs/cgroup/unified") else "/sys/fs/cgroup"
    p = root + "/" + s["config"]["cgroups"]["path"].lstrip("/")
print(p)' "$RUNC_ROOT/$ID-$1/state.json"; }

bundle() {
    local b=$TMP/b-$1
    umoci unpack --image "$REF:$2" "$b" >/dev/null || return 1
    mkdir -p "$b/rootfs/usr/local/bin"
    cp "$TMP/vrt-helper" "$b/rootfs/usr/local/bin/vrt-helper"
    "$PY" - "$b/config.json" <<'PYEOF'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["process"]["terminal"] = False
c["process"]["args"] = ["sleep", "100000"]
c["process"]["env"] = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
c["root"]["readonly"] = False
c["linux"].pop("uidMappings", None); c["linux"].pop("gidMappings", None)
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "user"]
json.dump(c, open(p, "w"))
PYEOF
}
start() { (cd "$TMP/b-$1" && runc --root "$RUNC_ROOT" run -d "$ID-$1" >/dev/null 2>"$TMP/run-$1.err"); }
rexec() { local c=$1; shift; runc --root "$RUNC_ROOT" exec "$ID-$c" "$@" </dev/null; }

declare -A DIGEST
for spec in alp:alpine320 deb:debian late:alpine320; do
    IFS=: read -r name tag <<<"$spec"
    bundle "$name" "$tag" || { fail "bundle-$name" "umoci unpack failed"; exit 1; }
    DIGEST[$name]=$(digest_of "$tag")
done
for name in alp deb; do
    start "$name" || { fail "start-$name" "$(tail -2 "$TMP/run-$name.err")"; exit 1; }
done

# wait_for FILE TEXT: bounded wait until FILE contains TEXT
wait_for() { for _ in $(seq 300); do grep -qF -- "$2" "$1" 2>/dev/null && return 0
    kill -0 "$WPID" 2>/dev/null || return 1; sleep 0.1; done; return 1; }

# check_alert FILE CONTAINER PATH: one deny-exec alert for PATH in CONTAINER, right digest
check_alert() { "$PY" - "$1" "$ID-$2" "${DIGEST[$2]}" "$3" <<'PYEOF'
import json, sys
path, cid, digest, exe = sys.argv[1:]
for l in open(path):
    j = json.loads(l)
    if j["rule"] != "Execution of a binary not in the image denied": continue
    if j["fields"].get("fd.name") != exe: continue
    c, a = j["container"], j["action"]
    if c["id"] != cid: print("wrong container: " + c["id"]); break
    if c.get("image_digest") != digest: print("wrong digest: %s" % c.get("image_digest")); break
    if a.get("type") != "deny-exec" or a.get("result") != "denied": print("action: %s" % a); break
    print("ok"); break
else:
    print("no alert for " + exe)
PYEOF
}

# ---------------- deny-exec ----------------
cat >"$TMP/none.yaml" <<'Y'
- rule: nothing
  desc: never fires
  condition: evt.type = exec and proc.name = vigil-never-such-name
  output: "%proc.name"
  priority: DEBUG
Y
A=$TMP/deny.jsonl
"$VIGIL" watch --no-builtin --rules "$TMP/none.yaml" --runc-root "$RUNC_ROOT" --deny-exec \
    --output "$A" 2>"$TMP/deny.err" &
WPID=$!
if wait_for "$TMP/deny.err" 'vigil watch: ready' && grep -q "deny-exec guards container $ID-alp" "$TMP/deny.err" &&
    grep -q "deny-exec guards container $ID-deb" "$TMP/deny.err"; then
    pass "deny-exec-guards-running-containers ($(grep -m1 "guards container $ID-alp" "$TMP/deny.err" | sed 's/.*: //'))"
else
    fail deny-exec-guards-running-containers "$(cat "$TMP/deny.err")"
fi

# near misses: the image's binaries (and the helper put into the bundle before start) run
rexec alp /bin/busybox true; rc1=$?
rexec alp sh -c 'ls / >/dev/null && vrt-helper noop'; rc2=$?
rexec deb /bin/true; rc3=$?
if [ $rc1 = 0 ] && [ $rc2 = 0 ] && [ $rc3 = 0 ]; then pass deny-exec-near-miss-image-binaries-run
else fail deny-exec-near-miss-image-binaries-run "busybox $rc1, sh+helper $rc2, debian true $rc3"; fi

# a dropped binary: the copy of busybox in /tmp cannot run (EPERM: sh says 126)
out=$(rexec alp sh -c 'cp /bin/busybox /tmp/bb && /tmp/bb true; echo "rc=$?"' 2>&1)
if grep -q 'rc=126' <<<"$out"; then pass "deny-exec-dropped-binary-denied (alpine: $(tr '\n' ' ' <<<"$out"))"
else fail deny-exec-dropped-binary-denied "$out"; fi
wait_for "$A" '"fd.name":"/tmp/bb"' >/dev/null
v=$(check_alert "$A" alp /tmp/bb)
if [ "$v" = ok ]; then pass deny-exec-alert-names-container-and-digest; else fail deny-exec-alert-names-container-and-digest "$v; $(cat "$A")"; fi

# a dropped binary on a tmpfs of the container (/dev; /dev/shm is noexec anyway)
out=$(rexec alp sh -c 'cp /usr/local/bin/vrt-helper /dev/x && /dev/x noop; echo "rc=$?"' 2>&1)
wait_for "$A" '"fd.name":"/dev/x"' >/dev/null
v=$(check_alert "$A" alp /dev/x)
if grep -q 'rc=126' <<<"$out" && [ "$v" = ok ]; then pass deny-exec-tmpfs-denied
else fail deny-exec-tmpfs-denied "$out; $v"; fi

# Debian: a copied binary, and the image's binary chmod'ed (its inode changed) is drift too
out=$(rexec deb sh -c 'cp /bin/true /tmp/t && /tmp/t; echo "rc=$?"' 2>&1)
wait_for "$A" '"fd.name":"/tmp/t"' >/dev/null
v=$(check_alert "$A" deb /tmp/t)
if grep -q 'rc=126' <<<"$out" && [ "$v" = ok ]; then pass deny-exec-debian-dropped-binary-denied
else fail deny-exec-debian-dropped-binary-denied "$out; $v"; fi

# the host runs the very same file through the bundle path: not the container's mount
out=$(rexec alp sh -c 'cp /usr/local/bin/vrt-helper /tmp/h && /tmp/h noop; echo "rc=$?"' 2>&1)
grep -q 'rc=126' <<<"$out" || fail deny-exec-dropped-helper-denied "$out"
"$TMP/b-alp/rootfs/tmp/h" noop; rc=$?
if [ $rc = 0 ]; then pass deny-exec-host-not-affected; else fail deny-exec-host-not-affected "exit $rc"; fi

# a container started after the agent is guarded as soon as runc's state appears
start late || fail start-late "$(tail -2 "$TMP/run-late.err")"
if wait_for "$TMP/deny.err" "deny-exec guards container $ID-late"; then
    out=$(rexec late sh -c 'cp /bin/busybox /tmp/bb2 && /tmp/bb2 true; echo "rc=$?"' 2>&1)
    rexec late /bin/busybox true; rc=$?
    if grep -q 'rc=126' <<<"$out" && [ $rc = 0 ]; then pass deny-exec-new-container-guarded
    else fail deny-exec-new-container-guarded "$out; image busybox exit $rc"; fi
else
    fail deny-exec-new-container-guarded "never guarded: $(cat "$TMP/deny.err")"
fi

# a removed container is forgotten (its mounts leave the guard's table)
runc --root "$RUNC_ROOT" delete -f "$ID-late" >/dev/null 2>&1
if wait_for "$TMP/deny.err" "deny-exec forgot"; then pass "deny-exec-forgets-removed-container ($(grep -m1 'forgot' "$TMP/deny.err" | sed 's/.*: //'))"
else fail deny-exec-forgets-removed-container "$(tail -2 "$TMP/deny.err")"; fi
kill "$WPID"; wait "$WPID" 2>/dev/null; WPID=
if grep -qE 'deny-exec: [0-9]+ execs allowed, [1-9][0-9]* denied' "$TMP/deny.err"; then
    pass "deny-exec-counts ($(grep -oE '[0-9]+ execs allowed, [0-9]+ denied' "$TMP/deny.err"))"
else fail deny-exec-counts "$(tail -2 "$TMP/deny.err")"; fi
rexec alp /tmp/h noop; rc=$?
if [ $rc = 0 ]; then pass deny-exec-ends-with-the-agent; else fail deny-exec-ends-with-the-agent "exit $rc"; fi
if grep -qE 'Sanitizer|runtime error' "$TMP/deny.err"; then fail deny-exec-agent-sanitizers "$(grep -m3 -E 'Sanitizer|runtime error' "$TMP/deny.err")"
else pass deny-exec-agent-clean-exit; fi

# ---------------- pause ----------------
cat >"$TMP/pause.yaml" <<'Y'
- rule: pause on spinner
  desc: freezes the container that runs the test spinner
  condition: evt.type = exec and container.host = false and proc.args = "spin 60"
  output: "spinner %proc.pid in %container.id"
  priority: CRITICAL
  action: pause
Y
P=$TMP/pause.jsonl
"$VIGIL" watch --no-builtin --rules "$TMP/pause.yaml" --runc-root "$RUNC_ROOT" --action pause \
    --output "$P" 2>"$TMP/pause.err" &
WPID=$!
wait_for "$TMP/pause.err" 'vigil watch: ready' || fail pause-agent-start "$(cat "$TMP/pause.err")"
CG_ALP=$(cgroup_of alp); CG_DEB=$(cgroup_of deb)
# near miss first: a process that is not the spinner changes nothing
rexec alp vrt-helper spin 0; rc=$?
if [ $rc = 0 ] && grep -q '^frozen 0' "$CG_ALP/cgroup.events" && [ ! -s "$P" ]; then
    pass pause-near-miss-not-frozen
else fail pause-near-miss-not-frozen "exit $rc, $(grep frozen "$CG_ALP/cgroup.events"), $(cat "$P")"; fi
rexec alp vrt-helper spin 60 >/dev/null 2>&1 &
SPIN=$!
wait_for "$P" '"type":"pause"' >/dev/null
if grep -q '^frozen 1' "$CG_ALP/cgroup.events" && grep -q '"result":"paused: container frozen"' "$P" &&
    grep -qF "\"cgroup\":\"$CG_ALP\"" "$P" && grep -qF "\"image_digest\":\"${DIGEST[alp]}\"" "$P"; then
    pass "pause-container-frozen ($(grep -o '"action":{[^}]*}' "$P" | head -1))"
else
    fail pause-container-frozen "$(grep frozen "$CG_ALP/cgroup.events"); $(cat "$P")"
fi
if grep -q '^frozen 0' "$CG_DEB/cgroup.events" && rexec deb /bin/true; then pass pause-other-container-runs
else fail pause-other-container-runs "$(grep frozen "$CG_DEB/cgroup.events")"; fi
kill "$WPID"; wait "$WPID" 2>/dev/null; WPID=
if grep -q '^frozen 1' "$CG_ALP/cgroup.events"; then pass pause-outlives-the-agent
else fail pause-outlives-the-agent "$(grep frozen "$CG_ALP/cgroup.events")"; fi
echo 0 >"$CG_ALP/cgroup.freeze"
kill "$SPIN" 2>/dev/null; wait "$SPIN" 2>/dev/null
if rexec alp /bin/true; then pass pause-thawed-runs-again; else fail pause-thawed-runs-again "exec failed after thaw"; fi
if grep -qE 'Sanitizer|runtime error' "$TMP/pause.err"; then fail pause-agent-sanitizers "$(grep -m3 -E 'Sanitizer|runtime error' "$TMP/pause.err")"
else pass pause-agent-clean-exit; fi

exit $((fails > 0))
