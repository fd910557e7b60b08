#!/usr/bin/env bash
# The PostgreSQL store with several servers (issue 15, docs/postgres.md): a PostgreSQL 15
# cluster started here (initdb/pg_ctl in a temporary directory, Unix socket only), a
# loopback docker-registry holding an estate of distinct images pushed from the fixtures,
# one `--role api` server and three `--role worker` servers, each with its own copy of
# the vulnerability database (as separate machines would have). Then:
#   1. VIGIL_PG_SCANS (default 200; the issue's 500 with VIGIL_PG_SCANS=500) scans queued twice each: every manifest scanned once;
#   2. kill -9 of the worker holding a long scan: another finishes it after the lease;
#   3. PostgreSQL stopped (/healthz 503) and restarted during scans: workers reconnect;
#   4. a database update: re-evaluation in chunks, one vulnerabilities.changed each;
#   5. finished jobs deleted in batches; `vigil serve --check`; the store's unit tests
#      (tests/unit/store/test_store_pg.c) against a fresh database;
#   6. the serve end-to-end suite against this PostgreSQL (one suite, two backends).
# Webhook deliveries are counted by a receiver: none lost, none twice.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
N=${VIGIL_PG_SCANS:-200}
fail=0
pass() { echo "PASS: postgres: $1"; }
bad() { echo "FAIL: postgres: $1"; fail=1; }
skip_or_fail() {
  if [ "${CI:-}" = true ]; then echo "FAIL: postgres: $1"; exit 1; fi
  echo "SKIP: postgres: $1"; exit 0
}
for t in curl jq python3 psql docker-registry skopeo; do
  command -v $t > /dev/null || skip_or_fail "$t not installed"
done
# shellcheck source=tests/postgres/pg_env.sh
. "$top/tests/postgres/pg_env.sh"
pg_have || skip_or_fail "PostgreSQL 15 server binaries (postgresql-15) not installed"
asan=0; case $VIGIL in *build-asan*) asan=1 ;; esac
[ $asan = 1 ] && N=${VIGIL_PG_SCANS:-40}

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2> /dev/null; done
  pg_stop; rm -rf "$tmp"
}
trap cleanup EXIT
pg_init "$tmp" || { bad "initdb failed: $(tail -3 "$tmp/pgcluster/initdb.log")"; exit 1; }
pg_start || { bad "PostgreSQL did not start: $(tail -3 "$PGROOT/server.log")"; exit 1; }
url=$pg_url
sqlq() { psql "$url" -qAtX -v ON_ERROR_STOP=1 -c "$1"; }

G=$("$top/tests/fixtures/make-golden-alpine.sh" 2> "$tmp/fixture.err") ||
  { bad "fixture build failed: $(tail -3 "$tmp/fixture.err")"; exit 1; }
D=$("$top/tests/fixtures/make-golden-debian.sh" 2> "$tmp/fixture.err") ||
  { bad "debian fixture build failed: $(tail -3 "$tmp/fixture.err")"; exit 1; }

# databases: db1 (busybox CVE) and the mirror m2 that adds a musl CVE for v3.20
mirror() {
  for v in v3.20 v3.16; do
    mkdir -p "$1/alpine-secdb/$v"
    { printf 'distroversion: %s\nreponame: main\narchs:\n  - x86_64\npackages:\n' "$v"
      printf '  - pkg:\n      name: busybox\n      secfixes:\n        99.0-r0:\n          - CVE-2099-0101\n'
      [ "${2:-}" = musl ] && [ $v = v3.20 ] &&
        printf '  - pkg:\n      name: musl\n      secfixes:\n        99.2-r0:\n          - CVE-2099-0102\n'
    } > "$1/alpine-secdb/$v/main.yaml"
  done
  tar -czf "$1/alpine-secdb.tar.gz" -C "$1" alpine-secdb && rm -rf "${1:?}/alpine-secdb"
}
mirror "$tmp/m1"; mirror "$tmp/m2" musl
"$VIGIL" db update --from "$tmp/m1" --only alpine-secdb --db "$tmp/db1" > "$tmp/up" 2>&1 ||
  { bad "db update failed: $(tail -3 "$tmp/up")"; exit 1; }

# the registry and the estate
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rp=$(free_port)
printf '%s\n' "version: 0.1" "log:" "  level: warn" "storage:" "  filesystem:" \
  "    rootdirectory: $tmp/reg" "http:" "  addr: 127.0.0.1:$rp" > "$tmp/reg.yml"
docker-registry serve "$tmp/reg.yml" > "$tmp/reglog" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$rp/v2/" && break; sleep 0.1; done
reg=127.0.0.1:$rp
python3 "$top/tests/postgres/push_estate.py" "$reg" "$N" 7 fleet "$G/oci-3.20.3" "$G/oci-3.16.9" \
  "$G/oci-3.12.12" > "$tmp/estate" 2> "$tmp/push.err" ||
  { bad "pushing the estate failed: $(tail -3 "$tmp/push.err")"; exit 1; }
skopeo copy -q --dest-tls-verify=false "oci:$D/oci" "docker://$reg/big/debian:1" > "$tmp/skopeo" 2>&1 ||
  { bad "skopeo copy failed: $(tail -2 "$tmp/skopeo")"; exit 1; }
[ "$(sort -u -k2 "$tmp/estate" | wc -l)" = "$N" ] || { bad "the estate has duplicate digests"; exit 1; }

ADMIN=$("$VIGIL" serve token add ops --scopes admin --store "$url") || { bad "token add: $ADMIN"; exit 1; }

# the webhook receiver: logs every delivery's id, event and body
cat > "$tmp/recv.py" <<'EOF'
import http.server, json, os, sys, threading
portfile, log = sys.argv[1], sys.argv[2]
lock = threading.Lock()
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock, open(log, "a") as f:
            f.write(json.dumps({"delivery": self.headers.get("X-Vigil-Delivery"),
                                "event": self.headers.get("X-Vigil-Event"),
                                "body": json.loads(body)}) + "\n")
        self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(portfile + ".tmp", "w").write(str(s.server_address[1])); os.rename(portfile + ".tmp", portfile)
s.serve_forever()
EOF
python3 "$tmp/recv.py" "$tmp/rport" "$tmp/events.jsonl" &
pids+=($!)
for _ in $(seq 1 50); do [ -s "$tmp/rport" ] && break; sleep 0.1; done
touch "$tmp/events.jsonl"

# serve ROLE NAME [options]: a server in the background; its port in port_NAME, pid in pid_NAME
serve() {
  local role=$1 name=$2; shift 2
  rm -f "$tmp/port.$name"
  [ -f "$tmp/db.$name" ] || cp "$tmp/db1" "$tmp/db.$name"
  "$VIGIL" serve --role "$role" --store "$url" --listen 127.0.0.1:0 --port-file "$tmp/port.$name" \
    --db "$tmp/db.$name" --db-from "$tmp/m2" --insecure-registry 127.0.0.1 --workers 1 \
    --lease 3 --backoff 1 --max-attempts 4 --job-retention 3600 "$@" 2>> "$tmp/log.$name" &
  eval "pid_$name=$!"; pids+=($!)
  for _ in $(seq 1 150); do [ -s "$tmp/port.$name" ] && break; sleep 0.1; done
  [ -s "$tmp/port.$name" ] || { bad "server $name did not start: $(tail -3 "$tmp/log.$name")"; exit 1; }
  eval "port_$name=$(cat "$tmp/port.$name")"
}
serve api api --http-threads 4
serve worker w1; serve worker w2; serve worker w3
base=http://127.0.0.1:$port_api
api() { # api METHOD PATH [BODY]
  curl -s --max-time 60 -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    -X "$1" "$base$2" ${3:+-d "$3"}
}
metric() { # metric NAME: summed over the three workers
  local s=0 v
  for w in $port_w1 $port_w2 $port_w3; do
    v=$(curl -s -H "Authorization: Bearer $ADMIN" "http://127.0.0.1:$w/metrics" | awk -v m="$1" '$1 == m {print $2}')
    s=$((s + ${v:-0}))
  done
  echo $s
}
wait_sql() { # wait_sql SQL WANT SECONDS: until the query prints WANT
  local end=$((SECONDS + $3)) v
  while [ $SECONDS -lt $end ]; do
    v=$(sqlq "$1" 2> /dev/null); [ "$v" = "$2" ] && return 0; sleep 0.5
  done
  echo "  waited for [$1] = $2, last: $v"; return 1
}

"$VIGIL" serve --check --store "$url" > "$tmp/check" 2>&1 && grep -q 'schema current' "$tmp/check" &&
  [ "$(sqlq 'SELECT max(version) FROM schema_migrations')" = 7 ] &&
  [ "$(sqlq 'SELECT count(*) FROM schema_migrations')" = 7 ] &&
  pass "four servers started together on one database: migrations applied once (version 7), vigil serve --check ok" ||
  bad "schema: $(cat "$tmp/check")"
[ "$(curl -s "$base/healthz")" = '{"status":"ok"}' ] || bad "healthz of the API server"
SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
hook=$(api POST /api/v1/webhooks "{\"url\":\"http://127.0.0.1:$(cat "$tmp/rport")/h\",\"secret\":\"$SECRET\",\"events\":[\"image.scanned\",\"vulnerabilities.changed\",\"scan.failed\"]}" | jq -r .id)
[ "${hook:-0}" -gt 0 ] 2> /dev/null || bad "webhook registration"

# 1. every image of the estate queued twice (through the API server): scanned once
t0=$SECONDS
: > "$tmp/ids"
while read -r repo dig; do
  for _ in 1 2; do
    api POST /api/v1/scans "{\"image\":\"$reg/$repo@$dig\",\"repository\":\"$repo\"}" | jq -r .id >> "$tmp/ids"
  done
done < "$tmp/estate"
dupids=$(paste - - < "$tmp/ids" | awk '$1 != $2' | wc -l)
wait_sql "SELECT count(*) FROM jobs WHERE kind='scan' AND status IN ('queued','running')" 0 $((60 + N * 3)) || true
dt=$((SECONDS - t0))
done_n=$(sqlq "SELECT count(*) FROM jobs WHERE kind='scan' AND status='done'")
hist=$(sqlq "SELECT count(*) FROM history"); mani=$(sqlq "SELECT count(*) FROM manifests")
scans=$(metric 'vigil_scans_total{result="done"}')
per=$(for w in 1 2 3; do grep -c '"scan done"' "$tmp/log.w$w"; done | paste -sd/)
if [ "$dupids" = 0 ] && [ "$done_n" = "$N" ] && [ "$mani" = "$N" ] && [ "$hist" = "$N" ] && [ "$scans" = "$N" ]; then
  pass "$N images queued twice each ($((2 * N)) requests): $N jobs, each manifest scanned once ($scans scans by the three workers: $per), $N history rows, in ${dt}s"
else bad "estate: same id for a repeat: $((N - dupids))/$N, done $done_n, manifests $mani, history $hist, scans $scans ($per)"; fi
for _ in $(seq 1 60); do
  [ "$(grep -c '"image.scanned"' "$tmp/events.jsonl")" -ge "$N" ] && break; sleep 0.5
done
if python3 - "$tmp/events.jsonl" "$N" <<'EOF'
import json, sys, collections
ev = [json.loads(l) for l in open(sys.argv[1])]
sc = collections.Counter(e["body"]["scan_id"] for e in ev if e["event"] == "image.scanned")
assert len(sc) == int(sys.argv[2]), f"{len(sc)} scans announced"
assert max(sc.values()) == 1, "an image.scanned delivered twice"
EOF
then pass "webhooks: exactly one image.scanned per scan job ($N), none lost"
else bad "webhooks after the estate scan"; fi

# 2. kill -9 of the worker holding a long scan: the job is finished by another after
# its lease expires, with one history row and one image.scanned
bdig=$(skopeo inspect --tls-verify=false "docker://$reg/big/debian:1" | jq -r .Digest)
bid=$(api POST /api/v1/scans "{\"image\":\"$reg/big/debian@$bdig\",\"repository\":\"big/debian\"}" | jq -r .id)
owner=""
for _ in $(seq 1 200); do
  owner=$(sqlq "SELECT owner FROM jobs WHERE id=$bid AND status='running'"); [ -n "$owner" ] && break; sleep 0.05
done
vpid=$(echo "$owner" | cut -d: -f2)
victim=""
for w in w1 w2 w3; do eval "[ \"\$pid_$w\" = \"$vpid\" ] && victim=$w"; done
if [ -n "$victim" ]; then
  kill -9 "$vpid"; wait "$vpid" 2> /dev/null
  wait_sql "SELECT status FROM jobs WHERE id=$bid" done 120 || true
  row=$(sqlq "SELECT status || ' ' || attempts FROM jobs WHERE id=$bid")
  bh=$(sqlq "SELECT count(*) FROM history WHERE digest='$bdig'")
  sleep 2
  be=$(grep '"image.scanned"' "$tmp/events.jsonl" | grep -c "\"scan_id\": $bid[,}]")
  resc=$(curl -s -H "Authorization: Bearer $ADMIN" "$base/metrics" | awk '$1 == "vigil_lease_rescues_total" {print $2}')
  if [ "$row" = "done 2" ] && [ "$bh" = 1 ] && [ "$be" = 1 ] && [ "$resc" -ge 1 ]; then
    pass "kill -9 of $victim holding a scan: rescued after the lease (rescues: $resc), finished by another worker on attempt 2, 1 history row, 1 image.scanned"
  else bad "kill -9: job '$row', history $bh, image.scanned $be, rescues $resc"; fi
  serve worker "$victim"
else bad "no worker held the long scan (owner '$owner')"; fi

# 3. PostgreSQL stopped and restarted while scans run: /healthz says so, workers reconnect
python3 "$top/tests/postgres/push_estate.py" "$reg" 30 3 restart "$G/oci-3.20.3" "$G/oci-3.16.9" \
  > "$tmp/estate2" 2> "$tmp/push.err" || bad "pushing the second estate: $(tail -2 "$tmp/push.err")"
while read -r repo dig; do
  api POST /api/v1/scans "{\"image\":\"$reg/$repo@$dig\",\"repository\":\"$repo\"}" > /dev/null
done < "$tmp/estate2"
for _ in $(seq 1 100); do
  [ "$(sqlq "SELECT count(*) FROM jobs WHERE status='done' AND ref LIKE '%/restart/%'")" -ge 3 ] && break; sleep 0.1
done
pg_as "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w -t 30 stop > /dev/null 2>&1
hz=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$base/healthz")
sleep 2
pg_start || bad "PostgreSQL did not come back"
hz2=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$base/healthz")
wait_sql "SELECT count(*) FROM jobs WHERE status IN ('queued','running')" 0 180 || true
r_done=$(sqlq "SELECT count(*) FROM jobs WHERE status='done' AND ref LIKE '%/restart/%'")
r_man=$(sqlq "SELECT count(*) FROM manifests WHERE repository LIKE 'restart/%'")
twins=$(sqlq "SELECT count(*) FROM (SELECT vulns = lag(vulns) OVER (PARTITION BY digest ORDER BY id) AS same FROM history) x WHERE same")
alive=0; for w in w1 w2 w3; do eval "kill -0 \$pid_$w" 2> /dev/null && alive=$((alive + 1)); done
if [ "$hz" = 503 ] && [ "$hz2" = 200 ] && [ "$r_done" = 30 ] && [ "$r_man" = 30 ] && [ "$twins" = 0 ] && [ $alive = 3 ]; then
  pass "PostgreSQL restarted during 30 scans: /healthz 503 while down, 200 after; the workers reconnected and finished all 30, no duplicate history"
else bad "restart: healthz $hz/$hz2, done $r_done/30, manifests $r_man, twins $twins, workers alive $alive"; fi

# 4. a database update: one worker updates (advisory lock), the re-evaluation is queued in
# chunks that every worker takes (each loads or updates its own database first)
h0=$(sqlq "SELECT count(*) FROM history")
# the v3.20 images gain CVE-2099-0102: every third of the estate, half of the second one
n320=$(( (N + 2) / 3 + 15 ))
ch0=$(grep -c '"vulnerabilities.changed"' "$tmp/events.jsonl")
upd=$(api POST /api/v1/db/update | jq -r .id)
wait_sql "SELECT status FROM jobs WHERE id=$upd" done 120 || true
wait_sql "SELECT count(*) FROM jobs WHERE kind='rematch' AND status IN ('queued','running')" 0 180 || true
chunks=$(sqlq "SELECT count(*) FROM jobs WHERE kind='rematch' AND status='done'")
owners=$(cat "$tmp"/log.w* | grep -c '"re-evaluation chunk done"')
h1=$(sqlq "SELECT count(*) FROM history")
for _ in $(seq 1 60); do
  [ $(( $(grep -c '"vulnerabilities.changed"' "$tmp/events.jsonl") - ch0 )) -ge "$n320" ] && break; sleep 0.5
done
sleep 1
ch=$(( $(grep -c '"vulnerabilities.changed"' "$tmp/events.jsonl") - ch0 ))
if [ "$chunks" -ge 2 ] && [ $((h1 - h0)) = "$n320" ] && [ "$ch" = "$n320" ] && [ "$n320" -gt 0 ]; then
  pass "db update: re-evaluation in $chunks chunks ($owners chunk runs), $n320 images changed: $n320 history rows and exactly $ch vulnerabilities.changed"
else bad "db update: chunks $chunks, history +$((h1 - h0)) for $n320 v3.20 images, changed events $ch"; fi

# 5. finished jobs are deleted in batches (a worker with a short retention)
jn=$(sqlq "SELECT count(*) FROM jobs")
serve worker w4 --job-retention 1
wait_sql "SELECT count(*) FROM jobs WHERE status IN ('done','failed')" 0 60 &&
  pass "finished jobs deleted in batches ($jn rows -> $(sqlq 'SELECT count(*) FROM jobs'))" ||
  bad "finished jobs not deleted"
kill -TERM "$pid_w4"; wait "$pid_w4" 2> /dev/null
q=$(curl -s -H "Authorization: Bearer $ADMIN" "$base/metrics" | grep -cE '^vigil_(queue_age_seconds|lease_rescues_total) ')
[ "$q" = 2 ] && pass "/metrics has the queue age and lease rescues" || bad "metrics: $q"

# the logs: JSON lines only (libpq notices must not leak into them)
cat "$tmp"/log.* | python3 -c 'import json,sys
for l in sys.stdin: json.loads(l)' && pass "logs of the four servers are JSON lines" || bad "logs not JSON"
stopped=0
for n in api w1 w2 w3; do eval "kill -TERM \$pid_$n; wait \$pid_$n" && stopped=$((stopped + 1)); done
[ $stopped = 4 ] && pass "SIGTERM stops every server cleanly" || bad "$stopped of 4 servers stopped cleanly"

# 5b. the store's unit tests against a fresh database (leases, rescue, keys)
pg_as "$PGBIN/psql" -h "$PGSOCK" -p "$PGPORT_T" -U vigil -d postgres -qc "CREATE DATABASE vigil_unit" > /dev/null
unit=$(dirname "$VIGIL")/test_unit
if [ -x "$unit" ]; then
  VIGIL_TEST_PG_URL="postgresql:///vigil_unit?host=$PGSOCK&port=$PGPORT_T&user=vigil" "$unit" test_store_pg > "$tmp/unit.out" 2>&1
  grep -q '^2 passed, 0 failed' "$tmp/unit.out" && pass "unit tests of the PostgreSQL store (leases, rescue with backoff, failure after max attempts, ownership, delivery keys)" ||
    bad "unit tests: $(grep -E 'CHECK|FAIL' "$tmp/unit.out" | head -3)"
else bad "$unit not built"; fi

# 5c. LISTEN/NOTIFY: a worker whose fallback poll is an hour (--poll 3600) still takes a
# job queued through another process at once, also after PostgreSQL restarted under it
# (a fresh database: one API server, one worker; the job's wait is bounded at 120 s)
pg_as "$PGBIN/psql" -h "$PGSOCK" -p "$PGPORT_T" -U vigil -d postgres -qc "CREATE DATABASE vigil_notify" > /dev/null
main_url=$url
url="postgresql:///vigil_notify?host=$PGSOCK&port=$PGPORT_T&user=vigil"
NTOK=$("$VIGIL" serve token add ops --scopes admin --store "$url")
serve api napi; serve worker nw --poll 3600
listening() { # until the worker's listener is connected (and its first wake-up is over)
  wait_sql "SELECT count(*) FROM pg_stat_activity WHERE datname='vigil_notify' AND query='LISTEN vigil_jobs'" 1 60 &&
    sleep 1
}
notified() { # notified REF: queued through napi, done by nw within the bound
  local id
  id=$(curl -s --max-time 30 -H "Authorization: Bearer $NTOK" -H 'Content-Type: application/json' \
    -X POST "http://127.0.0.1:$port_napi/api/v1/scans" -d "{\"image\":\"$1\"}" | jq -r .id)
  wait_sql "SELECT status FROM jobs WHERE id=${id:-0}" done 120
}
ref1=$(sed -n 1p "$tmp/estate" | awk -v r="$reg" '{print r "/" $1 "@" $2}')
ref2=$(sed -n 2p "$tmp/estate" | awk -v r="$reg" '{print r "/" $1 "@" $2}')
if listening && notified "$ref1"; then
  pass "LISTEN/NOTIFY: an idle worker (poll 3600 s) takes a job queued by the API server at once"
else bad "LISTEN/NOTIFY: the idle worker did not wake for a new job"; fi
pg_restart || bad "PostgreSQL did not restart"
if listening && notified "$ref2"; then
  pass "LISTEN/NOTIFY: after PostgreSQL restarted the worker listens again and wakes for a new job"
else bad "LISTEN/NOTIFY: no wake-up after PostgreSQL restarted"; fi
kill -TERM "$pid_napi" "$pid_nw"; wait "$pid_napi" "$pid_nw" 2> /dev/null
url=$main_url

# 6. the serve end-to-end suite, against this PostgreSQL (a fresh database)
if [ "${VIGIL_PG_SKIP_SERVE:-}" != 1 ]; then
  pg_psql "DROP DATABASE IF EXISTS vigil_serve" > /dev/null 2>&1
  pg_as "$PGBIN/psql" -h "$PGSOCK" -p "$PGPORT_T" -U vigil -d postgres -qc "CREATE DATABASE vigil_serve" > /dev/null
  VIGIL_TEST_STORE="postgresql:///vigil_serve?host=$PGSOCK&port=$PGPORT_T&user=vigil" \
    VIGIL="$VIGIL" bash "$top/tests/serve/test_serve.sh" > "$tmp/serve.out" 2>&1
  rc=$?
  sed 's/^\(PASS\|FAIL\|SKIP\): serve: /\1: postgres: serve suite: /' "$tmp/serve.out" | grep -E '^(PASS|FAIL|SKIP)'
  [ $rc = 0 ] || bad "the serve suite against PostgreSQL failed"
fi

# 6b. upgrade: a store of the releases that created runtime_events and layer_cache on first
# use (recorded at version 4, the tables present) migrates to 7 in place; a missing table
# of a migrated store is refused by --check
pg_psql "DROP DATABASE IF EXISTS vigil_upgrade" > /dev/null 2>&1
pg_as "$PGBIN/psql" -h "$PGSOCK" -p "$PGPORT_T" -U vigil -d postgres -qc "CREATE DATABASE vigil_upgrade" > /dev/null
uurl="postgresql:///vigil_upgrade?host=$PGSOCK&port=$PGPORT_T&user=vigil"
upsql() { pg_as "$PGBIN/psql" -h "$PGSOCK" -p "$PGPORT_T" -U vigil -d vigil_upgrade -qAtc "$1"; }
"$VIGIL" serve --check --store "$uurl" > /dev/null 2>&1 &&
  upsql "DELETE FROM schema_migrations WHERE version > 4" > /dev/null &&
  upsql "INSERT INTO layer_cache(key, diff_id, size, used, data) VALUES('k', 'sha256:00', 1, 1, 'x')" > /dev/null &&
  "$VIGIL" serve --check --store "$uurl" > "$tmp/upcheck" 2>&1 &&
  [ "$(upsql 'SELECT max(version) FROM schema_migrations')" = 7 ] &&
  [ "$(upsql 'SELECT count(*) FROM layer_cache')" = 1 ] &&
  pass "a version-4 store whose first-use tables exist migrates to 7 in place, cache rows kept" ||
  bad "upgrade from version 4: $(cat "$tmp/upcheck" 2> /dev/null)"
# 6c. upgrade to 7 (shared report and inventory parts, index sets): a version-6 store's
# image, its report and inventory whole in the row and its index rows per digest, reads
# back the same through manifests_full and the pkgindex / vulnindex views
d6="sha256:$(printf '%064d' 6)"
upsql "DROP VIEW manifests_full; DROP VIEW pkgindex; DROP VIEW vulnindex; DROP TABLE parts;
  DROP TABLE pkgsets; DROP TABLE vulnsets; ALTER TABLE manifests DROP COLUMN inventory_part,
  DROP COLUMN inventory_tail, DROP COLUMN report_part, DROP COLUMN report_tail,
  DROP COLUMN pkgset, DROP COLUMN vulnset;
  CREATE TABLE pkgindex(ecosystem text NOT NULL, package text NOT NULL, digest text NOT NULL,
  PRIMARY KEY(ecosystem, package, digest));
  CREATE TABLE vulnindex(vuln text NOT NULL, digest text NOT NULL, package text NOT NULL,
  PRIMARY KEY(vuln, digest, package));
  DELETE FROM schema_migrations WHERE version > 6;
  INSERT INTO manifests(digest, first_seen, scanned_at, inventory, report, vulns)
  VALUES('$d6', 1, 1, '{\"packages\": []}', '{\"report\": 6}', '[]');
  INSERT INTO pkgindex VALUES('deb', 'zlib1g', '$d6');
  INSERT INTO vulnindex VALUES('CVE-2099-6', '$d6', 'zlib1g')" > /dev/null &&
  "$VIGIL" serve --check --store "$uurl" > "$tmp/upcheck" 2>&1 &&
  [ "$(upsql 'SELECT max(version) FROM schema_migrations')" = 7 ] &&
  [ "$(upsql 'SELECT report || inventory FROM manifests_full')" = '{"report": 6}{"packages": []}' ] &&
  [ "$(upsql "SELECT digest FROM pkgindex WHERE package='zlib1g'")" = "$d6" ] &&
  [ "$(upsql "SELECT digest || package FROM vulnindex WHERE vuln='CVE-2099-6'")" = "${d6}zlib1g" ] &&
  pass "a version-6 store migrates to 7 in place: its image's report, inventory and index rows read back the same" ||
  bad "upgrade from version 6: $(cat "$tmp/upcheck" 2> /dev/null)"
upsql "DROP TABLE runtime_events" > /dev/null
if ! "$VIGIL" serve --check --store "$uurl" > "$tmp/upcheck" 2>&1 && grep -q 'runtime_events' "$tmp/upcheck"; then
  pass "serve --check refuses a migrated store without its runtime_events table: $(head -1 "$tmp/upcheck")"
else bad "serve --check with runtime_events dropped: $(cat "$tmp/upcheck")"; fi

# 6c. the connection pool, made deterministic with a lock: the test holds an exclusive
# lock on `manifests`, sends 6 image listings (each once the one before it is parked)
# to an API server with 4 HTTP threads, and counts the server's sessions waiting on that
# lock: each waiting request holds one pooled connection, so exactly min(allowed, 4) of
# them wait (1 when allowed 1, 3 when allowed 3); the others wait for a free connection
# inside the server
pdb() { pg_as "$PGBIN/psql" -h "$PGSOCK" -p "$PGPORT_T" -U vigil -d vigil_pool -qAtX "$@"; }
pool_waiting() { # pool_waiting N: the server's sessions waiting on the lock when allowed N
  local port pid lpid want=$2 n=0
  rm -f "$tmp/port.pool"
  VIGIL_STORE_CONNECTIONS=$1 "$VIGIL" serve --role api --store "$purl" --listen 127.0.0.1:0 \
    --port-file "$tmp/port.pool" --http-threads 4 2>> "$tmp/log.pool" &
  pid=$!
  for _ in $(seq 1 150); do [ -s "$tmp/port.pool" ] && break; sleep 0.1; done
  port=$(cat "$tmp/port.pool" 2> /dev/null)
  pdb -c "BEGIN; LOCK TABLE manifests IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(300); COMMIT" > /dev/null 2>&1 &
  lpid=$!
  for _ in $(seq 1 300); do
    [ "$(pdb -c "SELECT count(*) FROM pg_locks WHERE relation = 'manifests'::regclass AND granted")" -ge 1 ] && break
    sleep 0.1
  done
  # one request at a time: each waits until the one before it is parked (on the lock, or
  # for a pooled connection once the pool is spent), so each lands on a free HTTP thread
  # whatever order the threads accept in (6 at once let two threads take them all)
  local cpids=() i
  for i in 1 2 3 4 5 6; do
    curl -s -o /dev/null --max-time 120 -H "Authorization: Bearer $PTOK" "http://127.0.0.1:$port/api/v1/images" &
    cpids+=($!)
    if [ "$i" -le "$want" ]; then
      for _ in $(seq 1 300); do
        n=$(pdb -c "SELECT count(*) FROM pg_stat_activity WHERE datname = 'vigil_pool' AND wait_event_type = 'Lock'")
        [ "$n" -ge "$i" ] && break
        sleep 0.1
      done
    else sleep 0.3; fi
  done
  # then a moment for any extra one to show
  sleep 2
  n=$(pdb -c "SELECT count(*) FROM pg_stat_activity WHERE datname = 'vigil_pool' AND wait_event_type = 'Lock'")
  pdb -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'vigil_pool' AND query LIKE '%pg_sleep(300)%' AND pid <> pg_backend_pid()" > /dev/null
  wait "$lpid" 2> /dev/null
  wait "${cpids[@]}"
  kill "$pid" 2> /dev/null; wait "$pid" 2> /dev/null
  echo "$n"
}
pg_psql "DROP DATABASE IF EXISTS vigil_pool" > /dev/null 2>&1
pg_as "$PGBIN/psql" -h "$PGSOCK" -p "$PGPORT_T" -U vigil -d postgres -qc "CREATE DATABASE vigil_pool" > /dev/null
purl="postgresql:///vigil_pool?host=$PGSOCK&port=$PGPORT_T&user=vigil"
PTOK=$("$VIGIL" serve token add pool --scopes admin --store "$purl")
w1=$(pool_waiting 1 1); w3=$(pool_waiting 3 3)
if [ "$w1" = 1 ] && [ "$w3" = 3 ]; then
  pass "connection pool: 6 concurrent requests to 4 HTTP threads against a locked table hold 1 connection when allowed 1 and 3 when allowed 3"
else bad "connection pool: sessions waiting on the lock: $w1 when allowed 1 (want 1), $w3 when allowed 3 (want 3): $(tail -2 "$tmp/log.pool")"; fi
if ! VIGIL_STORE_CONNECTIONS=0 "$VIGIL" serve --check --store "$purl" > "$tmp/poolbad" 2>&1 &&
  grep -q 'VIGIL_STORE_CONNECTIONS: expected 1 to 64' "$tmp/poolbad"; then
  pass "VIGIL_STORE_CONNECTIONS=0 refused: $(head -1 "$tmp/poolbad")"
else bad "VIGIL_STORE_CONNECTIONS=0: $(cat "$tmp/poolbad")"; fi

# 7-8. the dashboard and admission suites against this PostgreSQL (fresh databases): the
# overview, image and vulnerability views, scan targets, admissions and job status of
# store_pg.c answer what the SQLite store answers
for suite in dashboard admission; do
  v=$(printf 'VIGIL_PG_SKIP_%s' "$suite" | tr a-z A-Z)
  [ "${!v:-}" = 1 ] && continue
  pg_psql "DROP DATABASE IF EXISTS vigil_$suite" > /dev/null 2>&1
  pg_as "$PGBIN/psql" -h "$PGSOCK" -p "$PGPORT_T" -U vigil -d postgres -qc "CREATE DATABASE vigil_$suite" > /dev/null
  VIGIL_TEST_STORE="postgresql:///vigil_$suite?host=$PGSOCK&port=$PGPORT_T&user=vigil" \
    VIGIL="$VIGIL" bash "$top/tests/$suite/test_$suite.sh" > "$tmp/$suite.out" 2>&1
  rc=$?
  sed "s/^\(PASS\|FAIL\|SKIP\): $suite: /\1: postgres: $suite suite: /" "$tmp/$suite.out" | grep -E '^(PASS|FAIL|SKIP)'
  [ $rc = 0 ] || bad "the $suite suite against PostgreSQL failed: $(grep -v -E '^(PASS|SKIP)' "$tmp/$suite.out" | tail -3)"
done
exit $fail
