#!/usr/bin/env bash
# vigil watch against real containers: runc runs OCI bundles unpacked (umoci) from the
# fixture images (Alpine 3.20, Debian bookworm; tests/fixtures/build-images.sh); every
# workload in cases.txt that must fire alerts with the right rule, container id and
# image digest, and every near miss stays silent. A marker exec after each workload
# tells the test when the agent has seen everything before it (the ring buffer keeps
# order), so there are no sleeps. Then the kill action stops a running process, and a
# host process is attributed to the host. Needs root, BTF and runc: skipped elsewhere
# (a missing tool is a failure with CI=true). VIGIL_LIVE_FILTER=TEXT runs only the cases whose rule
# contains TEXT.
set -uo pipefail
RT_NAME=live
. "$(dirname "$0")/lib.sh"
# a machine without root or BPF cannot run this: SKIP (also in CI); a missing tool or
# fixture is a FAIL with CI=true
skip_cap() { echo "SKIP: runtime/live: $1"; exit 0; }
skip() {
    if [ "${CI:-}" = true ]; then echo "FAIL: runtime/live: $1 (CI=true)"; exit 1; fi
    echo "SKIP: runtime/live: $1"; exit 0
}

[ "$(id -u)" = 0 ] || skip_cap "needs root (BPF and runc)"
[ -r /sys/kernel/btf/vmlinux ] || skip_cap "capability: kernel without BTF (/sys/kernel/btf/vmlinux)"
for t in runc umoci gcc script; do command -v $t >/dev/null || skip "missing tool: $t"; done
"$VIGIL" watch --self-check | grep -q 'tp_btf (sched_process_exec) *available' ||
    skip_cap "capability: the kernel refuses tp_btf programs: $("$VIGIL" watch --self-check | head -1)"
IMGS=$(tests/fixtures/build-images.sh 2>/dev/null) || skip "fixture images not available (tests/fixtures/build-images.sh failed)"
REF=$IMGS/ref

TMP=$(mktemp -d /tmp/vigil-live.XXXXXX)
RUNC_ROOT=$TMP/runc
ID=vt$$
WPID=
cleanup() {
    [ -n "$WPID" ] && kill "$WPID" 2>/dev/null && wait "$WPID" 2>/dev/null
    for c in alp priv deb kill; do
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

# bundle NAME TAG [privileged]: umoci unpack, the helper in /usr/local/bin, sleep as init
bundle() {
    local b=$TMP/b-$1
    umoci unpack --image "$REF:$2" "$b" >/dev/null || return 1
    mkdir -p "$b/rootfs/usr/local/bin" "$b/rootfs/var/log" "$b/rootfs/mnt"
    cp "$TMP/vrt-helper" "$b/rootfs/usr/local/bin/vrt-helper"
    "$PY" - "$b/config.json" "${3:-}" <<'PYEOF'
import json, sys
p, priv = sys.argv[1], sys.argv[2]
c = json.load(open(p))
c["process"]["terminal"] = False
c["process"]["args"] = ["sleep", "100000"]
c["process"]["env"] = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
c["root"]["readonly"] = False
c["linux"].pop("uidMappings", None); c["linux"].pop("gidMappings", None)
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "user"]
if priv:
    for k in c["process"]["capabilities"]:
        c["process"]["capabilities"][k] = sorted(set(c["process"]["capabilities"][k]) | {"CAP_SYS_ADMIN"})
json.dump(c, open(p, "w"))
PYEOF
}
start() { (cd "$TMP/b-$1" && runc --root "$RUNC_ROOT" run -d "$ID-$1" >/dev/null 2>"$TMP/run-$1.err"); }

declare -A DIGEST
for spec in alp:alpine320 priv:alpine320:priv deb:debian; do
    IFS=: read -r name tag priv <<<"$spec"
    if ! bundle "$name" "$tag" "$priv" || ! start "$name"; then
        fail "start-$name" "$(cat "$TMP/run-$name.err" 2>/dev/null | tail -2)"
        exit 1
    fi
    DIGEST[$name]=$(digest_of "$tag")
done

# the agent: built-in rules plus a marker rule
cat >"$TMP/marker.yaml" <<'Y'
- rule: test marker
  desc: a marker exec separating the workloads of the live test
  condition: evt.type = exec and proc.args startswith VIGIL-MARK-
  output: "%proc.args"
  priority: DEBUG
Y
ALERTS=$TMP/alerts.jsonl
"$VIGIL" watch --rules "$TMP/marker.yaml" --runc-root "$RUNC_ROOT" --dedup 0 --rate 100000 \
    --output "$ALERTS" 2>"$TMP/watch.err" &
WPID=$!
for _ in $(seq 1200); do grep -q 'vigil watch: ready' "$TMP/watch.err" && break
    kill -0 $WPID 2>/dev/null || break; sleep 0.1; done
grep -q 'vigil watch: ready' "$TMP/watch.err" || { fail agent-start "$(cat "$TMP/watch.err")"; exit 1; }
pass agent-start

# mark N CONTAINER: run the marker and wait until the agent printed it
mark() {
    runc --root "$RUNC_ROOT" exec "$ID-$2" /bin/echo "VIGIL-MARK-$ID-$1" >/dev/null </dev/null
    for _ in $(seq 600); do grep -q "\"output\":\"VIGIL-MARK-$ID-$1\"" "$ALERTS" 2>/dev/null && return 0
        sleep 0.05; done
    return 1
}

i=0
mark 0 alp || { fail marker "the agent never printed the first marker"; exit 1; }
while IFS='|' read -r kind cont rule cmd; do
    case $kind in fire|miss) ;; *) continue ;; esac
    [ -z "${VIGIL_LIVE_FILTER:-}" ] || [[ "$rule" == *"$VIGIL_LIVE_FILTER"* ]] || continue
    i=$((i + 1))
    cmd=${cmd//H /vrt-helper }
    user=()
    if [[ $cmd == U1000* ]]; then user=(--user 1000:1000); cmd=${cmd#U1000 }; fi
    if [[ $cmd == TTY* ]]; then
        script -qec "runc --root '$RUNC_ROOT' exec -t '$ID-$cont' ${cmd#TTY }" /dev/null >/dev/null 2>&1 </dev/null
    else
        runc --root "$RUNC_ROOT" exec "${user[@]}" "$ID-$cont" sh -c "$cmd" >/dev/null 2>&1 </dev/null
    fi
    if ! mark "$i" "$cont"; then fail "$kind-$i" "marker $i never seen"; continue; fi
    verdict=$("$PY" - "$ALERTS" "$i" "$kind" "$rule" "$ID-$cont" "${DIGEST[$cont]}" "$ID" <<'PYEOF'
import json, sys
path, i, kind, rule, cid, digest, tid = sys.argv[1:]
seg, on = [], False
for l in open(path):
    j = json.loads(l)
    if j["rule"] == "test marker":
        if j["output"] == "VIGIL-MARK-%s-%d" % (tid, int(i) - 1): on = True; continue
        if j["output"] == "VIGIL-MARK-%s-%s" % (tid, i): break
    elif on:
        seg.append(j)
hits = [j for j in seg if j["rule"] == rule]
# other tests may run containers at the same time: they are the host to this agent
# (it reads only its own --runc-root), so a near miss looks at this container only
mine = [j for j in hits if j["container"]["id"] == cid]
if kind == "miss":
    print("ok" if not mine else "alerted: " + mine[0]["output"])
elif not hits:
    print("no alert; saw: " + "; ".join(sorted({j["rule"] for j in seg})))
elif not mine:
    print("wrong container: %s" % json.dumps(hits[0]["container"]))
else:
    c = mine[0]["container"]
    ok = c.get("image_digest") == digest and c.get("runtime") == "runc"
    print("ok" if ok else "wrong image: %s" % json.dumps(c))
PYEOF
)
    if [ "$verdict" = ok ]; then pass "$kind: $rule ($cont: ${cmd:0:40})"
    else fail "$kind: $rule ($cont: ${cmd:0:40})" "$verdict"; fi
done <tests/runtime/cases.txt

# a host process is attributed to the host
"$TMP/vrt-helper" finit-module
mark host alp || fail host-marker "marker never seen"
if grep '"Linux kernel module injection"' "$ALERTS" | grep -F "\"exe\":\"$TMP/vrt-helper\"" |
    grep -q '"container":{"id":"host"}'; then pass host-attribution
else fail host-attribution "no host alert for finit_module"; fi
kill "$WPID"; wait "$WPID" 2>/dev/null; WPID=
if grep -q ' 0 lost' "$TMP/watch.err"; then pass no-events-lost; else fail no-events-lost "$(tail -1 "$TMP/watch.err")"; fi
if grep -qE 'Sanitizer|runtime error' "$TMP/watch.err"; then fail agent-sanitizers "$(grep -m3 -E 'Sanitizer|runtime error' "$TMP/watch.err")"
else pass agent-clean-exit; fi

# ---- the kill action stops the process ----
cat >"$TMP/kill.yaml" <<'Y'
- rule: kill spinner
  desc: kills the test spinner
  condition: evt.type = exec and proc.args = "spin 60"
  output: "spinner %proc.pid"
  priority: CRITICAL
  action: kill
Y
"$VIGIL" watch --no-builtin --rules "$TMP/kill.yaml" --runc-root "$RUNC_ROOT" --action kill \
    --output "$TMP/kill.jsonl" 2>"$TMP/kill.err" &
WPID=$!
# (a loaded machine can take long to load the sensor: wait up to 2 minutes for it)
for _ in $(seq 1200); do grep -q 'vigil watch: ready' "$TMP/kill.err" && break; sleep 0.1; done
grep -q 'vigil watch: ready' "$TMP/kill.err" || fail kill-action-ready "the agent was not ready after 120 s: $(tail -3 "$TMP/kill.err")"
runc --root "$RUNC_ROOT" exec "$ID-alp" vrt-helper spin 60; rc=$?
if [ $rc = 137 ] && grep -q '"result":"killed"' "$TMP/kill.jsonl" && grep -q '"bpf_send_signal":"armed' "$TMP/kill.jsonl"; then
    pass "kill-action (exit $rc, $(grep -o '"action":{[^}]*}' "$TMP/kill.jsonl" | head -1))"
else
    fail kill-action "exit $rc; alerts: $(cat "$TMP/kill.jsonl"); agent: $(tail -5 "$TMP/kill.err" | tr '\n' '|')"
fi
runc --root "$RUNC_ROOT" exec "$ID-alp" vrt-helper spin 1; rc=$?
if [ $rc = 0 ]; then pass kill-action-near-miss; else fail kill-action-near-miss "exit $rc"; fi
kill "$WPID"; wait "$WPID" 2>/dev/null; WPID=
if grep -qE 'Sanitizer|runtime error' "$TMP/kill.err"; then fail kill-agent-sanitizers "$(grep -m3 -E 'Sanitizer|runtime error' "$TMP/kill.err")"
else pass kill-agent-clean-exit; fi

# ---- the deny action: a container's connects fail after an alert, others' do not ----
cat >"$TMP/deny.yaml" <<'Y'
- rule: deny after a miner port
  desc: denies the egress of a container that contacts port 3333
  condition: evt.type = connect and container.host = false and net.port = 3333
  output: "deny %container.id"
  priority: CRITICAL
  action: deny
Y
"$VIGIL" watch --no-builtin --rules "$TMP/deny.yaml" --rules "$TMP/marker.yaml" --runc-root "$RUNC_ROOT" \
    --action deny --output "$TMP/deny.jsonl" 2>"$TMP/deny.err" &
WPID=$!
for _ in $(seq 1200); do grep -q 'vigil watch: ready' "$TMP/deny.err" && break; sleep 0.1; done
before=$(runc --root "$RUNC_ROOT" exec "$ID-alp" vrt-helper connect-errno 8080 </dev/null)
runc --root "$RUNC_ROOT" exec "$ID-alp" vrt-helper connect 3333 </dev/null
ALERTS=$TMP/deny.jsonl mark deny alp || fail deny-marker "marker never seen"
after=$(runc --root "$RUNC_ROOT" exec "$ID-alp" vrt-helper connect-errno 8080 </dev/null)
other=$(runc --root "$RUNC_ROOT" exec "$ID-priv" vrt-helper connect-errno 8080 </dev/null)
if [ "$before" = ECONNREFUSED ] && [ "$after" = EPERM ] &&
    grep -q '"result":"egress denied: cgroup connect4/connect6 programs attached"' "$TMP/deny.jsonl"; then
    pass "deny-action (connect before: $before, after: $after)"
else
    fail deny-action "before $before, after $after; $(cat "$TMP/deny.jsonl")"
fi
if [ "$other" = ECONNREFUSED ]; then pass deny-action-other-container-unaffected
else fail deny-action-other-container-unaffected "$other"; fi
kill "$WPID"; wait "$WPID" 2>/dev/null; WPID=
after_stop=$(runc --root "$RUNC_ROOT" exec "$ID-alp" vrt-helper connect-errno 8080 </dev/null)
if [ "$after_stop" = ECONNREFUSED ]; then pass deny-lifted-when-agent-stops
else fail deny-lifted-when-agent-stops "$after_stop"; fi
if grep -qE 'Sanitizer|runtime error' "$TMP/deny.err"; then fail deny-agent-sanitizers "$(grep -m3 -E 'Sanitizer|runtime error' "$TMP/deny.err")"
else pass deny-agent-clean-exit; fi

exit $((fails > 0))
