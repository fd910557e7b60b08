#!/usr/bin/env bash
# vigil serve --db-from URL (issue 13): the database bundle (`vigil db export`, signed)
# from an HTTPS mirror started here (tests/lib/httpd.py, a CA and key made with
# openssl at run time, --ca-file as for registries). An update is picked up and
# re-evaluates; an unchanged mirror costs one request (304) and no re-evaluation; a
# tampered bundle, a truncated bundle (plain HTTP, checksum only), a truncated transfer,
# huge bodies (capped by --db-max-mb) and a redirect loop are refused with a clear
# error, the old database kept, the server alive.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
fail=0
pass() { echo "PASS: serve-dbmirror: $1"; }
bad() { echo "FAIL: serve-dbmirror: $1"; fail=1; }
need() {
  if ! command -v "$1" > /dev/null; then
    if [ "${CI:-}" = true ]; then echo "FAIL: serve-dbmirror: $1 not installed"; exit 1; fi
    echo "SKIP: serve-dbmirror: $1 not installed"; exit 0
  fi
}
need curl; need jq; need python3; need openssl
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do { kill -9 "$p"; wait "$p"; } 2> /dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
cd "$tmp" || exit 1

G=$("$top/tests/fixtures/make-golden-alpine.sh" 2> "$tmp/fixture.err") ||
  { bad "fixture build failed: $(tail -3 "$tmp/fixture.err")"; exit 1; }
mkdir -p "$tmp/images"; cp -r "$G/oci-3.20.3" "$tmp/images/"
feeds() { # feeds DIR [musl]: v3.20, busybox (and musl) fixed in a future version
  rm -rf "$1"; mkdir -p "$1/alpine-secdb/v3.20"
  { printf 'distroversion: v3.20\nreponame: main\narchs:\n  - x86_64\npackages:\n'
    printf '  - pkg:\n      name: busybox\n      secfixes:\n        99.0-r0:\n          - CVE-2099-0101\n'
    [ "${2:-}" = musl ] &&
      printf '  - pkg:\n      name: musl\n      secfixes:\n        99.2-r0:\n          - CVE-2099-0102\n'
  } > "$1/alpine-secdb/v3.20/main.yaml"
  tar -czf "$1/alpine-secdb.tar.gz" -C "$1" alpine-secdb && rm -rf "${1:?}/alpine-secdb"
}
feeds "$tmp/f1"; feeds "$tmp/f2" musl
"$VIGIL" db update --from "$tmp/f1" --only alpine-secdb --db "$tmp/db1" > "$tmp/up" 2>&1 &&
  sleep 1.1 && # a distinct build time for the second database
  "$VIGIL" db update --from "$tmp/f2" --only alpine-secdb --db "$tmp/db2" > "$tmp/up" 2>&1 ||
  { bad "db update failed: $(tail -3 "$tmp/up")"; exit 1; }
built() { "$VIGIL" db info --db "$1" --format json | jq -r .built; }
b1=$(built "$tmp/db1"); b2=$(built "$tmp/db2")
# keys and certificates, made here
openssl genpkey -algorithm ed25519 -out sign.key 2> /dev/null &&
  openssl pkey -in sign.key -pubout -out sign.pub 2> /dev/null &&
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1 -subj /CN=vigil-test-ca 2> /dev/null &&
  openssl req -newkey rsa:2048 -nodes -keyout tls.key -out tls.csr -subj /CN=127.0.0.1 2> /dev/null &&
  printf 'subjectAltName=IP:127.0.0.1\n' > san.ext &&
  openssl x509 -req -in tls.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out tls.pem -days 1 -extfile san.ext 2> /dev/null ||
  { bad "openssl could not make the test keys"; exit 1; }
mkdir -p "$tmp/b1" "$tmp/b2" "$tmp/www"
"$VIGIL" db export "$tmp/b1/db.vigildb" --sign sign.key --db "$tmp/db1" > /dev/null 2>&1 &&
  "$VIGIL" db export "$tmp/b2/db.vigildb" --sign sign.key --db "$tmp/db2" > /dev/null 2>&1 ||
  { bad "db export failed"; exit 1; }
publish() { cp "$1/db.vigildb" "$tmp/www/db.vigildb.new" && cp "$1/db.vigildb.sig" "$tmp/www/db.vigildb.sig" &&
  mv "$tmp/www/db.vigildb.new" "$tmp/www/db.vigildb"; }
publish "$tmp/b1"
echo normal > mode

mirror() { # mirror PORTFILE [TLS args]: the mirror in the background
  python3 "$top/tests/lib/httpd.py" --root "$tmp/www" --log "$tmp/mirror.log" --lifetime 300 \
    --port-file "$1" --mode-file "$tmp/mode" --mode-only .vigildb "${@:2}" 2>> "$tmp/mirror.err" &
  pids+=($!)
  for _ in $(seq 1 100); do [ -s "$1" ] && break; sleep 0.1; done
  [ -s "$1" ] || { bad "mirror did not start: $(tail -3 "$tmp/mirror.err")"; exit 1; }
}
mirror "$tmp/mport" --cert tls.pem --key tls.key
murl=https://127.0.0.1:$(cat "$tmp/mport")/db.vigildb
mirror "$tmp/pport"
purl=http://127.0.0.1:$(cat "$tmp/pport")/db.vigildb

cp "$tmp/db1" "$tmp/db"
data=$tmp/data
ADMIN=$("$VIGIL" serve token add ops --scopes admin --data "$data") || { bad "token add"; exit 1; }
start() { # start LOG ARGS...: the server on a free port, $base
  rm -f "$tmp/port"
  "$VIGIL" serve --listen 127.0.0.1:0 --port-file "$tmp/port" --data "$data" --db "$tmp/db" \
    --images-dir "$tmp/images" --workers 1 "${@:2}" 2>> "$1" &
  spid=$!; pids+=("$spid")
  for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  [ -s "$tmp/port" ] || { bad "server did not start: $(tail -3 "$1")"; exit 1; }
  base=http://127.0.0.1:$(cat "$tmp/port")
}
api() { curl -s -H "Authorization: Bearer $ADMIN" "$@"; }
wait_job() { # wait_job ID: until done or failed (bounded); prints the status
  local s=""
  for _ in $(seq 1 900); do
    s=$(api "$base/api/v1/scans/$1" | jq -r .status 2> /dev/null)
    [ "$s" = done ] || [ "$s" = failed ] && break
    sleep 0.2
  done
  echo "$s"
}
update() { # update: POST /api/v1/db/update and wait; $ust the status, $uerr the error
  local id; id=$(api -X POST "$base/api/v1/db/update" | jq -r .id)
  ust=$(wait_job "$id"); uerr=$(api "$base/api/v1/scans/$id" | jq -r '.error // ""')
}
nreq() { wc -l < "$tmp/mirror.log" 2> /dev/null || echo 0; }
nreeval() { grep -c '"re-evaluation done"' "$1"; }
dbsum() { sha256sum "$tmp/db" | cut -d' ' -f1; }

# 1. the HTTPS mirror with the pinned key and the test CA
start "$tmp/log" --db-from "$murl" --db-key sign.pub --ca-file ca.pem --db-max-mb 2
id=$(api -X POST "$base/api/v1/scans" -d "{\"image\":\"$tmp/images/oci-3.20.3\",\"repository\":\"alpine\"}" | jq -r .id)
s=$(wait_job "$id"); d=$(api "$base/api/v1/scans/$id" | jq -r .digest)
[ "$s" = done ] || { bad "scan: $s $(tail -3 "$tmp/log")"; exit 1; }
hist() { api "$base/api/v1/images/$d/history" | jq '.history | length'; }
update
r1=$(nreq)
[ "$ust" = done ] && [ "$(api "$base/api/v1/db" | jq -r .built)" = "$b1" ] && [ "$(nreeval "$tmp/log")" = 1 ] &&
  grep -q "GET /db.vigildb 200" "$tmp/mirror.log" && grep -q "GET /db.vigildb.sig 200" "$tmp/mirror.log" &&
  pass "first update over HTTPS (test CA via --ca-file): bundle and signature fetched, verified, imported ($b1), one re-evaluation" ||
  bad "first update: $ust $uerr; built $(api "$base/api/v1/db" | jq -r .built); $(tail -4 "$tmp/mirror.log")"
# unchanged mirror: one conditional request answered 304, no import, no re-evaluation
sum=$(dbsum); ne=$(nreeval "$tmp/log")
update
r2=$(nreq)
if [ "$ust" = done ] && [ $((r2 - r1)) = 1 ] && tail -1 "$tmp/mirror.log" | grep -q "GET /db.vigildb 304" &&
   [ "$(nreeval "$tmp/log")" = "$ne" ] && [ "$(dbsum)" = "$sum" ] &&
   grep -q '"database unchanged (mirror not modified)"' "$tmp/log"; then
  pass "unchanged mirror: exactly one request (304), database file untouched, no re-evaluation"
else bad "unchanged mirror: $ust, $((r2 - r1)) requests ($(tail -2 "$tmp/mirror.log" | tr '\n' ' ')), re-evaluations $ne -> $(nreeval "$tmp/log")"; fi
# a mirror without validators sends the same bundle again: same bytes as imported, no re-evaluation
echo plain > mode; update; echo normal > mode
if [ "$ust" = done ] && tail -1 "$tmp/mirror.log" | grep -q "GET /db.vigildb 200" &&
   [ "$(nreeval "$tmp/log")" = "$ne" ] && [ "$(dbsum)" = "$sum" ]; then
  pass "a mirror without ETag/Last-Modified sending the same bundle: same SHA-256 as imported, no import, no re-evaluation"
else bad "no validators: $ust $uerr, re-evaluations $ne -> $(nreeval "$tmp/log"), $(tail -2 "$tmp/mirror.log" | tr '\n' ' ')"; fi
# a new bundle: picked up, the image's findings change (history grows)
h0=$(hist)
publish "$tmp/b2"
update
added=$(api "$base/api/v1/images/$d/history" | jq -c '[.history[-1].added[].id] | unique')
[ "$ust" = done ] && [ "$(api "$base/api/v1/db" | jq -r .built)" = "$b2" ] && [ "$(hist)" = $((h0 + 1)) ] &&
  [ "$added" = '["CVE-2099-0102"]' ] &&
  pass "a new bundle on the mirror is picked up ($b2) and re-evaluated: history $h0 -> $(hist), +CVE-2099-0102" ||
  bad "new bundle: $ust $uerr; built $(api "$base/api/v1/db" | jq -r .built); history $h0 -> $(hist), added $added"

# refusals: each a failed job with a clear error, the database file and engine unchanged
refused() { # refused NAME REGEX: after the update
  if [ "$ust" = failed ] && printf '%s' "$uerr" | grep -qE "$2" && [ "$(dbsum)" = "$sum" ] &&
     [ "$(api "$base/api/v1/db" | jq -r .built)" = "$b2" ] &&
     [ "$(curl -s "$base/healthz" | jq -r .status)" = ok ]; then
    pass "$1 refused ($(printf '%s' "$uerr" | cut -c1-110)); database kept, server up"
  else bad "$1: status $ust, error '$uerr', built $(api "$base/api/v1/db" | jq -r .built)"; fi
}
sum=$(dbsum)
# tampered: one byte changed, the old signature kept
python3 - "$tmp/b1/db.vigildb" "$tmp/www/db.vigildb" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[len(d) // 2] ^= 1
open(sys.argv[2] + ".t", "wb").write(d)
PY
mv "$tmp/www/db.vigildb.t" "$tmp/www/db.vigildb"; cp "$tmp/b1/db.vigildb.sig" "$tmp/www/"
update; refused "a tampered bundle" "signature does not verify"
# the same tampered bundle again: fetched again (the failed copy was forgotten), refused again
r3=$(nreq); update; r4=$(nreq)
tail -2 "$tmp/mirror.log" | grep -q "GET /db.vigildb 200" && refused "the tampered bundle, fetched again (not taken for 'unchanged')" "signature does not verify" ||
  bad "after a refusal the next update did not fetch the bundle again: $(tail -2 "$tmp/mirror.log" | tr '\n' ' ')"
publish "$tmp/b2"
echo truncate > mode; update; refused "a truncated transfer" "truncated|partial|Transferred"
echo hugecl > mode; update; refused "a body announcing 64 GiB (--db-max-mb 2)" "larger than 2097152 bytes"
echo huge > mode; update; refused "an endless body without a length (--db-max-mb 2)" "larger than 2097152 bytes"
echo loop > mode; update; refused "a redirect loop" "[Rr]edirect"
echo normal > mode
kill -TERM "$spid"; wait "$spid"
grep -q "$ADMIN" "$tmp/log" && bad "the token appears in the log"

# 2. plain HTTP, no key: the bundle's own checksum still refuses a truncated file
publish "$tmp/b1"
head -c $(($(stat -c %s "$tmp/b1/db.vigildb") - 100)) "$tmp/b1/db.vigildb" > "$tmp/www/db.vigildb.t" &&
  mv "$tmp/www/db.vigildb.t" "$tmp/www/db.vigildb"
start "$tmp/log2" --db-from "$purl"
update; refused "over plain HTTP without --db-key, a bundle cut short (served whole)" "truncated|corrupt|size|checksum"
publish "$tmp/b1"
update
[ "$ust" = done ] && [ "$(api "$base/api/v1/db" | jq -r .built)" = "$b1" ] &&
  pass "over plain HTTP without --db-key: a good bundle (checksum verified by the import) is imported ($b1)" ||
  bad "plain HTTP: $ust $uerr"
kill -TERM "$spid"; wait "$spid"
# the command line: --db-key without a URL, credentials in the URL
"$VIGIL" serve --data "$data" --db-from "$tmp/f1" --db-key sign.pub > out 2>&1; rc=$?
[ $rc = 2 ] && grep -q "db-key goes with --db-from URL" out && pass "--db-key with a mirror directory: usage error" ||
  bad "--db-key with a directory: rc $rc $(head -2 out)"
exit $fail
