#!/usr/bin/env bash
# vigil serve crash safety (issue 13): `kill -9` of the server in the middle of a
# re-evaluation (a database update that changes findings) and again while webhook
# deliveries are going out. After each restart the queue completes; afterwards the store
# passes PRAGMA integrity_check and `vigil serve --check`, no image has two equal history
# entries in a row, every changed image has exactly one new history entry, and the webhook
# receiver got exactly one vulnerabilities.changed delivery (one X-Vigil-Delivery id) per
# changed image: none lost, none for an unchanged image, none twice under two ids.
#
# The store is seeded with N inventories (the package lists of the five Alpine fixture
# images in turn, under synthetic digests, as bench/serve.sh does) so that a
# re-evaluation lasts long enough to be cut. A mirror then adds busybox and musl
# vulnerabilities for three Alpine branches: 3 of every 5 inventories change.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
N=${VIGIL_CRASH_N:-2000}
fail=0
pass() { echo "PASS: serve-crash: $1"; }
bad() { echo "FAIL: serve-crash: $1"; fail=1; }
need() {
  if ! command -v "$1" > /dev/null; then
    if [ "${CI:-}" = true ]; then echo "FAIL: serve-crash: $1 not installed"; exit 1; fi
    echo "SKIP: serve-crash: $1 not installed"; exit 0
  fi
}
need curl; need jq; need python3; need cc
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2> /dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT

# the seeding tool of bench/serve.sh, linked against the normal build's library
lib=$top/build/libvigil.a
[ -f "$lib" ] || make -s -C "$top" build/libvigil.a > /dev/null 2>&1
# shellcheck disable=SC2046
cc -std=c11 -D_GNU_SOURCE -O2 -I"$top/include" -I"$top/src/lib" -pthread -o "$tmp/seed" \
  "$top/bench/serve_seed.c" "$lib" $(make -s -C "$top" print-libs) 2> "$tmp/cc.err" ||
  { bad "cannot build bench/serve_seed.c: $(tail -2 "$tmp/cc.err")"; exit 1; }
G=$("$top/tests/fixtures/make-golden-alpine.sh" 2> "$tmp/fixture.err") ||
  { bad "fixture build failed: $(tail -3 "$tmp/fixture.err")"; exit 1; }
invs=()
for v in 3.9.6-old 3.12.12 3.16.9 3.20.3 3.9.6; do
  "$VIGIL" sbom -q --format json -o "$tmp/inv-$v.json" "$G/oci-$v" 2> "$tmp/sbom.err" ||
    { bad "sbom of $v: $(tail -2 "$tmp/sbom.err")"; exit 1; }
  invs+=("$tmp/inv-$v.json")
done
mirror() { # mirror DIR [vulns]
  for v in v3.12 v3.16 v3.20; do
    mkdir -p "$1/alpine-secdb/$v"
    { printf 'distroversion: %s\nreponame: main\narchs:\n  - x86_64\npackages:\n' "$v"
      if [ -n "${2:-}" ]; then
        printf '  - pkg:\n      name: busybox\n      secfixes:\n        99.0-r0:\n          - CVE-2099-0101\n'
        printf '  - pkg:\n      name: musl\n      secfixes:\n        99.2-r0:\n          - CVE-2099-0102\n'
      else printf '  - pkg:\n      name: zlib\n      secfixes:\n        0.1-r0:\n          - CVE-2000-0001\n'; fi
    } > "$1/alpine-secdb/$v/main.yaml"
  done
  tar -czf "$1/alpine-secdb.tar.gz" -C "$1" alpine-secdb && rm -rf "${1:?}/alpine-secdb"
}
mirror "$tmp/m0"; mirror "$tmp/m1" vulns
"$VIGIL" db update --from "$tmp/m0" --only alpine-secdb --db "$tmp/db" > "$tmp/up" 2>&1 ||
  { bad "db update failed: $(tail -3 "$tmp/up")"; exit 1; }
data=$tmp/data
"$tmp/seed" "$data" "$N" "${invs[@]}" || { bad "seeding $N inventories failed"; exit 1; }
ADMIN=$("$VIGIL" serve token add ops --scopes admin --data "$data") || { bad "token add"; exit 1; }

# the webhook receiver: checks every signature, logs event, delivery id and digest
SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
cat > "$tmp/recv.py" <<'EOF'
import hashlib, hmac, http.server, json, os, sys, threading
secret, portfile, log = sys.argv[1].encode(), sys.argv[2], sys.argv[3]
lock = threading.Lock()
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        parts = dict(p.split("=", 1) for p in self.headers.get("X-Vigil-Signature", "").split(",") if "=" in p)
        want = hmac.new(secret, parts.get("t", "").encode() + b"." + body, hashlib.sha256).hexdigest()
        ok = hmac.compare_digest(want, parts.get("v1", ""))
        b = json.loads(body)
        with lock, open(log, "a") as f:
            f.write(json.dumps({"sig_ok": ok, "event": self.headers.get("X-Vigil-Event"),
                                "delivery": self.headers.get("X-Vigil-Delivery"),
                                "digest": b.get("image", {}).get("digest"),
                                "added": len(b.get("added", []))}) + "\n")
        self.send_response(200 if ok else 400); self.end_headers()
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(portfile + ".tmp", "w").write(str(s.server_address[1])); os.rename(portfile + ".tmp", portfile)
s.serve_forever()
EOF
touch "$tmp/events.jsonl"
python3 "$tmp/recv.py" "$SECRET" "$tmp/rport" "$tmp/events.jsonl" &
pids+=($!)
for _ in $(seq 1 50); do [ -s "$tmp/rport" ] && break; sleep 0.1; done
[ -s "$tmp/rport" ] || { bad "webhook receiver did not start"; exit 1; }

start() { # start LOGFILE
  rm -f "$tmp/port"
  "$VIGIL" serve --listen 127.0.0.1:0 --port-file "$tmp/port" --data "$data" --db "$tmp/db" \
    --db-from "$tmp/m1" --workers 2 2>> "$1" &
  spid=$!; pids+=("$spid")
  for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  port=$(cat "$tmp/port" 2> /dev/null)
  [ -n "$port" ] || { bad "server did not start: $(tail -3 "$1")"; exit 1; }
  base=http://127.0.0.1:$port
}
api() { curl -s --max-time 30 -X "$1" -H "Authorization: Bearer $ADMIN" "$base$2"; }
metric() { api GET /metrics | awk -v k="$1" '$1 == k {print $2}'; }
sq() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$data/store.db" "$1"; }

start "$tmp/log1"
hook=$(curl -s -X POST -H "Authorization: Bearer $ADMIN" "$base/api/v1/webhooks" \
  -d "{\"url\":\"http://127.0.0.1:$(cat "$tmp/rport")/hook\",\"secret\":\"$SECRET\",\"events\":[\"vulnerabilities.changed\"]}" | jq -r .id)
[ "$hook" -gt 0 ] 2> /dev/null || { bad "webhook registration"; exit 1; }
h0=$(sq "select count(*) from history")
want=$(python3 -c "print(sum(1 for i in range($N) if i % 5 in (1, 2, 3)))")

# 1. kill -9 in the middle of the re-evaluation: after some images were committed, before all
upd=$(api POST /api/v1/db/update | jq -r .id)
cut=0
for _ in $(seq 1 3000); do
  r=$(metric vigil_rematches_total)
  [ "${r:-0}" -ge 20 ] && { kill -9 "$spid"; cut=1; break; }
  sleep 0.02
done
wait "$spid" 2> /dev/null
mid=$(($(sq "select count(*) from history") - h0))
if [ $cut = 1 ] && [ "$mid" -gt 0 ] && [ "$mid" -lt "$want" ]; then
  pass "kill -9 landed mid re-evaluation ($mid of $want changed images committed)"
else bad "the kill did not land mid re-evaluation (cut=$cut, $mid of $want committed)"; fi
st=$(sq "select status from jobs where id=$upd")
[ "$st" = running ] && pass "the cut database update is left running in the store (requeued at restart)" ||
  bad "the cut dbupdate job is '$st'"

# 2. restart: the update runs again and the re-evaluation completes; kill -9 again while
# the webhook deliveries go out, restart, and they complete
start "$tmp/log2"
grep -q '"requeued jobs' "$tmp/log2" && pass "restart requeues the cut database update" ||
  bad "no requeue logged: $(head -3 "$tmp/log2")"
# the second kill: once some deliveries were received and others are still pending
k2=0
for _ in $(seq 1 3000); do
  got=$(grep -c . "$tmp/events.jsonl")
  pend=$(sq "select count(*) from deliveries where status='pending'")
  if [ "$got" -gt 0 ] && [ "$pend" -gt 0 ]; then
    kill -9 "$spid"; wait "$spid" 2> /dev/null; k2=1; break
  fi
  [ "$(sq "select status from jobs where id=$upd")" = done ] && [ "$pend" = 0 ] && break
  sleep 0.05
done
if [ $k2 = 1 ]; then
  pass "kill -9 while webhook deliveries go out ($got received, $pend pending)"
  start "$tmp/log3"
else bad "the second kill did not land while deliveries were pending"; fi
s=""
for _ in $(seq 1 1500); do
  s=$(api GET "/api/v1/scans/$upd" | jq -r .status)
  [ "$s" = done ] || [ "$s" = failed ] && break
  sleep 0.2
done
[ "$s" = done ] && pass "after the restarts the database update job completes" || bad "dbupdate job: $s"
for _ in $(seq 1 1500); do
  [ "$(sq "select count(*) from deliveries where status!='done'")" = 0 ] && break
  sleep 0.2
done
sleep 1 # a wrong extra delivery would have time to arrive
kill -TERM "$spid"; wait "$spid"; rc=$?
[ $rc = 0 ] && pass "the restarted server stops cleanly" || bad "exit after SIGTERM: $rc"

# 3. the store and the deliveries
if python3 - "$data/store.db" "$h0" "$want" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); h0, want = int(sys.argv[2]), int(sys.argv[3])
assert db.execute("pragma integrity_check").fetchone()[0] == "ok", "integrity_check"
assert db.execute("pragma foreign_key_check").fetchall() == []
rows = db.execute("select digest, vulns from history order by digest, id").fetchall()
prev = None
for d, v in rows:
    assert prev != (d, v), "two consecutive equal history entries for " + d
    prev = (d, v)
n = len(rows)
assert n == h0 + want, f"{n} history entries, want {h0} + {want}"
per = db.execute("select max(c) from (select count(*) c from history group by digest)").fetchone()[0]
assert per <= 2, f"an image has {per} history entries"
assert db.execute("select count(*) from jobs where status != 'done'").fetchone()[0] == 0, "jobs left"
ev = db.execute("select count(*) from deliveries where event='vulnerabilities.changed'").fetchone()[0]
assert ev == want, f"{ev} delivery rows for {want} changed images"
EOF
then pass "integrity_check ok, no duplicate history, one history entry and one delivery row per changed image ($want)"
else bad "store after the kills"; fi
"$VIGIL" serve --check --data "$data" > "$tmp/check" 2>&1 && pass "vigil serve --check: $(cat "$tmp/check")" ||
  bad "vigil serve --check: $(cat "$tmp/check")"
if python3 - "$tmp/events.jsonl" "$data/store.db" "$want" <<'EOF'
import json, sqlite3, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
db = sqlite3.connect(sys.argv[2]); want = int(sys.argv[3])
assert all(e["sig_ok"] for e in ev), "a bad signature"
assert all(e["event"] == "vulnerabilities.changed" and e["added"] > 0 for e in ev)
changed = {d for (d,) in db.execute("select digest from history group by digest having count(*) = 2")}
ids = {}
for e in ev:
    ids.setdefault(e["digest"], set()).add(e["delivery"])
assert set(ids) == changed, f"{len(set(ids) - changed)} unexpected, {len(changed - set(ids))} missing"
assert len(changed) == want
twice = [d for d, s in ids.items() if len(s) != 1]
assert not twice, f"{len(twice)} images got several delivery ids"
print(f"  ({len(ev)} requests for {want} deliveries: {len(ev) - want} retried after the kill under the same X-Vigil-Delivery id)")
EOF
then pass "exactly one vulnerabilities.changed delivery (one X-Vigil-Delivery id, valid signature) per changed image, none lost"
else bad "webhook deliveries after the kills"; fi
if cat "$tmp"/log* | python3 -c 'import json,sys
for l in sys.stdin: json.loads(l)' && ! grep -qE "$ADMIN|$SECRET" "$tmp"/log*; then
  pass "logs across the kills are JSON lines without the token or the secret"
else bad "logs: not JSON or a credential leaked"; fi
exit $fail
