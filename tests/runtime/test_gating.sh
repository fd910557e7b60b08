#!/usr/bin/env bash
# What the sensor's exec probe reads is decided from the loaded rules (argv, controlling
# terminal, stdio sockets: always, for some exec names, for memfd executables, never;
# docs/runtime.md). Part 1 checks the decision for the built-in rules and for rule files
# made to probe each case of the analysis (`vigil watch --check-rules`, no root needed).
# Part 2 runs the agent against a runc container (Alpine fixture) and checks that what a
# loaded rule needs is still read: the built-in reverse-shell rule on a shell whose stdio
# is a socket, a user rule reading the stdio sockets of a non-shell name, and the
# arguments of a short-lived host process that a host rule alerts on after its exec was
# read without argv (the open event carries them). Part 2 needs root, BTF and runc.
set -uo pipefail
RT_NAME=gating
. "$(dirname "$0")/lib.sh"
skip_cap() { echo "SKIP: runtime/gating/live: $1"; exit $((fails > 0)); }
skip() {
    if [ "${CI:-}" = true ]; then echo "FAIL: runtime/gating/live: $1 (CI=true)"; exit 1; fi
    echo "SKIP: runtime/gating/live: $1"; exit $((fails > 0))
}
TMP=$(mktemp -d /tmp/vigil-gating.XXXXXX)
RUNC_ROOT=$TMP/runc
ID=vg$$
WPID=
cleanup() {
    [ -n "$WPID" ] && kill "$WPID" 2>/dev/null && wait "$WPID" 2>/dev/null
    runc --root "$RUNC_ROOT" delete -f "$ID" >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT

# ---- part 1: the decision ----
# plan NAME EXPECTED-CONTAINER-LINE EXPECTED-HOST-LINE [--no-builtin --rules FILE]
plan() {
    local name=$1 want0=$2 want1=$3 got0 got1
    shift 3
    if ! "$VIGIL" watch --check-rules "$@" >"$TMP/plan" 2>"$TMP/plan.err"; then
        fail "plan-$name" "$(cat "$TMP/plan.err")"; return
    fi
    got0=$(sed -n 's/^exec probe, in containers: //p' "$TMP/plan")
    got1=$(sed -n 's/^exec probe, settled host cgroups: //p' "$TMP/plan")
    if [ "$got0" = "$want0" ] && [ "$got1" = "$want1" ]; then pass "plan-$name"
    else fail "plan-$name" "containers: '$got0' (want '$want0'); host: '$got1' (want '$want1')"; fi
}
rules() { # NAME: the rule file $TMP/NAME.yaml from stdin
    cat >"$TMP/$1.yaml"
}
plan builtin "argv always; tty for 10 names; stdio for 10 names" \
    "argv for memfd executables; tty never; stdio never; argv of other events: 2 types"

# stdio of one name, containers only
rules stdio_name <<'Y'
- rule: helper with socket stdio
  desc: x
  condition: evt.type = exec and container.host = false and proc.name = vrt-helper and proc.stdin_socket = true
  output: "%proc.name"
  priority: NOTICE
Y
plan stdio-one-name "argv for 1 names; tty never; stdio for 1 names" \
    "argv never; tty never; stdio never" --no-builtin --rules "$TMP/stdio_name.yaml"

# the name is only one way the rule can be true: stdio for every exec
rules stdio_or <<'Y'
- rule: name or socket
  desc: x
  condition: evt.type = exec and (proc.name = vrt-helper or proc.stdout_socket = true)
  output: "%proc.name"
  priority: NOTICE
Y
plan stdio-or-every-exec "argv always; tty never; stdio always" "argv always; tty never; stdio always" \
    --no-builtin --rules "$TMP/stdio_or.yaml"

# a negated name list guards nothing
rules tty_not <<'Y'
- rule: tty but not these
  desc: x
  condition: evt.type = exec and not proc.name in (sh, bash) and proc.tty = true
  output: "%proc.name"
  priority: NOTICE
Y
plan tty-negated-names "argv always; tty always; stdio never" "argv always; tty always; stdio never" \
    --no-builtin --rules "$TMP/tty_not.yaml"

# an exception reading the terminal, on a rule of two names
rules tty_exc <<'Y'
- list: pair
  items: [alpha, beta]
- rule: pair without a terminal
  desc: x
  condition: evt.type = exec and proc.name in (pair)
  output: "%proc.name"
  priority: NOTICE
  exceptions:
    - name: interactive
      fields: [proc.tty]
      values: [["true"]]
Y
plan tty-exception "argv for 2 names; tty for 2 names; stdio never" \
    "argv for 2 names; tty for 2 names; stdio never" --no-builtin --rules "$TMP/tty_exc.yaml"

# a name longer than a comm (15 bytes) can never match: nothing to read for it
rules long_name <<'Y'
- rule: long name
  desc: x
  condition: evt.type = exec and proc.name = a-name-longer-than-fifteen and proc.args contains x
  output: "%proc.name"
  priority: NOTICE
Y
plan long-name-never "argv never; tty never; stdio never" "argv never; tty never; stdio never" \
    --no-builtin --rules "$TMP/long_name.yaml"

# a host rule on opens that reads argv: host execs carry none, the opens carry it
rules open_args <<'Y'
- rule: open by args
  desc: x
  condition: evt.type = open and proc.args contains vrt
  output: "%proc.cmdline"
  priority: NOTICE
Y
plan open-args-on-the-event "argv never; tty never; stdio never; argv of other events: 1 types" \
    "argv never; tty never; stdio never; argv of other events: 1 types" \
    --no-builtin --rules "$TMP/open_args.yaml"

# memfd executables only
rules memfd <<'Y'
- rule: memfd only
  desc: x
  condition: evt.type = exec and proc.exe_memfd = true and proc.tty = true
  output: "%proc.cmdline"
  priority: NOTICE
Y
plan memfd-flag "argv for memfd executables; tty for memfd executables; stdio never" \
    "argv for memfd executables; tty for memfd executables; stdio never" \
    --no-builtin --rules "$TMP/memfd.yaml"

# ---- part 2: the agent still sees what the rules need ----
[ "$(id -u)" = 0 ] || skip_cap "needs root (BPF and runc)"
[ -r /sys/kernel/btf/vmlinux ] || skip_cap "capability: kernel without BTF (/sys/kernel/btf/vmlinux)"
for t in runc umoci gcc; do command -v $t >/dev/null || skip "missing tool: $t"; done
"$VIGIL" watch --self-check | grep -q 'tp_btf (sched_process_exec) *available' ||
    skip_cap "capability: the kernel refuses tp_btf programs"
IMGS=$(tests/fixtures/build-images.sh 2>/dev/null) || skip "fixture images not available"
gcc -static -O2 -o "$TMP/vrt-helper" tests/runtime/helper.c || skip "cannot build the static helper (libc6-dev)"
B=$TMP/bundle
umoci unpack --image "$IMGS/ref:alpine320" "$B" >/dev/null || { fail bundle "umoci unpack failed"; exit 1; }
mkdir -p "$B/rootfs/usr/local/bin"
cp "$TMP/vrt-helper" "$B/rootfs/usr/local/bin/vrt-helper"
"$PY" - "$B/config.json" <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["process"]["args"] = ["sleep", "100000"]
c["linux"].pop("uidMappings", None); c["linux"].pop("gidMappings", None)
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "user"]
json.dump(c, open(sys.argv[1], "w"))
PYEOF
(cd "$B" && runc --root "$RUNC_ROOT" run -d "$ID" >/dev/null 2>"$TMP/run.err") ||
    { fail container-start "$(tail -2 "$TMP/run.err")"; exit 1; }

cat >"$TMP/live.yaml" <<'Y'
- rule: test marker
  desc: a marker exec separating the workloads
  condition: evt.type = exec and container.host = false and proc.args startswith VIGIL-MARK-
  output: "%proc.args"
  priority: DEBUG
- rule: helper with socket stdio
  desc: the helper (not a shell) started with a socket as stdin
  condition: evt.type = exec and container.host = false and proc.name = vrt-helper and proc.stdin_socket = true
  output: "helper stdio socket in %container.id"
  priority: NOTICE
- rule: short host reader
  desc: the test's short-lived host process read /etc/shadow
  condition: evt.type = open and container.host = true and proc.name = vrtshortcat
  output: "short reader cmdline=%proc.cmdline"
  priority: NOTICE
Y
ALERTS=$TMP/alerts.jsonl
"$VIGIL" watch --rules "$TMP/live.yaml" --runc-root "$RUNC_ROOT" --dedup 0 --rate 100000 \
    --output "$ALERTS" 2>"$TMP/watch.err" &
WPID=$!
for _ in $(seq 1200); do grep -q 'vigil watch: ready' "$TMP/watch.err" && break
    kill -0 $WPID 2>/dev/null || break; sleep 0.1; done
grep -q 'vigil watch: ready' "$TMP/watch.err" || { fail agent-start "$(cat "$TMP/watch.err")"; exit 1; }
mark() { # N: a marker exec in the container, then wait until the agent printed it
    runc --root "$RUNC_ROOT" exec "$ID" /bin/echo "VIGIL-MARK-$ID-$1" >/dev/null </dev/null
    for _ in $(seq 600); do grep -q "\"output\":\"VIGIL-MARK-$ID-$1\"" "$ALERTS" 2>/dev/null && return 0
        sleep 0.05; done
    return 1
}
seen() { grep "\"rule\":\"$1\"" "$ALERTS" | grep -q "\"id\":\"$ID\""; }
mark 0 || { fail marker "the agent never printed the first marker"; exit 1; }

# the built-in reverse-shell rule: a shell whose stdin and stdout are a socket
runc --root "$RUNC_ROOT" exec "$ID" vrt-helper sock-exec >/dev/null 2>&1 </dev/null
mark 1 || fail marker-1 "marker never seen"
if seen "Redirect stdin or stdout to network connection"; then pass "builtin-stdio-of-a-shell-read"
else fail "builtin-stdio-of-a-shell-read" "no alert; $(cut -c1-200 "$ALERTS" | tail -3)"; fi
# a user rule on the stdio sockets of a non-shell name
runc --root "$RUNC_ROOT" exec "$ID" vrt-helper sock-exec-self >/dev/null 2>&1 </dev/null
mark 2 || fail marker-2 "marker never seen"
if seen "helper with socket stdio"; then pass "user-rule-stdio-of-its-name-read"
else fail "user-rule-stdio-of-its-name-read" "no alert"; fi
# near miss: the same program with ordinary stdio
runc --root "$RUNC_ROOT" exec "$ID" vrt-helper exec-self >/dev/null 2>&1 </dev/null
mark 3 || fail marker-3 "marker never seen"
if [ "$(grep -c '"rule":"helper with socket stdio"' "$ALERTS")" = 1 ]; then pass "user-rule-near-miss-silent"
else fail "user-rule-near-miss-silent" "$(grep -c '"rule":"helper with socket stdio"' "$ALERTS") alerts"; fi

# a short-lived host process, exec read without argv once this shell's cgroup has
# settled as the host's: the host rule's alert still has its arguments
cp /bin/cat "$TMP/vrtshortcat"
: </etc/shadow
sleep 1.3
: </etc/shadow
sleep 0.4
"$TMP/vrtshortcat" /etc/shadow vrt-short-arg-$$ >/dev/null 2>&1
for _ in $(seq 200); do grep -q '"rule":"short host reader"' "$ALERTS" && break; sleep 0.05; done
kill "$WPID"; wait "$WPID" 2>/dev/null; WPID=
nl=$(grep -o '[0-9]* settled host cgroups had lean execs' "$TMP/watch.err" | grep -o '^[0-9]*')
if [ -n "$nl" ] && [ "$nl" -ge 1 ] && grep -q 'settled host cgroups: argv for memfd executables;' "$TMP/watch.err" &&
    grep '"rule":"short host reader"' "$ALERTS" | grep -q "cmdline=vrtshortcat /etc/shadow vrt-short-arg-$$"; then
    pass "short-lived-host-process-args-in-alert ($nl lean cgroups)"
else
    fail "short-lived-host-process-args-in-alert" "lean=${nl:-none}: $(grep '"rule":"short host reader"' "$ALERTS" | head -c 300) $(tail -2 "$TMP/watch.err")"
fi
if grep -q ' 0 lost' "$TMP/watch.err"; then pass no-events-lost; else fail no-events-lost "$(tail -3 "$TMP/watch.err")"; fi
if grep -qE 'Sanitizer|runtime error' "$TMP/watch.err"; then fail agent-sanitizers "$(grep -m3 -E 'Sanitizer|runtime error' "$TMP/watch.err")"
else pass agent-clean-exit; fi
exit $((fails > 0))
