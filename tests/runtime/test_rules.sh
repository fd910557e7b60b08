#!/usr/bin/env bash
# The runtime rule language without the kernel (runs anywhere): every malformed rules
# file in rules/err_*.yaml is refused with the FILE:LINE and message its first line
# expects; the language features (lists, nested lists, append, macros, operators,
# precedence, ancestors, exceptions, quoting, enabled) give exactly rules/lang.expect on
# rules/lang.events.jsonl; every built-in rule fires on its replayed workload and stays
# silent on its near miss (rules/builtin.*); overrides, dedup, rate limit, text output,
# --containers-only and bad replay input.
set -uo pipefail
cd "$(dirname "$0")/../.."
VIGIL=${VIGIL:-build/vigil}
PY=${PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=python3
D=tests/runtime/rules
fails=0
pass() { echo "PASS: runtime/$1"; }
fail() { echo "FAIL: runtime/$1: $2"; fails=$((fails + 1)); }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# alerts as "rule|container|pid" (or |output with OUT=output)
summ() { "$PY" -c '
import json, sys
key = sys.argv[1]
for l in sys.stdin:
    j = json.loads(l)
    last = j["output"] if key == "output" else str(j["process"]["pid"])
    print("%s|%s|%s" % (j["rule"], j["container"]["id"], last))' "${1:-pid}"; }

# ---- errors with FILE:LINE ----
for f in "$D"/err_*.yaml; do
    n=$(basename "$f" .yaml)
    exp=$(head -1 "$f" | sed -n 's/^# expect: //p')
    line=${exp%%: *}; msg=${exp#*: }
    if "$VIGIL" watch --no-builtin --rules "$f" --check-rules >"$TMP/out" 2>"$TMP/err"; then
        fail "$n" "accepted"
    elif [ $? -ne 2 ]; then
        fail "$n" "exit code is not 2"
    elif [ "$(wc -l <"$TMP/err")" -ne 1 ]; then
        fail "$n" "not one line: $(head -3 "$TMP/err")"
    elif ! grep -qF "vigil: error: $f:$line: " "$TMP/err" || ! grep -qF -- "$msg" "$TMP/err"; then
        fail "$n" "want '$f:$line: ...$msg', got: $(cat "$TMP/err")"
    else
        pass "$n"
    fi
done
# an error in a second file names that file (the built-ins load first)
if "$VIGIL" watch --rules "$D/err_unknown_field.yaml" --check-rules >/dev/null 2>"$TMP/err"; then
    fail err-after-builtin "accepted"
elif grep -qF "$D/err_unknown_field.yaml:6:" "$TMP/err"; then pass err-after-builtin
else fail err-after-builtin "$(cat "$TMP/err")"; fi
if "$VIGIL" watch --rules "$TMP/missing.yaml" --check-rules >/dev/null 2>"$TMP/err"; then
    fail err-missing-file "accepted"
elif grep -qF "$TMP/missing.yaml: No such file" "$TMP/err"; then pass err-missing-file
else fail err-missing-file "$(cat "$TMP/err")"; fi

# ---- built-in rules load ----
if "$VIGIL" watch --check-rules >"$TMP/list" 2>"$TMP/err"; then
    n=$(tail -1 "$TMP/list" | awk '{print $1}')
    if [ "$n" -ge 20 ]; then pass "builtin-load ($n rules)"; else fail builtin-load "only $n rules"; fi
else
    fail builtin-load "$(cat "$TMP/err")"
fi

# ---- language features ----
"$VIGIL" watch --no-builtin --rules "$D/lang.yaml" --replay "$D/lang.events.jsonl" --dedup 0 \
    2>"$TMP/err" | summ output >"$TMP/lang"
if diff "$D/lang.expect" "$TMP/lang" >"$TMP/diff"; then pass lang-features
else fail lang-features "$(head -20 "$TMP/diff")"; fi

# ---- every built-in rule: workload fires, near miss silent ----
"$VIGIL" watch --replay "$D/builtin.events.jsonl" --dedup 0 2>"$TMP/err" | summ >"$TMP/builtin"
if diff "$D/builtin.expect" "$TMP/builtin" >"$TMP/diff"; then pass builtin-replay
else fail builtin-replay "$(head -20 "$TMP/diff")"; fi
missing=$(sed -n 's/^[A-Z]* *enabled *//p' "$TMP/list" | while read -r r; do
    grep -qF "$r|" "$D/builtin.expect" || echo "$r"; done)
if [ -z "$missing" ]; then pass builtin-every-rule-tested
else fail builtin-every-rule-tested "no workload for: $missing"; fi

# ---- overrides from a second file ----
"$VIGIL" watch --rules "$D/override.yaml" --replay "$D/builtin.events.jsonl" --dedup 0 2>"$TMP/err" |
    summ >"$TMP/over"
grep -v -e '^Bulk data removal|' -e '|103$' -e '|106$' -e '|108$' -e '|101$' "$D/builtin.expect" >"$TMP/over.expect"
if diff "$TMP/over.expect" "$TMP/over" >"$TMP/diff"; then pass overrides
else fail overrides "$(head -20 "$TMP/diff")"; fi

# ---- alert JSON: fields, process tree, tags, action ----
"$VIGIL" watch --replay "$D/builtin.events.jsonl" --dedup 0 --action kill 2>/dev/null >"$TMP/all.json"
"$PY" - "$TMP/all.json" <<'PYEOF'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
x = [j for j in a if j["process"]["pid"] == 103][0]
ok = (x["priority"] == "WARNING" and x["container"] == {"id": "web", "name": "web", "runtime": "replay",
      "image": "nginx:1", "image_digest": None, "privileged": False}
      and [p["name"] for p in x["process_tree"]] == ["nginx", "runc"]
      and x["fields"]["proc.cmdline"] == "sh -c id" and x["fields"]["evt.type"] == "exec"
      and "T1059.004" in x["tags"] and x["action"] == {"type": "kill", "result": "skipped: replay"}
      and x["time"].endswith("Z"))
print(("PASS: runtime/alert-json" if ok else "FAIL: runtime/alert-json: %s" % json.dumps(x)))
h = [j for j in a if j["process"]["pid"] == 131][0]
print("PASS: runtime/kill-skips-host" if h["action"]["result"] == "skipped: process outside containers"
      else "FAIL: runtime/kill-skips-host: %s" % h["action"])
PYEOF
# --action none wins over rules that say kill
cat >"$TMP/killrule.yaml" <<'Y'
- rule: kill me
  desc: x
  condition: evt.type = exec and proc.name = nc
  output: "nc %proc.pid"
  priority: CRITICAL
  action: kill
Y
"$VIGIL" watch --no-builtin --rules "$TMP/killrule.yaml" --replay "$D/builtin.events.jsonl" 2>/dev/null >"$TMP/k.json"
if [ "$(grep -c '"action":{"type":"none"}' "$TMP/k.json")" = 2 ]; then pass action-none-overrides
else fail action-none-overrides "$(head -2 "$TMP/k.json")"; fi

# a rule's own action wins over --action; deny is reported (and skipped in a replay)
sed 's/action: kill/action: deny/' "$TMP/killrule.yaml" >"$TMP/denyrule.yaml"
"$VIGIL" watch --no-builtin --rules "$TMP/denyrule.yaml" --replay "$D/builtin.events.jsonl" --action kill \
    2>/dev/null >"$TMP/d.json"
if [ "$(grep -c '"action":{"result":"skipped: replay","type":"deny"}' "$TMP/d.json")" = 2 ] ||
    [ "$(grep -c '"type":"deny"' "$TMP/d.json")" = 2 ]; then pass rule-action-deny
else fail rule-action-deny "$(head -2 "$TMP/d.json")"; fi
"$VIGIL" watch --no-builtin --rules "$TMP/denyrule.yaml" --replay "$D/builtin.events.jsonl" --action kill \
    --format text 2>/dev/null >"$TMP/d.txt"
if grep -q '\[action: deny, skipped: replay\]$' "$TMP/d.txt"; then pass text-format-action
else fail text-format-action "$(head -1 "$TMP/d.txt")"; fi

# ---- dedup and rate limit ----
ev='{"type":"exec","pid":7,"comm":"apk","args":["apk","add","x"],"container":{"id":"c"}}'
for i in 1 2 3 4 5; do echo "$ev"; done >"$TMP/dup.jsonl"
n=$("$VIGIL" watch --replay "$TMP/dup.jsonl" 2>"$TMP/err" | wc -l)
if [ "$n" = 1 ] && grep -q "1 alerts, 4 duplicates suppressed" "$TMP/err"; then pass dedup
else fail dedup "$n alerts; $(cat "$TMP/err")"; fi
n=$("$VIGIL" watch --replay "$TMP/dup.jsonl" --dedup 0 2>/dev/null | wc -l)
if [ "$n" = 5 ]; then pass dedup-off; else fail dedup-off "$n alerts"; fi
for i in $(seq 1 1000); do
    echo "{\"type\":\"exec\",\"pid\":$i,\"comm\":\"apk\",\"args\":[\"apk\",\"add\",\"p$i\"],\"container\":{\"id\":\"c\"}}"
done >"$TMP/flood.jsonl"
n=$("$VIGIL" watch --replay "$TMP/flood.jsonl" --rate 1 2>"$TMP/err" | wc -l)
if [ "$n" -lt 1000 ] && grep -q "rate-limited" "$TMP/err" && ! grep -q " 0 rate-limited" "$TMP/err"; then
    pass "rate-limit ($n of 1000 printed)"
else fail rate-limit "$n alerts; $(cat "$TMP/err")"; fi

# ---- text format, containers-only ----
"$VIGIL" watch --replay "$D/builtin.events.jsonl" --dedup 0 --format text 2>/dev/null >"$TMP/text"
if [ "$(wc -l <"$TMP/text")" = "$(wc -l <"$D/builtin.expect")" ] &&
    grep -qE '^[0-9T:.-]+Z CRITICAL Linux kernel module injection: Kernel module load attempted with finit_module \(program=loader' "$TMP/text"; then
    pass text-format
else fail text-format "$(head -3 "$TMP/text")"; fi
n=$("$VIGIL" watch --replay "$D/builtin.events.jsonl" --dedup 0 --containers-only 2>/dev/null | grep -c '"id":"host"')
if [ "$n" = 0 ]; then pass containers-only; else fail containers-only "$n host alerts"; fi

# ---- bad replay input: FILE:LINE ----
printf '%s\n{"type":"exec",\n' "$ev" >"$TMP/bad.jsonl"
if "$VIGIL" watch --replay "$TMP/bad.jsonl" >/dev/null 2>"$TMP/err"; then fail replay-bad-json "accepted"
elif grep -qF "$TMP/bad.jsonl:2: JSON" "$TMP/err"; then pass replay-bad-json
else fail replay-bad-json "$(cat "$TMP/err")"; fi
echo '{"type":"execve"}' >"$TMP/bad2.jsonl"
if "$VIGIL" watch --replay "$TMP/bad2.jsonl" >/dev/null 2>"$TMP/err"; then fail replay-bad-type "accepted"
elif grep -qF "$TMP/bad2.jsonl:1: unknown or missing event type" "$TMP/err"; then pass replay-bad-type
else fail replay-bad-type "$(cat "$TMP/err")"; fi

exit $((fails > 0))
