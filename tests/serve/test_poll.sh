#!/usr/bin/env bash
# vigil serve registry polling (issue 13): a loopback docker-registry WITHOUT
# notifications, images pushed with skopeo; `vigil serve --registry URL/GLOB` polls
# /v2/_catalog and tags/list and queues what is new (idempotent across polls and a
# restart); the registries API (POST, GET /watched, DELETE; admin scope) stores
# credentials without ever answering or logging them.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
fail=0
pass() { echo "PASS: serve-poll: $1"; }
bad() { echo "FAIL: serve-poll: $1"; fail=1; }
need() {
  if ! command -v "$1" > /dev/null; then
    if [ "${CI:-}" = true ]; then echo "FAIL: serve-poll: $1 not installed"; exit 1; fi
    echo "SKIP: serve-poll: $1 not installed"; exit 0
  fi
}
need curl; need jq; need python3; need docker-registry; need skopeo
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2> /dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
G=$("$top/tests/fixtures/make-golden-alpine.sh" 2> "$tmp/fixture.err") ||
  { bad "fixture build failed: $(tail -3 "$tmp/fixture.err")"; exit 1; }
mkdir -p "$tmp/m/alpine-secdb/v3.16"
printf 'distroversion: v3.16\nreponame: main\narchs:\n  - x86_64\npackages:\n  - pkg:\n      name: busybox\n      secfixes:\n        99.0-r0:\n          - CVE-2099-0101\n' \
  > "$tmp/m/alpine-secdb/v3.16/main.yaml"
tar -czf "$tmp/m/alpine-secdb.tar.gz" -C "$tmp/m" alpine-secdb && rm -rf "$tmp/m/alpine-secdb"
"$VIGIL" db update --from "$tmp/m" --only alpine-secdb --db "$tmp/db" > "$tmp/up" 2>&1 ||
  { bad "db update failed: $(tail -3 "$tmp/up")"; exit 1; }

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rp=$(freeport)
printf '%s\n' "version: 0.1" "log:" "  level: info" "storage:" "  filesystem:" \
  "    rootdirectory: $tmp/reg" "http:" "  addr: 127.0.0.1:$rp" > "$tmp/reg.yml"
docker-registry serve "$tmp/reg.yml" > "$tmp/reglog" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$rp/v2/" && break; sleep 0.1; done
push() { # push OCI-DIR:TAG REPO:TAG
  skopeo copy -q --dest-tls-verify=false "oci:$G/$1" "docker://127.0.0.1:$rp/$2" > "$tmp/skopeo" 2>&1 ||
    { bad "skopeo copy $1 $2: $(tail -2 "$tmp/skopeo")"; exit 1; }
}
push oci-3.16.9:3.16.9 lib/alpine:3.16
push oci-3.20.3:3.20.3 lib/alpine:3.20
push oci-3.12.12:3.12.12 team/app:v1

data=$tmp/data
ADMIN=$("$VIGIL" serve token add ops --scopes admin --data "$data") || { bad "token add"; exit 1; }
READ=$("$VIGIL" serve token add viewer --scopes read --data "$data")
SCAN=$("$VIGIL" serve token add ci --scopes scan,read --data "$data")
start() { # start LOGFILE
  rm -f "$tmp/port"
  "$VIGIL" serve --listen 127.0.0.1:0 --port-file "$tmp/port" --data "$data" --db "$tmp/db" \
    --registry "http://127.0.0.1:$rp/lib/*" --poll-interval 1 --insecure-registry 127.0.0.1 \
    --workers 2 2>> "$1" &
  spid=$!; pids+=("$spid")
  for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  port=$(cat "$tmp/port" 2> /dev/null)
  [ -n "$port" ] || { bad "server did not start: $(tail -3 "$1")"; exit 1; }
  base=http://127.0.0.1:$port
}
api() { # api TOKEN METHOD PATH [BODY]
  local t=$1 m=$2 p=$3; shift 3
  curl -s -o "$tmp/resp" -w '%{http_code}' -X "$m" ${t:+-H "Authorization: Bearer $t"} \
    "$@" "$base$p" > "$tmp/code"
  cat "$tmp/resp"
}
code() { cat "$tmp/code"; }
sq() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$data/store.db" "$1"; }
polls() { grep -c '"registry polled"' "$1"; }
wait_polls() { # wait_polls LOG N: until N more polls were logged (bounded)
  local n0; n0=$(polls "$1")
  for _ in $(seq 1 300); do [ "$(polls "$1")" -ge $((n0 + $2)) ] && return 0; sleep 0.1; done
  return 1
}
wait_done() { # until no job is queued or running (bounded)
  for _ in $(seq 1 600); do
    [ "$(sq "select count(*) from jobs where status in ('queued','running')")" = 0 ] && return 0
    sleep 0.2
  done
  return 1
}

# 1. the command line's registry: lib/* polled, team/app not (glob), no API call
start "$tmp/log1"
wait_polls "$tmp/log1" 1; wait_done
n=$(api "$READ" GET "/api/v1/images?repository=lib/alpine" | jq '.images | length')
t=$(api "$READ" GET "/api/v1/images?repository=lib/alpine" | jq -c '[.images[].tags[]] | sort')
nt=$(api "$READ" GET "/api/v1/images?repository=team/app" | jq '.images | length')
if [ "$n" = 2 ] && [ "$t" = '["3.16","3.20"]' ] && [ "$nt" = 0 ]; then
  pass "--registry URL/lib/*: both lib/alpine tags polled from the catalog and scanned, team/app (outside the glob) not"
else bad "first poll: $n images, tags $t, team/app $nt: $(grep -v '"request"' "$tmp/log1" | tail -3)"; fi
st=$(sq "select group_concat(status) from (select distinct status from jobs)")
[ "$st" = done ] && pass "the polled scans are done" || bad "job statuses: $st"
# the report of a polled digest equals vigil scan of the reference
d=$(api "$READ" GET "/api/v1/images?repository=lib/alpine" | jq -r '.images[] | select(.tags == ["3.16"]) | .digest')
api "$READ" GET "/api/v1/images/$d" | jq -S . > "$tmp/api.json"
"$VIGIL" scan -q --scanners all --insecure-registry 127.0.0.1 --db "$tmp/db" --format json \
  "127.0.0.1:$rp/lib/alpine@$d" 2> "$tmp/scanerr" | jq -S . > "$tmp/cli.json"
[ -s "$tmp/cli.json" ] && cmp -s "$tmp/api.json" "$tmp/cli.json" &&
  pass "a polled image's report equals vigil scan of HOST/REPO@DIGEST" ||
  bad "polled report differs: $(diff "$tmp/api.json" "$tmp/cli.json" | head -3) $(tail -1 "$tmp/scanerr")"

# 2. idempotent: more polls, then a restart and more polls, queue nothing new
j0=$(sq "select count(*) from jobs")
wait_polls "$tmp/log1" 3 || bad "fewer than 3 more polls"
kill -TERM "$spid"; wait "$spid"
start "$tmp/log2"
wait_polls "$tmp/log2" 2 || bad "no poll after the restart"
j1=$(sq "select count(*) from jobs")
[ "$j0" = 2 ] && [ "$j1" = 2 ] && pass "polling is idempotent: 3 more polls and 2 after a restart queue nothing ($j1 jobs)" ||
  bad "jobs: $j0 after the first poll, $j1 after more polls and a restart"

# 3. a new tag is found by the next poll
push oci-3.12.12:3.12.12 lib/alpine:3.12
wait_polls "$tmp/log2" 2; wait_done
n=$(api "$READ" GET "/api/v1/images?repository=lib/alpine" | jq '.images | length')
j2=$(sq "select count(*) from jobs")
[ "$n" = 3 ] && [ "$j2" = 3 ] && pass "a new push is found by the next poll (3 images, 3 jobs)" ||
  bad "after a new push: $n images, $j2 jobs"

# 4. the registries API: admin scope, credentials never answered nor logged
PW="pw-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
body="{\"url\":\"http://127.0.0.1:$rp\",\"repositories\":\"team/*\",\"username\":\"vigiluser\",\"password\":\"$PW\"}"
ok=1
api "" POST /api/v1/registries -d "$body" > /dev/null; [ "$(code)" = 401 ] || { ok=0; echo "  none POST: $(code)"; }
api "$READ" POST /api/v1/registries -d "$body" > /dev/null; [ "$(code)" = 403 ] || { ok=0; echo "  read POST: $(code)"; }
api "$SCAN" POST /api/v1/registries -d "$body" > /dev/null; [ "$(code)" = 403 ] || { ok=0; echo "  scan POST: $(code)"; }
api "$READ" GET /api/v1/registries/watched > /dev/null; [ "$(code)" = 403 ] || { ok=0; echo "  read GET: $(code)"; }
api "$READ" DELETE /api/v1/registries/1 > /dev/null; [ "$(code)" = 403 ] || { ok=0; echo "  read DELETE: $(code)"; }
for b in '{' '[]' '{"url":42}' '{"url":"ftp://x"}' '{"url":"http://a b"}' \
         "{\"url\":\"http://127.0.0.1:$rp\",\"username\":\"u\"}" '{"url":""}'; do
  api "$ADMIN" POST /api/v1/registries -d "$b" > /dev/null
  [ "$(code)" = 400 ] && jq -e .error.message "$tmp/resp" > /dev/null || { ok=0; echo "  body $b: $(code)"; }
done
[ $ok = 1 ] && pass "registries API: 401 without a token, 403 for read and scan tokens, 400 for malformed bodies" ||
  bad "registries API refusals"
rid=$(api "$ADMIN" POST /api/v1/registries -d "$body" | jq -r .id)
c1=$(code); r1=$(cat "$tmp/resp")
w=$(api "$ADMIN" GET /api/v1/registries/watched)
if [ "$c1" = 201 ] && [ "$rid" -gt 0 ] 2> /dev/null &&
   [ "$(echo "$w" | jq -c '.registries[0] | [.url, .repositories, .credentials]')" = "[\"http://127.0.0.1:$rp\",\"team/*\",true]" ] &&
   ! printf '%s%s' "$r1" "$w" | grep -qE "$PW|vigiluser"; then
  pass "POST /api/v1/registries (201) and GET /api/v1/registries/watched: url, glob, credentials: true, never the username or password"
else bad "registries CRUD: $c1 $r1 / $w"; fi
# the added registry is polled at once; docker-registry without auth ignores the credentials
for _ in $(seq 1 150); do
  [ "$(api "$READ" GET "/api/v1/images?repository=team/app" | jq '.images | length')" = 1 ] && break; sleep 0.2
done
[ "$(api "$READ" GET "/api/v1/images?repository=team/app" | jq '.images | length')" = 1 ] &&
  pass "a registry added through the API is polled at once (team/app scanned)" ||
  bad "the API's registry was not polled: $(grep '"registry poll' "$tmp/log2" | tail -2)"
api "$ADMIN" DELETE "/api/v1/registries/$rid" > /dev/null; c2=$(code)
api "$ADMIN" DELETE "/api/v1/registries/$rid" > /dev/null; c3=$(code)
n=$(api "$ADMIN" GET /api/v1/registries/watched | jq '.registries | length')
[ "$c2" = 200 ] && [ "$c3" = 404 ] && [ "$n" = 0 ] && pass "DELETE /api/v1/registries/{id}: 200, then 404; the list is empty" ||
  bad "DELETE: $c2 $c3, $n left"
api "$READ" GET /api/v1/registries > /dev/null
[ "$(code)" = 200 ] && pass "GET /api/v1/registries (the dashboard's, read scope) still answers" || bad "dashboard registries: $(code)"
# 5. a registry behind htpasswd Basic auth: the credentials given to the API (and no
# VIGIL_REGISTRY_* in the server's environment) serve the poll and the scan's pull
if command -v htpasswd > /dev/null; then
  PU=vigil$RANDOM; PP="p-$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  htpasswd -Bbn "$PU" "$PP" > "$tmp/htpasswd" 2> /dev/null
  ap=$(freeport)
  printf '%s\n' "version: 0.1" "log:" "  level: info" "storage:" "  filesystem:" \
    "    rootdirectory: $tmp/reg2" "http:" "  addr: 127.0.0.1:$ap" "auth:" "  htpasswd:" \
    "    realm: vigil-test" "    path: $tmp/htpasswd" > "$tmp/reg2.yml"
  docker-registry serve "$tmp/reg2.yml" > "$tmp/reglog2" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$ap/v2/" && break; sleep 0.1; done
  skopeo copy -q --dest-tls-verify=false --dest-creds "$PU:$PP" "oci:$G/oci-3.20.3:3.20.3" \
    "docker://127.0.0.1:$ap/priv/app:1" > "$tmp/skopeo" 2>&1 || bad "skopeo push with auth: $(tail -2 "$tmp/skopeo")"
  # wrong credentials first: the poll fails with a warning, nothing queued
  wid=$(api "$ADMIN" POST /api/v1/registries -d "{\"url\":\"http://127.0.0.1:$ap\",\"username\":\"$PU\",\"password\":\"wrong-$PP\"}" | jq -r .id)
  for _ in $(seq 1 100); do grep -q "\"registry poll: catalog\".*127.0.0.1:$ap" "$tmp/log2" && break; sleep 0.1; done
  grep -q "\"registry poll: catalog\".*127.0.0.1:$ap" "$tmp/log2" &&
    [ "$(api "$READ" GET "/api/v1/images?repository=priv/app" | jq '.images | length')" = 0 ] &&
    pass "wrong registry credentials: the poll logs a warning and queues nothing" ||
    bad "wrong credentials: $(grep "127.0.0.1:$ap" "$tmp/log2" | tail -2)"
  api "$ADMIN" DELETE "/api/v1/registries/$wid" > /dev/null
  api "$ADMIN" POST /api/v1/registries -d "{\"url\":\"http://127.0.0.1:$ap\",\"username\":\"$PU\",\"password\":\"$PP\"}" > /dev/null
  st=""
  for _ in $(seq 1 200); do
    st=$(api "$READ" GET "/api/v1/images?repository=priv/app" | jq -r '.images[0].digest // empty')
    [ -n "$st" ] && break; sleep 0.2
  done
  [ -n "$st" ] && pass "a registry with Basic auth: the stored credentials list it and pull the polled image (scanned)" ||
    bad "auth registry not scanned: $(grep -E "127.0.0.1:$ap|failed" "$tmp/log2" | tail -3)"
  if grep -qE "$PP|$PU" "$tmp/log2" || api "$ADMIN" GET /api/v1/registries/watched | grep -qE "$PP|$PU"; then
    bad "the registry's username or password appears in a log or an answer"
  else pass "the registry's username and password appear in no log line and no answer"; fi
else need htpasswd; fi

kill -TERM "$spid"; wait "$spid"
if cat "$tmp/log1" "$tmp/log2" | python3 -c 'import json,sys
for l in sys.stdin: json.loads(l)' && ! grep -qE "$PW|vigiluser|$ADMIN" "$tmp/log1" "$tmp/log2"; then
  pass "logs are JSON lines without the registry credentials or tokens"
else bad "logs: not JSON or a credential leaked"; fi

# 6. the same against a PostgreSQL store (tests/postgres/pg_env.sh): polling queues each
# digest once, the registries API works, credentials are not answered
. "$top/tests/postgres/pg_env.sh"
if pg_have; then
  trap 'pg_stop > /dev/null 2>&1; cleanup' EXIT
  if pg_init "$tmp" && pg_start; then
    PADMIN=$("$VIGIL" serve token add ops --scopes admin --store "$pg_url")
    rm -f "$tmp/port"
    "$VIGIL" serve --listen 127.0.0.1:0 --port-file "$tmp/port" --store "$pg_url" --db "$tmp/db" \
      --registry "http://127.0.0.1:$rp/lib/*" --poll-interval 1 --insecure-registry 127.0.0.1 \
      --workers 2 2>> "$tmp/log3" &
    spid=$!; pids+=("$spid")
    for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
    base=http://127.0.0.1:$(cat "$tmp/port" 2> /dev/null)
    n=0
    for _ in $(seq 1 300); do
      n=$(api "$PADMIN" GET "/api/v1/images?repository=lib/alpine" | jq '.images | length'); [ "$n" = 3 ] && break; sleep 0.2
    done
    wait_polls "$tmp/log3" 3
    pj() { pg_as "$PGBIN/psql" -h "$PGSOCK" -p "$PGPORT_T" -U vigil -d vigil -qAtc "$1"; }
    j=$(pj "SELECT count(*) FROM jobs WHERE kind='scan'")
    rid=$(api "$PADMIN" POST /api/v1/registries -d "$body" | jq -r .id); c1=$(code)
    w=$(api "$PADMIN" GET /api/v1/registries/watched)
    api "$PADMIN" DELETE "/api/v1/registries/$rid" > /dev/null; c2=$(code)
    if [ "$n" = 3 ] && [ "$j" = 3 ] && [ "$c1" = 201 ] && [ "$c2" = 200 ] &&
       [ "$(echo "$w" | jq -r '.registries[0].credentials')" = true ] && ! echo "$w" | grep -q "$PW"; then
      pass "PostgreSQL store: 3 tags polled and scanned, 3 jobs after 3 more polls, registries POST/GET/DELETE without echoing credentials"
    else bad "PostgreSQL store: $n images, $j jobs, POST $c1, DELETE $c2, $w: $(grep -E 'error|warning' "$tmp/log3" | tail -3)"; fi
    kill -TERM "$spid"; wait "$spid"
  else bad "PostgreSQL did not start"; fi
elif [ "${CI:-}" = true ]; then bad "PostgreSQL 15 not installed"
else echo "SKIP: serve-poll: PostgreSQL 15 not installed"; fi
exit $fail
