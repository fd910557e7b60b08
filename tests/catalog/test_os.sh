#!/usr/bin/env bash
# OS package inventories equal the package managers' own answers:
#  - dpkg: `dpkg-query --admindir=DIR -W` (installed packages) for real status files and
#    for the Debian bookworm fixture image, in every image format;
#  - distroless status.d, and apk: the files' own records;
# plus layer attribution, and CycloneDX / SPDX output validated against the official schemas.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=${VIGIL_SHARED:-$top/../shared}
VIGIL=${VIGIL:-$top/build/vigil}
PY=/usr/bin/python3
CHECK="$PY $top/tests/catalog/sbom_check.py"
MK="$PY $top/tests/fixtures/mkimage.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pass() { echo "PASS: catalog: $1"; }
bad() { echo "FAIL: catalog: $1"; fail=1; }

# same NAME EXPECTED ACTUAL: compares two name/version lists
same() {
  if diff -q "$2" "$3" >/dev/null; then
    pass "$1 ($(wc -l < "$2") packages)"
  else
    bad "$1: differs from the package manager ($(wc -l < "$2") expected, $(wc -l < "$3") found)"
    diff "$2" "$3" | head -10 | sed 's/^/      /'
  fi
}

sbom() {  # sbom IMAGE OUT [args]: vigil's inventory JSON
  local img=$1 out=$2; shift 2
  "$VIGIL" sbom -q "$img" --format json "$@" > "$out" 2> "$out.err" || {
    bad "vigil sbom $img failed: $(head -c 300 "$out.err")"; return 1; }
}

dpkg_expected() {  # dpkg_expected ADMINDIR: installed packages as dpkg-query shows them
  local out
  out=$(dpkg-query --admindir="$1" -W -f '${db:Status-Status}\t${Package}\t${Version}\n' 2>/dev/null) || return 1
  printf '%s\n' "$out" | awk -F'\t' '$1 == "installed" { print $2 "\t" $3 }' | sort
}

# 1. real dpkg status files from ../shared: each in a one-layer image
for st in "$shared"/specs/pkgdb/dpkg/trivy-valid/status "$shared"/specs/pkgdb/dpkg/syft-image-dpkg/status \
          "$shared"/specs/pkgdb/dpkg/claircore/*.status; do
  [ -f "$st" ] || { echo "SKIP: catalog: $st not found"; continue; }
  name=$(basename "$(dirname "$st")")/$(basename "$st")
  d=$tmp/dpkg-${name//\//-}
  mkdir -p "$d/admin/info" && cp "$st" "$d/admin/status" && : > "$d/admin/available"
  $MK "$d/img" "$st=/var/lib/dpkg/status"
  sbom "$d/img" "$d/out.json" || continue
  $CHECK pkgs "$d/out.json" deb > "$d/got"
  if dpkg_expected "$d/admin" > "$d/want"; then
    same "dpkg $name vs dpkg-query" "$d/want" "$d/got"
  else
    # dpkg refuses the whole database when one stanza is malformed; vigil skips that
    # stanza, keeps the rest and says so
    $CHECK stanzas "$st" | awk -F'\t' '$1 != ""' > "$d/want"
    if grep -q "malformed dpkg record" "$d/out.json.err"; then
      same "dpkg $name (dpkg-query rejects it: malformed stanza skipped with a warning)" "$d/want" "$d/got"
    else
      bad "dpkg $name: dpkg-query rejects it but vigil gave no warning"
    fi
  fi
done

# 2. the Debian bookworm fixture image (mmdebstrap), every format
imgs=$("$top/tests/fixtures/build-images.sh" 2>/dev/null) || imgs=
if [ -n "$imgs" ] && [ -d "$imgs/debian/rootfs/var/lib/dpkg" ]; then
  dpkg_expected "$imgs/debian/rootfs/var/lib/dpkg" > "$tmp/deb-want"
  for img in "$imgs/debian/oci-gzip" "$imgs/debian/oci-zstd" "$imgs/debian/docker-skopeo.tar" "rootfs:$imgs/debian/rootfs"; do
    sbom "$img" "$tmp/deb.json" || continue
    $CHECK pkgs "$tmp/deb.json" deb > "$tmp/deb-got"
    same "debian bookworm $(basename "$img") vs dpkg-query" "$tmp/deb-want" "$tmp/deb-got"
  done
  # purls carry the distro; the source package is recorded
  if grep -q '"purl":"pkg:deb/debian/libc6@[^"]*?arch=amd64&distro=debian-12"' "$tmp/deb.json" &&
     grep -q '"name":"libc6".*"source_name":"glibc"' "$tmp/deb.json"; then
    pass "deb purl and source package (libc6 from glibc, distro=debian-12)"
  else
    bad "deb purl or source package of libc6 not as expected"
  fi
  for fmt in cyclonedx spdx; do
    "$VIGIL" sbom -q "$imgs/debian/oci-gzip" --format $fmt -o "$tmp/sbom.$fmt" 2>/dev/null
    if out=$($CHECK validate $fmt "$tmp/sbom.$fmt" "$shared/specs/schemas" 2>&1); then
      pass "$fmt output of the debian image validates against the official schema: $out"
    else
      bad "$fmt output does not validate: $(echo "$out" | head -5)"
    fi
  done
else
  echo "SKIP: catalog: debian fixture images not available (tests/fixtures/build-images.sh failed)"
fi

# 3. layer attribution: layer 1 upgrades one package, adds one and removes one
st=$shared/specs/pkgdb/dpkg/trivy-valid/status
if [ -f "$st" ]; then
  $PY - "$st" "$tmp/status1" <<'PYEOF'
import sys
stanzas = open(sys.argv[1]).read().strip("\n").split("\n\n")
out = []
for s in stanzas:
    if s.startswith("Package: bash\n"):
        s = s.replace("\nVersion: ", "\nVersion: 99:", 1)       # upgraded in layer 1
    if s.startswith("Package: zlib1g\n"):
        continue                                                 # removed in layer 1
    out.append(s)
out.append("Package: vigil-added\nStatus: install ok installed\nArchitecture: all\nVersion: 1.0-1\n")
open(sys.argv[2], "w").write("\n\n".join(out) + "\n")
PYEOF
  $MK "$tmp/layers" "$st=/var/lib/dpkg/status" "$tmp/status1=/var/lib/dpkg/status"
  sbom "$tmp/layers" "$tmp/layers.json" && {
    $CHECK layers "$tmp/layers.json" deb > "$tmp/layers.txt"
    if grep -qx $'bash\t1' "$tmp/layers.txt" && grep -qx $'vigil-added\t1' "$tmp/layers.txt" &&
       grep -qx $'apt\t0' "$tmp/layers.txt" && ! grep -q '^zlib1g' "$tmp/layers.txt"; then
      pass "dpkg layer attribution (upgraded and added in layer 1, unchanged in layer 0, removed gone)"
    else
      bad "dpkg layer attribution wrong: $(grep -E '^(bash|vigil-added|apt|zlib1g)' "$tmp/layers.txt" | tr '\n' ' ')"
    fi
  }
fi

# 4. distroless status.d with md5sums
dl=$shared/specs/pkgdb/dpkg/distroless-status.d
if [ -d "$dl" ]; then
  items=""
  for f in "$dl"/*; do items="$items,$f=/var/lib/dpkg/status.d/$(basename "$f")"; done
  $MK "$tmp/distroless" "${items#,}"
  sbom "$tmp/distroless" "$tmp/dl.json" && {
    $CHECK stanzas $(ls "$dl"/* | grep -v md5sums) > "$tmp/dl-want"
    $CHECK pkgs "$tmp/dl.json" deb > "$tmp/dl-got"
    same "distroless status.d vs its stanzas" "$tmp/dl-want" "$tmp/dl-got"
  }
fi

# 5. apk: the Alpine mini root filesystems and the sample databases
for tgz in "$shared"/fixtures/alpine/*.tar.gz; do
  [ -f "$tgz" ] || continue
  v=$(basename "$tgz" .tar.gz)
  mkdir -p "$tmp/$v"
  tar -xzf "$tgz" -C "$tmp/$v" ./lib/apk/db/installed ./etc/os-release ./etc/alpine-release 2>/dev/null ||
    tar -xzf "$tgz" -C "$tmp/$v" lib/apk/db/installed etc/os-release etc/alpine-release
  $MK "$tmp/$v.img" "$tmp/$v/=/"
  sbom "$tmp/$v.img" "$tmp/$v.json" || continue
  $CHECK apk-records "$tmp/$v/lib/apk/db/installed" > "$tmp/$v.want"
  $CHECK pkgs "$tmp/$v.json" apk > "$tmp/$v.got"
  same "apk $v vs the file's records" "$tmp/$v.want" "$tmp/$v.got"
done
for db in "$shared"/specs/pkgdb/apk/trivy/apk "$shared"/specs/pkgdb/apk/syft-multiple-2/installed; do
  [ -f "$db" ] || continue
  n=$(basename "$(dirname "$db")")
  $MK "$tmp/apk-$n" "$db=/lib/apk/db/installed"
  sbom "$tmp/apk-$n" "$tmp/apk-$n.json" || continue
  $CHECK apk-records "$db" > "$tmp/apk-$n.want"
  $CHECK pkgs "$tmp/apk-$n.json" apk > "$tmp/apk-$n.got"
  same "apk sample $n vs the file's records" "$tmp/apk-$n.want" "$tmp/apk-$n.got"
done
# 6. distribution detection without os-release
printf 'CentOS release 6.10 (Final)\n' > "$tmp/redhat-release"
printf '9.13\n' > "$tmp/debian_version"
$MK "$tmp/centos" "$tmp/redhat-release=/etc/redhat-release"
$MK "$tmp/olddeb" "$tmp/debian_version=/etc/debian_version"
if "$VIGIL" inspect -q "$tmp/centos" --format json | grep -q '"id": "centos"' &&
   "$VIGIL" inspect -q "$tmp/olddeb" --format json | grep -q '"version_id": "9.13"'; then
  pass "distribution from /etc/redhat-release and /etc/debian_version alone"
else
  bad "distribution detection without os-release"
fi
printf 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\nVERSION_CODENAME=jammy\n' > "$tmp/os-release"
$MK "$tmp/ubuntu" "$tmp/os-release=/usr/lib/os-release"
if sbom "$tmp/ubuntu" "$tmp/ubuntu.json" && grep -q '"family": "debian"' "$tmp/ubuntu.json" &&
   grep -q '"codename": "jammy"' "$tmp/ubuntu.json"; then
  pass "distribution family from ID_LIKE (ubuntu -> debian), os-release under /usr/lib"
else
  bad "distribution family from ID_LIKE"
fi

# 7. language runtimes installed outside the package manager, and the same file owned
#    by a dpkg package (dropped with the package's other files)
rt=$tmp/rt; mkdir -p "$rt"
printf '#define NODE_MAJOR_VERSION 18\n#define NODE_MINOR_VERSION 17\n#define NODE_PATCH_VERSION 1\n' > "$rt/node_version.h"
printf '#define PY_VERSION              "3.11.7"\n' > "$rt/patchlevel.h"
printf 'IMPLEMENTOR="Eclipse Adoptium"\nJAVA_VERSION="17.0.9"\n' > "$rt/release"
printf 'go1.21.3\n' > "$rt/VERSION"
printf 'Package: libnode-dev\nStatus: install ok installed\nVersion: 18.19.0+dfsg-6~deb12u2\nArchitecture: amd64\n\n' > "$rt/status"
printf '/usr/include/node/node_version.h\n' > "$rt/libnode-dev.list"
$MK "$tmp/rt.img" "$rt/node_version.h=/usr/local/include/node/node_version.h,$rt/patchlevel.h=/usr/local/include/python3.11/patchlevel.h,$rt/release=/opt/java/openjdk/release,$rt/VERSION=/usr/local/go/VERSION,$rt/node_version.h=/usr/include/node/node_version.h,$rt/status=/var/lib/dpkg/status,$rt/libnode-dev.list=/var/lib/dpkg/info/libnode-dev.list"
if sbom "$tmp/rt.img" "$tmp/rt.json"; then
  got=$($CHECK pkgs "$tmp/rt.json" generic | tr '\t\n' '= ')
  if [ "$got" = "go=1.21.3 java=17.0.9 node=18.17.1 python=3.11.7 " ]; then
    pass "runtimes from their version files; the dpkg-owned node_version.h is not reported again"
  else
    bad "runtimes: got '$got'"
  fi
fi
# 8. one OS package recorded twice (a chisel manifest copied to two directories) is one
if command -v zstd >/dev/null; then
  printf '%s\n' '{"jsonwall":"1.0","schema":"1.0","count":3}' \
    '{"arch":"amd64","kind":"package","name":"hello","sha256":"00","version":"2.10-2ubuntu4"}' \
    '{"kind":"slice","name":"hello_bins"}' | zstd -q -c > "$tmp/manifest.wall"
  $MK "$tmp/chisel2" "$tmp/manifest.wall=/var/lib/chisel/manifest.wall,$tmp/manifest.wall=/usr/share/chisel/manifest.wall"
  if sbom "$tmp/chisel2" "$tmp/chisel2.json" && [ "$($CHECK pkgs "$tmp/chisel2.json" deb)" = $'hello\t2.10-2ubuntu4' ]; then
    pass "an OS package recorded by two databases is listed once"
  else
    bad "duplicate OS package: $($CHECK pkgs "$tmp/chisel2.json" deb | tr '\n' ' ')"
  fi
fi
# 8b. a stanza without a Version (or with an empty one) is skipped with a warning, the
# others of the same file are listed
mkdir -p "$tmp/nover/var/lib/dpkg" "$tmp/nover/etc"
printf 'ID=debian\nVERSION_ID="12"\n' > "$tmp/nover/etc/os-release"
printf '%s\n' "Package: good" "Status: install ok installed" "Architecture: amd64" "Version: 1.0-1" "" \
  "Package: noversion" "Status: install ok installed" "Architecture: amd64" "" \
  "Package: emptyversion" "Status: install ok installed" "Architecture: amd64" "Version:" "" \
  > "$tmp/nover/var/lib/dpkg/status"
if "$VIGIL" sbom "rootfs:$tmp/nover" --format json > "$tmp/nover.json" 2> "$tmp/nover.err" &&
   [ "$($CHECK pkgs "$tmp/nover.json" deb | tr '\n' ' ')" = $'good\t1.0-1 ' ] &&
   grep -qi "without Package or Version" "$tmp/nover.err"; then
  pass "dpkg: stanzas without a Version are skipped with a warning, the rest listed"
else
  bad "dpkg stanza without Version: $($CHECK pkgs "$tmp/nover.json" deb | tr '\n' ' ') / $(head -c 300 "$tmp/nover.err")"
fi
# 9. end of support: Alpine 3.9 is past it, Debian 12 is not (dates fixed for the test)
tgz=$shared/fixtures/alpine/alpine-minirootfs-3.9.6-x86_64.tar.gz
if [ -d "$tmp/alpine-minirootfs-3.9.6-x86_64" ] && [ -n "$imgs" ]; then
  a=$(SOURCE_DATE_EPOCH=1764000000 "$VIGIL" sbom -q "$tmp/alpine-minirootfs-3.9.6-x86_64.img" --format json | grep -c '"eol": true')
  d=$(SOURCE_DATE_EPOCH=1764000000 "$VIGIL" sbom -q "$imgs/debian/oci-gzip" --format json | grep -c '"eol": false')
  if [ "$a" = 1 ] && [ "$d" = 1 ]; then pass "end of support: alpine 3.9 flagged, debian 12 not"
  else bad "end of support flags: alpine 3.9 eol=$a, debian 12 not-eol=$d"; fi
fi
exit $fail
