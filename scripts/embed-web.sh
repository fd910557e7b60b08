#!/bin/sh
# embed-web.sh WEBDIR OUT: writes the dashboard's web files as a C table (included by
# src/lib/serve/dashboard.c): path, content type, ETag (from the SHA-256 of the bytes)
# and the bytes. Only coreutils: no xxd, no network.
set -eu
dir=$1 out=$2
tmp=$out.tmp
: > "$tmp"
n=0
files=$(cd "$dir" && find . -type f ! -name '.*' | sed 's|^\./||' | LC_ALL=C sort)
for f in $files; do
  case $f in
    *.html) type='text/html; charset=utf-8' ;;
    *.css)  type='text/css; charset=utf-8' ;;
    *.js)   type='text/javascript; charset=utf-8' ;;
    *.svg)  type='image/svg+xml' ;;
    *.json) type='application/json' ;;
    *.png)  type='image/png' ;;
    *.txt)  type='text/plain; charset=utf-8' ;;
    *) echo "embed-web.sh: $f: unknown file type" >&2; rm -f "$tmp"; exit 1 ;;
  esac
  case $f in *[!A-Za-z0-9._/-]*) echo "embed-web.sh: $f: bad name" >&2; rm -f "$tmp"; exit 1 ;; esac
  etag=$(sha256sum < "$dir/$f" | cut -c1-32)
  {
    printf 'static const unsigned char web_%d[] = {\n' "$n"
    od -An -v -tx1 "$dir/$f" | sed 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g'
    printf '0x00};\n'
  } >> "$tmp"
  printf '{"/%s", "%s", "\\"%s\\"", web_%d, sizeof(web_%d) - 1},\n' "$f" "$type" "$etag" "$n" "$n" >> "$tmp.table"
  n=$((n + 1))
done
{
  printf 'static const vigil_serve_asset ASSETS[] = {\n'
  cat "$tmp.table"
  printf '};\n'
} >> "$tmp"
rm -f "$tmp.table"
mv "$tmp" "$out"
