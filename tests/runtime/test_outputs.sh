#!/usr/bin/env bash
# The outputs of vigil watch beyond the alert file, driven by --replay (recorded events, no
# kernel needed):
#  - --serve URL --token-file F: every printed alert reaches vigil serve
#    (POST /api/v1/events/runtime) and is listed by GET /api/v1/events/runtime (filters,
#    paging), with the SQLite store and with a PostgreSQL store (started here when the
#    postgresql-15 binaries are installed);
#  - a flood: 20,000 identical events give one alert (dedup) and 2,000 distinct ones are
#    cut by the rate limit; the server holds exactly what the agent printed;
#  - the endpoint refuses malformed alerts, a read-only token and missing tokens;
#  - a wrong token: the agent counts the failed posts and goes on;
#  - --syslog: each alert reaches /dev/log (a datagram socket of this test, bound over
#    /dev/log in a private mount namespace) with the priority mapped to a syslog level.
set -uo pipefail
RT_NAME=outputs
. "$(dirname "$0")/lib.sh"
missing() {
    if [ "${CI:-}" = true ]; then echo "FAIL: runtime/outputs: $1 (CI=true)"; return 1; fi
    echo "SKIP: runtime/outputs: $1"; return 0
}
for t in curl jq; do command -v $t >/dev/null || { missing "missing tool: $t"; exit $?; }; done

TMP=$(mktemp -d /tmp/vigil-out.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    type pg_stop >/dev/null 2>&1 && pg_stop
    rm -rf "$TMP"
}
trap cleanup EXIT

# ---- recorded events: a few distinct alerts, a flood of one, a flood of distinct ones ----
EV=tests/runtime/rules/builtin.events.jsonl
"$PY" - "$TMP" <<'PYEOF'
import json, sys
d = sys.argv[1]
c = {"id": "web-1", "image": "registry.local/web:1", "image_digest": "sha256:" + "ab" * 32}
shell = {"type": "exec", "pid": 200, "comm": "bash", "ancestors": ["runc"], "path": "/bin/bash",
         "args": ["bash"], "flags": ["tty"], "container": c}
with open(d + "/same.jsonl", "w") as f:
    for i in range(20000):
        f.write(json.dumps(shell) + "\n")
with open(d + "/distinct.jsonl", "w") as f:
    for i in range(2000):
        e = {"type": "open", "pid": 300 + i, "comm": "cat", "ancestors": ["sh"],
             "path": "/etc/shadow-%d" % i, "container": dict(c, id="db-%d" % (i % 3))}
        f.write(json.dumps(e) + "\n")
PYEOF
cat >"$TMP/shadow.yaml" <<'Y'
- rule: shadow probe
  desc: reads of /etc/shadow-N (the flood of distinct alerts)
  condition: evt.type = open and fd.name startswith /etc/shadow-
  output: "probe %fd.name in %container.id"
  priority: NOTICE
Y

# serve_suite LABEL STORE-ARGS...: a server on that store, then the checks
serve_suite() {
    local label=$1; shift
    local store=("$@") port base
    AGENT=$("$VIGIL" serve token add agent --scopes scan "${store[@]}") || { fail "$label/token" "token add failed"; return; }
    READER=$("$VIGIL" serve token add reader --scopes read "${store[@]}")
    printf '%s\n' "$AGENT" >"$TMP/agent.tok"
    printf 'not-a-token\n' >"$TMP/wrong.tok"
    rm -f "$TMP/port"
    "$VIGIL" serve --listen 127.0.0.1:0 --port-file "$TMP/port" "${store[@]}" --max-body 4M \
        2>>"$TMP/serve-$label.err" &
    local spid=$!; pids+=("$spid")
    for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.1; done
    port=$(cat "$TMP/port" 2>/dev/null)
    [ -n "$port" ] || { fail "$label/server-start" "$(tail -3 "$TMP/serve-$label.err")"; return; }
    base=http://127.0.0.1:$port
    get() { curl -s -H "Authorization: Bearer $READER" "$base/api/v1/events/runtime$1"; }

    # the built-in rules' replay: every alert printed is stored, in order, whole
    "$VIGIL" watch --replay "$EV" --dedup 0 --serve "$base" --token-file "$TMP/agent.tok" \
        --output "$TMP/a1-$label.jsonl" 2>"$TMP/w1.err"
    local printed stored
    printed=$(wc -l <"$TMP/a1-$label.jsonl")
    get "?limit=500" >"$TMP/g1.json"
    stored=$(jq '.events | length' "$TMP/g1.json")
    if [ "$printed" -gt 20 ] && [ "$stored" = "$printed" ] &&
        grep -q "serve: $printed alerts posted, 0 failed, 0 dropped" "$TMP/w1.err" &&
        [ "$(jq -c '[.events[].alert] | reverse | .[]' "$TMP/g1.json" | jq -S -c .)" = "$(jq -S -c . "$TMP/a1-$label.jsonl")" ]; then
        pass "$label/every-alert-stored-whole ($stored alerts)"
    else
        fail "$label/every-alert-stored-whole" "printed $printed, stored $stored; $(tail -1 "$TMP/w1.err")"
    fi
    # filters and paging
    local r1 n1 next n2
    r1=$(get "?rule=Terminal%20shell%20in%20container" | jq '[.events[].alert.rule] | unique')
    n1=$(get "?limit=7" | jq '.events | length'); next=$(get "?limit=7" | jq .next)
    n2=$(get "?limit=500&after=$next" | jq '.events | length')
    if [ "$r1" = '[
  "Terminal shell in container"
]' ] && [ "$n1" = 7 ] && [ "$((n1 + n2))" = "$stored" ]; then pass "$label/get-filters-and-paging"
    else fail "$label/get-filters-and-paging" "rule filter $r1, pages $n1 + $n2 of $stored"; fi
    local cont
    cont=$(get "?container=web" | jq '[.events[].alert.container.id] | unique | join(",")')
    if [ "$cont" = '"web"' ]; then pass "$label/get-container-filter"; else fail "$label/get-container-filter" "$cont"; fi

    # a flood of one alert: deduplicated; a flood of distinct alerts: rate limited
    "$VIGIL" watch --replay "$TMP/same.jsonl" --serve "$base" --token-file "$TMP/agent.tok" \
        --output "$TMP/a2-$label.jsonl" 2>"$TMP/w2.err"
    local shells
    shells=$(get "?container=web-1&limit=500" | jq '.events | length')
    if [ "$(wc -l <"$TMP/a2-$label.jsonl")" = 1 ] && [ "$shells" = 1 ] &&
        grep -q '20000 events, 1 alerts, 19999 duplicates suppressed' "$TMP/w2.err"; then
        pass "$label/flood-deduplicated (20000 events, 1 alert stored)"
    else fail "$label/flood-deduplicated" "printed $(wc -l <"$TMP/a2-$label.jsonl"), stored $shells; $(head -1 "$TMP/w2.err")"; fi
    "$VIGIL" watch --no-builtin --rules "$TMP/shadow.yaml" --replay "$TMP/distinct.jsonl" --rate 50 \
        --serve "$base" --token-file "$TMP/agent.tok" --output "$TMP/a3-$label.jsonl" 2>"$TMP/w3.err"
    local p3 l3 s3=0 page next3=null
    p3=$(wc -l <"$TMP/a3-$label.jsonl")
    l3=$(sed -n 's/.* \([0-9]*\) rate-limited.*/\1/p' "$TMP/w3.err")
    for c in db-0 db-1 db-2; do
        page=$(get "?container=$c&rule=shadow%20probe&limit=500" | jq '.events | length'); s3=$((s3 + page))
    done
    if [ "$p3" -ge 1 ] && [ "$p3" -lt 2000 ] && [ "$((p3 + l3))" = 2000 ] && [ "$s3" = "$p3" ]; then
        pass "$label/flood-rate-limited (2000 distinct: $p3 alerts, $l3 rate-limited, $s3 stored)"
    else fail "$label/flood-rate-limited" "printed $p3, limited $l3, stored $s3"; fi

    # a wrong token: counted as failed, the agent still prints and exits 0
    "$VIGIL" watch --replay "$EV" --serve "$base" --token-file "$TMP/wrong.tok" \
        --output "$TMP/a4-$label.jsonl" 2>"$TMP/w4.err"; local rc=$?
    if [ $rc = 0 ] && grep -qE 'serve: 0 alerts posted, [1-9][0-9]* failed, 0 dropped \(last error: HTTP 401\)' "$TMP/w4.err"; then
        pass "$label/wrong-token-counted"
    else fail "$label/wrong-token-counted" "exit $rc; $(tail -1 "$TMP/w4.err")"; fi

    # the endpoint's own checks
    local c1 c2 c3 c4 c5
    post() { curl -s -o "$TMP/resp" -w '%{http_code}' -X POST ${1:+-H "Authorization: Bearer $1"} --data-binary "$2" "$base/api/v1/events/runtime"; }
    c1=$(post "$AGENT" '{"rule":"x"}')
    c2=$(post "$AGENT" '[{"rule":"ok","priority":"DEBUG"},{"rule":"","priority":"DEBUG"}]')
    c3=$(post "$READER" '{"rule":"x","priority":"DEBUG"}')
    c4=$(post "" '{"rule":"x","priority":"DEBUG"}')
    c5=$(post "$AGENT" '{"rule":"x","priority":"DEBUG","container":{"id":7}}')
    if [ "$c1" = 400 ] && [ "$c2" = 400 ] && [ "$c3" = 403 ] && [ "$c4" = 401 ] && [ "$c5" = 400 ]; then
        pass "$label/endpoint-refuses-bad-alerts-and-tokens"
    else fail "$label/endpoint-refuses-bad-alerts-and-tokens" "no priority $c1, empty rule $c2, read token $c3, no token $c4, bad container $c5"; fi
    c1=$(post "$AGENT" "[$(printf '{"rule":"r","priority":"INFORMATIONAL"},%.0s' $(seq 500)){\"rule\":\"r\",\"priority\":\"DEBUG\"}]")
    if [ "$c1" = 413 ]; then pass "$label/endpoint-limits-batch"; else fail "$label/endpoint-limits-batch" "501 alerts: $c1"; fi
    kill "$spid"; wait "$spid" 2>/dev/null
}

serve_suite sqlite --data "$TMP/data"

# the same against PostgreSQL
if . tests/postgres/pg_env.sh 2>/dev/null && pg_have; then
    if pg_init "$TMP" >/dev/null 2>&1 && pg_start >/dev/null 2>&1; then
        serve_suite postgresql --store "$pg_url"
        n=$(psql "$pg_url" -qAtX -c "SELECT count(*) FROM runtime_events" 2>/dev/null)
        if [ -n "$n" ] && [ "$n" -gt 20 ]; then pass "postgresql/rows-in-runtime_events ($n)"
        else fail postgresql/rows-in-runtime_events "count: $n"; fi
    else
        fail postgresql/start "PostgreSQL did not start"
    fi
else
    missing "PostgreSQL 15 server binaries (postgresql-15) not installed: only SQLite tested" || fails=$((fails + 1))
fi

# ---- syslog: a datagram socket over /dev/log in a private mount namespace ----
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
    cat >"$TMP/syslogd.py" <<'PYEOF'
import socket, sys, os
path, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
open(out + ".ready", "w").close()
s.settimeout(30)
with open(out, "wb") as f:
    for _ in range(n):
        try:
            f.write(s.recv(1 << 20) + b"\n"); f.flush()
        except socket.timeout:
            break
PYEOF
    printed=$(grep -c . "$TMP/a1-sqlite.jsonl" 2>/dev/null || echo 0)
    mkdir -p "$TMP/olddev"
    # in the namespace: a tmpfs /dev holding null, zero, urandom and our /dev/log socket
    unshare --mount --propagation private sh -c '
        mount --bind /dev "$2/olddev" && mount -t tmpfs vigil-test-dev /dev || exit 3
        for f in null zero urandom; do touch /dev/$f && mount --bind "$2/olddev/$f" /dev/$f; done
        "$1" "$2/syslogd.py" /dev/log "$2/syslog.txt" "$3" & sp=$!
        for i in $(seq 100); do [ -e "$2/syslog.txt.ready" ] && break; sleep 0.1; done
        "$4" watch --replay "$5" --dedup 0 --syslog --output "$2/a5.jsonl" 2>"$2/w5.err"
        wait $sp' _ "$PY" "$TMP" "$printed" "$VIGIL" "$EV"
    got=$(grep -c 'vigil-watch' "$TMP/syslog.txt" 2>/dev/null || echo 0)
    # <PRI> = facility daemon (3) * 8 + level: NOTICE 5 -> <29>, CRITICAL 2 -> <26>
    if [ "$got" = "$(wc -l <"$TMP/a5.jsonl")" ] && [ "$got" -gt 20 ] &&
        grep -q '^<29>.*vigil-watch\[[0-9]*\]: {"time":.*"rule":"Terminal shell in container"' "$TMP/syslog.txt" &&
        grep -q '^<26>.*"priority":"CRITICAL"' "$TMP/syslog.txt"; then
        pass "syslog-every-alert ($got messages, facility daemon, level from the priority)"
    else
        fail syslog-every-alert "got $got of $(wc -l <"$TMP/a5.jsonl" 2>/dev/null); $(head -c 300 "$TMP/syslog.txt" 2>/dev/null)"
    fi
else
    missing "syslog test needs root and unshare (a private /dev/log)" || fails=$((fails + 1))
fi

exit $((fails > 0))
