#!/usr/bin/env bash
# Compressed OVAL files (redhat-oval, oracle-oval, suse-oval) are decompressed as the
# streaming XML reader asks for bytes, in each of its two passes, never held whole:
#  1. the Red Hat fixture padded with 300 MiB of comments (gzip) imports exactly the
#     records and statements of the plain fixture, with peak memory far below the
#     document's size (the whole decompressed file in memory would be >= 300 MiB);
#  2. a document that decompresses to more than 1 GiB is skipped with "decompressed
#     file over 1 GiB", nothing imported, memory bounded the same way;
#  3. a truncated .bz2 is skipped with "not a complete compressed file", nothing imported;
#  4. a complete .gz of a truncated document is skipped with "malformed XML" (it once
#     failed the whole update as "cannot be read": -1 was both "malformed" and ENOMEM).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
fx=$top/tests/vulndb/fixtures/distros/redhat/rhel-8.oval.xml
fail=0
pass() { echo "PASS: oval-stream: $1"; }
bad() { echo "FAIL: oval-stream: $1"; fail=1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for t in bzip2 gzip sqlite3 /usr/bin/time; do
    command -v $t >/dev/null || { bad "$t is not installed"; exit 1; }
done
# peak memory may not reach a quarter of the padded document (the reader's own index is a
# few MiB); in the sanitizer build, freed memory is kept in a small quarantine only, so
# that the figure is the program's and not ASan's default 256 MiB of freed blocks
limit_kb=$((75 * 1024))
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:quarantine_size_mb=8

# mirror NAME MEMBER-FILE: a mirror directory whose redhat-oval feed holds that member
mirror() {
    rm -rf "$tmp/m" && mkdir -p "$tmp/m/redhat-oval/RHEL8"
    cp "$2" "$tmp/m/redhat-oval/RHEL8/$1"
    tar -czf "$tmp/m/redhat-oval.tar.gz" -C "$tmp/m" redhat-oval
}
# update DB: builds DB from the mirror; "$tmp/rss" gets the peak RSS in KiB
update() {
    /usr/bin/time -f %M -o "$tmp/rss" "$VIGIL" db update --from "$tmp/m" --only redhat-oval \
        --db "$1" >"$tmp/out" 2>&1
}
stmts() { sqlite3 "$1" "SELECT count(*) FROM affected"; }
recs() { "$VIGIL" db info --db "$1" --format json | python3 -c \
    'import json,sys; f=json.load(sys.stdin)["feeds"][0]; print(f["records"], f["skipped"])'; }
# pad MIB: the fixture with a section of MIB MiB of small elements (1 KiB each, as a real
# file's size is many small elements) right after the root's start tag
pad() {
    python3 - "$fx" "$1" <<'PYEOF'
import sys
doc = open(sys.argv[1], "rb").read()
cut = doc.index(b">", doc.index(b"<oval_definitions")) + 1
out = sys.stdout.buffer
out.write(doc[:cut] + b"\n<padding>")
chunk = b"\n<item id='x'><text>" + b"x" * 994 + b"</text></item>"
for _ in range(int(sys.argv[2]) << 10):
    out.write(chunk)
out.write(b"</padding>" + doc[cut:])
PYEOF
}

# the reference: the plain fixture, bzip2 as upstream
bzip2 -c "$fx" >"$tmp/plain.bz2"
mirror rhel-8.oval.xml.bz2 "$tmp/plain.bz2"
update "$tmp/ref.db" || { bad "reference update failed: $(tail -2 "$tmp/out")"; exit 1; }
want="$(recs "$tmp/ref.db") $(stmts "$tmp/ref.db")"
case $want in "0 "*) bad "the reference imported nothing: $want"; exit 1 ;; esac

# 1. padded to 300 MiB
pad 300 | gzip -1 >"$tmp/big.gz"
mirror rhel-8.oval.xml.gz "$tmp/big.gz"
if update "$tmp/big.db"; then
    got="$(recs "$tmp/big.db") $(stmts "$tmp/big.db")" rss=$(cat "$tmp/rss")
    if [ "$got" = "$want" ] && [ "$rss" -lt "$limit_kb" ]; then
        pass "a 300 MiB document (gzip) imports what the plain file does ($got: records, skipped, statements) with $((rss / 1024)) MiB peak"
    else
        bad "300 MiB document: got [$got] want [$want], peak $((rss / 1024)) MiB (limit $((limit_kb / 1024)))"
    fi
else
    bad "300 MiB document: update failed: $(tail -2 "$tmp/out")"
fi

# 2. over 1 GiB decompressed
pad 1100 | gzip -1 >"$tmp/huge.gz"
mirror rhel-8.oval.xml.gz "$tmp/huge.gz"
if update "$tmp/huge.db"; then
    got=$(recs "$tmp/huge.db") rss=$(cat "$tmp/rss")
    if [ "$got" = "0 1" ] && grep -q "decompressed file over 1 GiB" "$tmp/out" && [ "$rss" -lt "$limit_kb" ]; then
        pass "a document of 1.1 GiB decompressed is skipped (over 1 GiB), nothing imported, $((rss / 1024)) MiB peak"
    else
        bad "1.1 GiB document: records/skipped [$got], peak $((rss / 1024)) MiB; $(tail -2 "$tmp/out")"
    fi
else
    bad "1.1 GiB document: update failed: $(tail -2 "$tmp/out")"
fi
rm -f "$tmp/huge.gz" "$tmp/big.gz"

# 3. truncated bzip2
head -c $(($(stat -c %s "$tmp/plain.bz2") / 2)) "$tmp/plain.bz2" >"$tmp/cut.bz2"
mirror rhel-8.oval.xml.bz2 "$tmp/cut.bz2"
if update "$tmp/cut.db" && [ "$(recs "$tmp/cut.db")" = "0 1" ] &&
    grep -q "not a complete compressed file" "$tmp/out"; then
    pass "a truncated .bz2 is skipped (not a complete compressed file), nothing imported"
else
    bad "truncated .bz2: records/skipped [$(recs "$tmp/cut.db" 2>&1)]; $(tail -2 "$tmp/out")"
fi
# 4. malformed XML in a complete compressed file
head -c $(($(stat -c %s "$fx") / 2)) "$fx" | gzip -c >"$tmp/bad.gz"
mirror rhel-8.oval.xml.gz "$tmp/bad.gz"
if update "$tmp/bad.db" && [ "$(recs "$tmp/bad.db")" = "0 1" ] && grep -q "malformed XML" "$tmp/out"; then
    pass "a truncated document in a complete .gz is skipped (malformed XML), the update goes on"
else
    bad "malformed XML: records/skipped [$(recs "$tmp/bad.db" 2>&1)]; $(tail -2 "$tmp/out")"
fi
exit $fail
