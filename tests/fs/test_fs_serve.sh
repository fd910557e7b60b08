#!/usr/bin/env bash
# `vigil serve` and the fs: / sbom: references: a scan request naming a source tree or an
# SBOM is a local path like oci:/rootfs: ones, allowed only under --images-dir (without
# this, "fs:/etc" would have been taken for a registry reference and read). The store
# keeps images by manifest digest: such scans are not stored yet (known limit).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
fail=0
pass() { echo "PASS: fs-serve: $1"; }
bad() { echo "FAIL: fs-serve: $1"; fail=1; }
for t in curl jq; do
  command -v $t > /dev/null || { if [ "${CI:-}" = true ]; then bad "$t missing"; exit 1; fi
    echo "SKIP: fs-serve: $t not installed"; exit 0; }
done
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2> /dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT

mkdir -p "$tmp/m/golang-vulndb/data/osv" "$tmp/imgs/repo" "$tmp/outside"
cat > "$tmp/m/golang-vulndb/data/osv/GHSA-2099-0201.json" <<'J'
{"schema_version":"1.3.1","id":"GHSA-2099-0201","aliases":["CVE-2099-0201"],"summary":"lodash test advisory","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"lodash"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"4.17.21"}]}]}],"database_specific":{"severity":"HIGH"}}
J
tar -czf "$tmp/m/golang-vulndb.tar.gz" -C "$tmp/m" golang-vulndb && rm -rf "$tmp/m/golang-vulndb"
"$VIGIL" db update --from "$tmp/m" --only golang-vulndb --db "$tmp/db" > "$tmp/up" 2>&1 || { bad "db update"; exit 1; }
lock='{"name":"app","version":"1.0.0","lockfileVersion":3,"packages":{"":{"name":"app"},"node_modules/lodash":{"version":"4.17.15"}}}'
echo "$lock" > "$tmp/imgs/repo/package-lock.json"
echo "$lock" > "$tmp/outside/package-lock.json"
"$VIGIL" sbom "fs:$tmp/outside" --format cyclonedx -o "$tmp/outside/bom.json" 2> /dev/null
cp "$tmp/outside/bom.json" "$tmp/imgs/bom.json"

data=$tmp/data
SCAN=$("$VIGIL" serve token add ci --scopes scan,read --data "$data") || { bad "token add"; exit 1; }
"$VIGIL" serve --listen 127.0.0.1:0 --port-file "$tmp/port" --data "$data" --db "$tmp/db" \
  --images-dir "$tmp/imgs" --workers 1 2>> "$tmp/log" &
pids+=($!)
disown
for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port" 2> /dev/null)
[ -n "$port" ] || { bad "server did not start: $(tail -3 "$tmp/log")"; exit 1; }
base=http://127.0.0.1:$port
api() { curl -s -o "$tmp/resp" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $SCAN" \
  -H 'Content-Type: application/json' "$base$2" "${@:3}"; }

ok=1
for ref in "fs:/etc" "fs:$tmp/outside" "sbom:$tmp/outside/bom.json" "sbom:/etc/passwd" "fs:../../etc"; do
  c=$(api POST /api/v1/scans -d "{\"image\":\"$ref\"}")
  [ "$c" = 400 ] || { ok=0; echo "  $ref: $c $(cat "$tmp/resp")"; }
done
[ $ok = 1 ] && pass "fs: and sbom: outside --images-dir are refused (400)" || bad "fs:/sbom: outside --images-dir accepted"

# inside --images-dir the path check passes (the store keeps images by manifest digest,
# so the job itself ends "failed" with that reason, like a rootfs: reference)
ok=1
for ref in "fs:$tmp/imgs/repo" "sbom:$tmp/imgs/bom.json"; do
  c=$(api POST /api/v1/scans -d "{\"image\":\"$ref\",\"repository\":\"app\"}")
  [ "$c" = 202 ] || { ok=0; echo "  $ref: $c $(cat "$tmp/resp")"; }
done
[ $ok = 1 ] && pass "fs: and sbom: under --images-dir pass the path check (202)" || bad "fs:/sbom: under --images-dir refused"
exit $fail
