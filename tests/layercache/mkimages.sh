#!/usr/bin/env bash
# mkimages.sh OUT N: an OCI layout OUT with tags base (the golden Alpine 3.20 image plus
# two layers: a tree holding a credential made now, then a whiteout of /etc/motd) and
# app1..appN, each the base plus one layer of its own (a file with its number; even ones
# also remove a base file, odd ones add a credential). The three base layers are shared
# by every app image. Prints nothing; exit status 0 when done. Needs umoci.
set -euo pipefail
out=$1 n=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
G=$("$top/tests/fixtures/make-golden-alpine.sh" 2> /dev/null)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$out"
cp -r "$G/oci-3.20.3" "$out"
tag=$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$out/index.json")
umoci tag --image "$out:$tag" base
key() { printf 'AKIA%s' "$(head -c 64 /dev/urandom | tr -dc 'A-Z2-7' | head -c 16)"; }
mkdir -p "$work/base/conf"
printf 'aws_access_key_id = %s\n' "$(key)" > "$work/base/conf/credentials"
printf 'shared base\n' > "$work/base/conf/README"
umoci insert --image "$out:base" "$work/base" /opt/base
umoci insert --image "$out:base" --whiteout /etc/motd
for i in $(seq 1 "$n"); do
  umoci tag --image "$out:base" "app$i"
  mkdir -p "$work/a$i"
  printf 'app %d\n' "$i" > "$work/a$i/version.txt"
  if [ $((i % 2)) = 1 ]; then printf 'aws_access_key_id = %s\n' "$(key)" > "$work/a$i/aws.env"; fi
  umoci insert --image "$out:app$i" "$work/a$i" /app
  if [ $((i % 2)) = 0 ]; then umoci insert --image "$out:app$i" --whiteout /opt/base/conf/README; fi
done
umoci gc --layout "$out"
