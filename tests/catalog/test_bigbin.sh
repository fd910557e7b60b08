#!/usr/bin/env bash
# Large executables are scanned, not buffered: a Go (>= 1.18) binary padded past the
# 32 MiB window threshold gives the same packages as the original, and peak memory
# stays far below the file's size.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=${VIGIL_SHARED:-$top/../shared}
VIGIL=${VIGIL:-$top/build/vigil}
PY=/usr/bin/python3
elf=$shared/specs/pkgdb/go-binary/main-version-via-ldflags.elf
[ -f "$elf" ] || { echo "SKIP: bigbin: $elf not found (../shared missing)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

cp "$elf" "$tmp/small"
cp "$elf" "$tmp/big"
truncate -s 80M "$tmp/big"        # trailing zeros: still a valid ELF file
chmod 755 "$tmp/small" "$tmp/big"
$PY "$top/tests/fixtures/mkimage.py" "$tmp/img-small" "$tmp/small=/usr/local/bin/app"
$PY "$top/tests/fixtures/mkimage.py" "$tmp/img-big" "$tmp/big=/usr/local/bin/app"
"$VIGIL" sbom -q "$tmp/img-small" --format json > "$tmp/small.json" 2>&1
/usr/bin/time -f '%M' -o "$tmp/rss" "$VIGIL" sbom -q "$tmp/img-big" --format json > "$tmp/big.json" 2>&1
want=$($PY "$top/tests/catalog/sbom_check.py" pkgs "$tmp/small.json" golang)
got=$($PY "$top/tests/catalog/sbom_check.py" pkgs "$tmp/big.json" golang)
if [ -n "$want" ] && [ "$want" = "$got" ]; then
  echo "PASS: bigbin: an 80 MiB Go binary read by window scan: $(echo "$got" | wc -l) golang packages, as from the original"
else
  echo "FAIL: bigbin: packages differ: small [$(echo "$want" | tr '\n' ' ')] big [$(echo "$got" | tr '\n' ' ')]"
  fail=1
fi
rss=$(cat "$tmp/rss")
case "$VIGIL" in
  *asan*) echo "SKIP: bigbin: peak RSS not checked under ASan" ;;
  *) if [ "$rss" -lt 65536 ]; then echo "PASS: bigbin: peak RSS $((rss / 1024)) MB for an 80 MiB executable (not buffered)"
     else echo "FAIL: bigbin: peak RSS $((rss / 1024)) MB: the executable was buffered"; fail=1; fi ;;
esac
exit $fail
