#!/usr/bin/env bash
# vigil db export / import: the bundle is a 128-byte header plus a zstd stream that the
# zstd tool itself decompresses to the exact database file, whose SHA-256 is the one in
# the header; import puts an identical database in place; a truncated, corrupt, foreign
# or wrong-schema bundle is rejected with a clear error and the old database is kept.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
PY=/usr/bin/python3
fx=$top/tests/vulndb/fixtures/lang
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pass() { echo "PASS: bundle: $1"; }
bad() { echo "FAIL: bundle: $1"; fail=1; }

# a small database from the language fixtures
mkdir -p "$tmp/mirror"
for d in "$fx"/*/; do tar -C "$fx" -czf "$tmp/mirror/$(basename "$d").tar.gz" "$(basename "$d")"; done
db=$tmp/src.db
"$VIGIL" db update --from "$tmp/mirror" --db "$db" > /dev/null 2>&1 || bad "building the source database"
sum() { sha256sum "$1" | cut -c1-64; }

# 1. export; the header and payload checked with other tools
if "$VIGIL" db export "$tmp/b.vdb" --db "$db" > "$tmp/out" 2>&1; then pass "db export"; else bad "export: $(cat "$tmp/out")"; fi
$PY - "$tmp/b.vdb" "$tmp/payload.zst" > "$tmp/hdr" <<'PYEOF'
import struct, sys
b = open(sys.argv[1], "rb").read()
magic, fmt, schema, size, csize = struct.unpack_from("<8sIIQQ", b, 0)
digest = b[32:104].split(b"\0")[0].decode()
open(sys.argv[2], "wb").write(b[128:])
print(magic == b"VIGILDB\n", fmt, schema, size, csize == len(b) - 128, digest)
PYEOF
read -r magic fmt schema size clen digest < "$tmp/hdr"
# the schema this vigil writes, read from the database itself (independent of the bundle)
want_schema=$($PY -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT value FROM meta WHERE key='schema_version'\").fetchone()[0])" "$db")
if command -v zstd > /dev/null; then
  zstd -q -d "$tmp/payload.zst" -o "$tmp/payload.db" 2>/dev/null
  if [ "$magic $fmt $schema $clen" = "True 1 $want_schema True" ] && [ "$size" = "$(stat -c %s "$db")" ] &&
     [ "$digest" = "sha256:$(sum "$tmp/payload.db")" ] && cmp -s "$tmp/payload.db" "$db"; then
    pass "header (magic, format 1, schema $want_schema, sizes, sha256) agrees with zstd -d and sha256sum"
  else
    bad "header: $(cat "$tmp/hdr")"
  fi
else
  echo "SKIP: bundle: zstd tool not installed"
fi

# 2. import into a new path: identical file
imp=$tmp/imp.db
if "$VIGIL" db import "$tmp/b.vdb" --db "$imp" > "$tmp/out" 2>&1 && cmp -s "$imp" "$db"; then
  pass "db import: identical database in place"
else
  bad "import: $(tail -2 "$tmp/out")"
fi
"$VIGIL" db lookup pypi foo-bar-baz --db "$imp" 2>/dev/null | grep -q CVE-2099-0001 && pass "imported database answers lookups" || bad "lookup after import"

# 3. damaged bundles: rejected, old database kept, no temporary file left
old=$(sum "$imp")
reject() {  # reject NAME FILE EXPECTED-MESSAGE
  "$VIGIL" db import "$2" --db "$imp" > "$tmp/out" 2>&1
  local rc=$?
  if [ $rc = 2 ] && grep -q "$3" "$tmp/out" && [ "$(sum "$imp")" = "$old" ] && ! ls "$tmp" | grep -q 'imp.db.tmp'; then
    pass "$1: exit 2, '$(grep -o "$3.*" "$tmp/out" | head -1 | cut -c1-70)', old database kept"
  else
    bad "$1: rc=$rc $(cat "$tmp/out")"
  fi
}
head -c 1000 "$tmp/b.vdb" > "$tmp/trunc.vdb"
reject "truncated bundle" "$tmp/trunc.vdb" "bundle is truncated"
head -c 100 "$tmp/b.vdb" > "$tmp/short.vdb"
reject "bundle shorter than its header" "$tmp/short.vdb" "not a Vigil database bundle"
cp "$tmp/b.vdb" "$tmp/flip.vdb"
printf '\xff\xff\xff\xff' | dd of="$tmp/flip.vdb" bs=1 seek=$(( $(stat -c %s "$tmp/b.vdb") / 2 )) conv=notrunc 2>/dev/null
"$VIGIL" db import "$tmp/flip.vdb" --db "$imp" > "$tmp/out" 2>&1
if [ $? = 2 ] && grep -q "bundle is corrupt\|checksum mismatch" "$tmp/out" && [ "$(sum "$imp")" = "$old" ]; then
  pass "corrupt payload: rejected ($(grep -o 'bundle is corrupt[^;]*\|checksum mismatch' "$tmp/out" | head -1)), old database kept"
else
  bad "corrupt payload: $(cat "$tmp/out")"
fi
# a header checksum that does not match the content
$PY - "$tmp/b.vdb" "$tmp/sum.vdb" <<'PYEOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[40] = ord("0") if b[40] != ord("0") else ord("1")
open(sys.argv[2], "wb").write(b)
PYEOF
reject "wrong checksum in the header" "$tmp/sum.vdb" "bundle checksum mismatch"
# another schema version in the header
$PY - "$tmp/b.vdb" "$tmp/schema.vdb" <<'PYEOF'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
struct.pack_into("<I", b, 12, 1)
open(sys.argv[2], "wb").write(b)
PYEOF
reject "bundle of another schema" "$tmp/schema.vdb" "holds a database of schema 1, this vigil reads $want_schema"
echo "hello" > "$tmp/text.vdb"
reject "not a bundle" "$tmp/text.vdb" "not a Vigil database bundle"
"$VIGIL" db export "$tmp/x.vdb" --db "$tmp/none.db" > "$tmp/out" 2>&1
[ $? = 2 ] && grep -q "no vulnerability database at" "$tmp/out" && pass "export without a database: exit 2" || bad "export without db: $(cat "$tmp/out")"
exit $fail
