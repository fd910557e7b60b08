#!/usr/bin/env bash
# vigil watch --webhook URL --webhook-secret-file F, driven by --replay (recorded events, no
# kernel needed), against a receiver started here (Python, 127.0.0.1, a free port) that
# recomputes every request's X-Vigil-Signature (HMAC-SHA256 of "<t>.<body>" with the
# secret, as for vigil serve's webhooks) and answers 401 to a wrong one:
#  - every printed alert arrives, whole and in order, in signed batches of at most 100;
#  - a wrong secret: the receiver refuses, the agent counts the alerts as failed;
#  - a receiver that fails the first two attempts: the batch arrives at the third, with
#    the same delivery id on every attempt;
#  - a receiver that always fails while 10,000 alerts come: the queue stays bounded
#    (alerts dropped and counted) and the agent still stops;
#  - the options are checked (URL scheme, the two options together, an empty secret).
set -uo pipefail
RT_NAME=webhook
. "$(dirname "$0")/lib.sh"
missing() {
    if [ "${CI:-}" = true ]; then echo "FAIL: runtime/webhook: $1 (CI=true)"; return 1; fi
    echo "SKIP: runtime/webhook: $1"; return 0
}
command -v jq >/dev/null || { missing "missing tool: jq"; exit $?; }

TMP=$(mktemp -d /tmp/vigil-hook.XXXXXX)
rpid=
cleanup() {
    [ -n "$rpid" ] && { kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null; }
    rm -rf "$TMP"
}
trap cleanup EXIT
EV=tests/runtime/rules/builtin.events.jsonl
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$TMP/secret"
echo >>"$TMP/secret"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$TMP/wrong"

cat >"$TMP/receiver.py" <<'PYEOF'
# receiver.py SECRET-FILE PORT-FILE LOG MODE: MODE ok | fail2 (the first two requests
# fail with 503: the first batch is delivered at its third attempt) | fail (always 500)
import hashlib, hmac, json, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
secret = open(sys.argv[1], "rb").read().split(b"\n")[0]
log = open(sys.argv[3], "a")
mode = sys.argv[4]
seen = {}
total = [0]
lock = threading.Lock()
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        sig = self.headers.get("X-Vigil-Signature", "")
        parts = dict(p.split("=", 1) for p in sig.split(",") if "=" in p)
        want = hmac.new(secret, parts.get("t", "").encode() + b"." + body, hashlib.sha256).hexdigest()
        good = "t" in parts and hmac.compare_digest(want, parts.get("v1", ""))
        did = self.headers.get("X-Vigil-Delivery", "")
        with lock:
            seen[did] = seen.get(did, 0) + 1
            attempt = seen[did]
            total[0] += 1
            n = total[0]
        code = 401 if not good else 500 if mode == "fail" else 503 if mode == "fail2" and n <= 2 else 204
        rec = {"good": good, "code": code, "delivery": did, "attempt": attempt,
               "event_hdr": self.headers.get("X-Vigil-Event"), "ctype": self.headers.get("Content-Type")}
        try:
            j = json.loads(body)
            rec.update(event=j.get("event"), count=j.get("count"), body_delivery=j.get("delivery"),
                       alerts=j.get("alerts") if code == 204 else None, n=len(j.get("alerts", [])))
        except Exception as e:
            rec["json_error"] = str(e)
        with lock:
            log.write(json.dumps(rec) + "\n"); log.flush()
        self.send_response(code); self.send_header("Content-Length", "0"); self.end_headers()
s = ThreadingHTTPServer(("127.0.0.1", 0), H)
open(sys.argv[2] + ".tmp", "w").write(str(s.server_address[1]))
import os; os.rename(sys.argv[2] + ".tmp", sys.argv[2])
s.serve_forever()
PYEOF

# receiver MODE: (re)starts the receiver, sets URL
receiver() {
    [ -n "$rpid" ] && { kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null; }
    rm -f "$TMP/port" "$TMP/log"
    "$PY" "$TMP/receiver.py" "$TMP/secret" "$TMP/port" "$TMP/log" "$1" 2>"$TMP/receiver.err" &
    rpid=$!
    for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.1; done
    URL=http://127.0.0.1:$(cat "$TMP/port" 2>/dev/null)/hooks/vigil
    [ -s "$TMP/port" ]
}

# ---- every alert, signed, batched -------------------------------------------------------
if receiver ok; then
    "$VIGIL" watch --replay "$EV" --dedup 0 --webhook "$URL" --webhook-secret-file "$TMP/secret" \
        --output "$TMP/a1.jsonl" 2>"$TMP/w1.err"
    printed=$(wc -l <"$TMP/a1.jsonl")
    reqs=$(wc -l <"$TMP/log")
    bad=$(jq -s '[.[] | select(.good | not)] | length' "$TMP/log")
    hdr=$(jq -s -r '[.[] | select(.event_hdr != "runtime.alerts" or .event != "runtime.alerts" or .ctype != "application/json" or .count != .n or .delivery != .body_delivery)] | length' "$TMP/log")
    if [ "$printed" -gt 20 ] && [ "$reqs" -ge 1 ] && [ "$bad" = 0 ] && [ "$hdr" = 0 ] &&
        [ "$(jq -c '.alerts[]' "$TMP/log" | jq -S -c .)" = "$(jq -S -c . "$TMP/a1.jsonl")" ] &&
        grep -q "webhook: $printed alerts posted, 0 failed, 0 dropped" "$TMP/w1.err"; then
        pass "every-alert-delivered-signed ($printed alerts in $reqs signed requests)"
    else
        fail every-alert-delivered-signed "printed $printed, requests $reqs, bad signatures $bad, bad headers $hdr; $(grep webhook "$TMP/w1.err")"
    fi

    # batches of at most 100, unique delivery ids
    cat >"$TMP/probe.yaml" <<'Y'
- rule: shadow probe
  desc: reads of /etc/shadow-N
  condition: evt.type = open and fd.name startswith /etc/shadow-
  output: "probe %fd.name"
  priority: NOTICE
Y
    "$PY" - "$TMP/distinct.jsonl" 1000 <<'PYEOF'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write(json.dumps({"type": "open", "pid": 300 + i, "comm": "cat", "path": "/etc/shadow-%d" % i,
                            "container": {"id": "db-%d" % (i % 3)}}) + "\n")
PYEOF
    : >"$TMP/log"
    "$VIGIL" watch --no-builtin --rules "$TMP/probe.yaml" --replay "$TMP/distinct.jsonl" --rate 100000 \
        --dedup 0 --webhook "$URL" --webhook-secret-file "$TMP/secret" --output "$TMP/a2.jsonl" 2>"$TMP/w2.err"
    total=$(jq -s 'map(.n) | add' "$TMP/log")
    maxb=$(jq -s 'map(.n) | max' "$TMP/log")
    reqs=$(wc -l <"$TMP/log")
    ids=$(jq -r .delivery "$TMP/log" | sort -u | wc -l)
    if [ "$(wc -l <"$TMP/a2.jsonl")" = 1000 ] && [ "$total" = 1000 ] && [ "$maxb" -le 100 ] &&
        [ "$reqs" -ge 10 ] && [ "$ids" = "$reqs" ] && [ "$(jq -s '[.[] | select(.good | not)] | length' "$TMP/log")" = 0 ]; then
        pass "batched (1000 alerts in $reqs requests of at most $maxb, $ids delivery ids)"
    else fail batched "total $total in $reqs requests, largest $maxb, ids $ids; $(grep webhook "$TMP/w2.err")"; fi

    # a wrong secret: refused by the receiver, counted as failed by the agent
    : >"$TMP/log"
    "$VIGIL" watch --replay "$EV" --dedup 0 --webhook "$URL" --webhook-secret-file "$TMP/wrong" \
        --output "$TMP/a3.jsonl" 2>"$TMP/w3.err"; rc=$?
    good=$(jq -s '[.[] | select(.good)] | length' "$TMP/log")
    if [ $rc = 0 ] && [ "$good" = 0 ] && [ "$(wc -l <"$TMP/log")" -ge 1 ] &&
        grep -qE "webhook: 0 alerts posted, $(wc -l <"$TMP/a3.jsonl") failed, 0 dropped \(last error: HTTP 401\)" "$TMP/w3.err"; then
        pass "wrong-secret-refused-and-counted"
    else fail wrong-secret-refused-and-counted "exit $rc, $good accepted; $(grep webhook "$TMP/w3.err")"; fi
else
    fail receiver-start "$(tail -3 "$TMP/receiver.err")"
fi

# ---- retries: two failures, then delivered with the same delivery id ---------------------
if receiver fail2; then
    "$VIGIL" watch --replay "$EV" --dedup 0 --webhook "$URL" --webhook-secret-file "$TMP/secret" \
        --output "$TMP/a4.jsonl" 2>"$TMP/w4.err"
    printed=$(wc -l <"$TMP/a4.jsonl")
    ok=$(jq -s '[.[] | select(.code == 204)] | length' "$TMP/log")
    first=$(jq -s -r '.[0].delivery' "$TMP/log")
    third=$(jq -s --arg d "$first" '[.[] | select(.delivery == $d) | .attempt] | max' "$TMP/log")
    firstok=$(jq -s --arg d "$first" '[.[] | select(.delivery == $d and .code == 204 and .attempt == 3)] | length' "$TMP/log")
    delivered=$(jq -s '[.[] | select(.code == 204) | .n] | add' "$TMP/log")
    if [ "$ok" -ge 1 ] && [ "$third" = 3 ] && [ "$firstok" = 1 ] && [ "$delivered" = "$printed" ] &&
        grep -q "webhook: $printed alerts posted, 0 failed, 0 dropped" "$TMP/w4.err"; then
        pass "retried-with-same-delivery-id (first batch delivered at its third attempt, $ok batches)"
    else fail retried-with-same-delivery-id "ok $ok, attempts of the first $third ($firstok ok at the third), delivered $delivered of $printed; $(grep webhook "$TMP/w4.err")"; fi
else
    fail receiver-start "$(tail -3 "$TMP/receiver.err")"
fi

# ---- a receiver that always fails under a flood: bounded queue, the agent still stops ----
if receiver fail; then
    "$PY" - "$TMP/many.jsonl" 10000 <<'PYEOF'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write(json.dumps({"type": "open", "pid": 300 + i, "comm": "cat", "path": "/etc/shadow-%d" % i,
                            "container": {"id": "db"}}) + "\n")
PYEOF
    timeout 120 "$VIGIL" watch --no-builtin --rules "$TMP/probe.yaml" --replay "$TMP/many.jsonl" \
        --rate 1000000 --dedup 0 --webhook "$URL" --webhook-secret-file "$TMP/secret" \
        --output "$TMP/a5.jsonl" 2>"$TMP/w5.err"; rc=$?
    line=$(grep 'webhook:' "$TMP/w5.err")
    posted=$(sed -n 's/.*webhook: \([0-9]*\) alerts posted, \([0-9]*\) failed, \([0-9]*\) dropped.*/\1/p' <<<"$line")
    failed=$(sed -n 's/.*webhook: \([0-9]*\) alerts posted, \([0-9]*\) failed, \([0-9]*\) dropped.*/\2/p' <<<"$line")
    dropped=$(sed -n 's/.*webhook: \([0-9]*\) alerts posted, \([0-9]*\) failed, \([0-9]*\) dropped.*/\3/p' <<<"$line")
    if [ $rc = 0 ] && [ "${posted:-x}" = 0 ] && [ "${dropped:-0}" -gt 0 ] &&
        [ "$((failed + dropped))" = 10000 ] && [ "$failed" -le 4196 ]; then
        pass "bounded-queue-under-failure (10000 alerts: $failed failed, $dropped dropped, agent stopped)"
    else fail bounded-queue-under-failure "exit $rc; $line"; fi
else
    fail receiver-start "$(tail -3 "$TMP/receiver.err")"
fi

# ---- option checks ------------------------------------------------------------------------
: >"$TMP/empty"
"$VIGIL" watch --replay "$EV" --webhook ftp://x/ --webhook-secret-file "$TMP/secret" >/dev/null 2>"$TMP/e1"; r1=$?
"$VIGIL" watch --replay "$EV" --webhook http://127.0.0.1:9/ >/dev/null 2>"$TMP/e2"; r2=$?
"$VIGIL" watch --replay "$EV" --webhook http://127.0.0.1:9/ --webhook-secret-file "$TMP/empty" >/dev/null 2>"$TMP/e3"; r3=$?
if [ $r1 != 0 ] && grep -q 'must start with http' "$TMP/e1" && [ $r2 != 0 ] &&
    grep -q 'go together' "$TMP/e2" && [ $r3 != 0 ] && grep -qi 'secret' "$TMP/e3"; then
    pass "options-checked"
else fail options-checked "scheme $r1 ($(head -1 "$TMP/e1")), alone $r2, empty secret $r3 ($(head -1 "$TMP/e3"))"; fi

exit $((fails > 0))
