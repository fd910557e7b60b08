#!/usr/bin/env bash
# Makes the seeds of tests/fuzz/corpus/bolt: bbolt files written by a real containerd
# (Debian's; a private root, state and socket; root needed) in successive states — empty,
# an image imported, a container with labels, a 4000-byte label and a removal — and its
# overlayfs snapshotter's metadata (each state holds the containers' whole OCI specs,
# so they are kept few: the corpus stays under a megabyte) — each compacted by bbolt itself (bolt.Compact: the
# same keys and values in fresh pages, so the files stay small); the empty one is kept
# as containerd wrote it. Then tests/fuzz/bolt-seeds (Go, the real bbolt library) writes
# containerd-shaped files with page sizes 512 to 4096, inline and page buckets, branch
# pages, overflow values and deletions; and dockerd (Debian's docker.io, private roots,
# no network set-up) writes its own bbolt files (volumes, network, buildkit) once started.
# Needs root, containerd, ctr, skopeo, dockerd, golang-go and golang-github-coreos-bbolt-dev
# (only to remake the seeds; the tests read the committed files).
# Usage: tests/fuzz/make-seeds-bolt.sh OUTDIR
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:?usage: make-seeds-bolt.sh OUTDIR}
mkdir -p "$OUT"
IMGS=$(tests/fixtures/build-images.sh)
T=$(mktemp -d /tmp/vbs.XXXXXX)
cat >"$T/config.toml" <<EOF
version = 2
disabled_plugins = ["io.containerd.grpc.v1.cri"]
root = "$T/root"
state = "$T/state"
[grpc]
  address = "$T/c.sock"
[ttrpc]
  address = "$T/c.sock.ttrpc"
EOF
containerd --config "$T/config.toml" >"$T/log" 2>&1 &
CPID=$!
trap 'kill $CPID 2>/dev/null; wait $CPID 2>/dev/null; rm -rf "$T"' EXIT
C() { ctr -a "$T/c.sock" "$@"; }
GOPATH=/usr/share/gocode GO111MODULE=off GOCACHE="$T/gocache" go build -o "$T/bolt-seeds" ./tests/fuzz/bolt-seeds
for _ in $(seq 100); do C version >/dev/null 2>&1 && break; sleep 0.1; done
n=0
# snap NAME: containerd's meta.db now, compacted
snap() {
    n=$((n + 1))
    sleep 0.2
    cp "$T/root/io.containerd.metadata.v1.bolt/meta.db" "$T/copy.db" # containerd holds the lock
    "$T/bolt-seeds" compact "$T/copy.db" "$OUT/$(printf '%02d' $n)-meta-$1.db"
}
n=1
sleep 0.2
cp "$T/root/io.containerd.metadata.v1.bolt/meta.db" "$OUT/01-meta-empty-as-written.db"
skopeo copy -q "oci:$IMGS/ref:alpine320" "oci-archive:$T/alpine320.tar:docker.io/vigil/alpine320:test"
C images import --base-name docker.io/vigil/alpine320 "$T/alpine320.tar" >/dev/null
snap one-image
C c create --label team=web --label env=prod docker.io/vigil/alpine320:test c1 >/dev/null
snap one-container-labels
big=$(head -c 4000 /dev/zero | tr '\0' 'x')
C c create --label "big=$big" docker.io/vigil/alpine320:test big-label >/dev/null
C c rm c1 >/dev/null
snap large-label-one-removed
n=$((n + 1))
cp "$T/root/io.containerd.snapshotter.v1.overlayfs/metadata.db" "$T/copy.db"
"$T/bolt-seeds" compact "$T/copy.db" "$OUT/$(printf '%02d' $n)-overlayfs-snapshots.db"
"$T/bolt-seeds" synth "$OUT"
dockerd --iptables=false --ip6tables=false --bridge=none --data-root "$T/d" --exec-root "$T/dx" \
    -H "unix://$T/d.sock" --pidfile "$T/d.pid" >"$T/d.log" 2>&1 &
DPID=$!
for _ in $(seq 300); do grep -q 'API listen' "$T/d.log" && break; sleep 0.1; done
kill $DPID; wait $DPID 2>/dev/null || true
cp "$T/d/volumes/metadata.db" "$OUT/docker-volumes.db"
cp "$T/d/network/files/local-kv.db" "$OUT/docker-network-local-kv.db"
for f in metadata_v2 snapshots containerdmeta cache; do
    [ -f "$T/d/buildkit/$f.db" ] && cp "$T/d/buildkit/$f.db" "$OUT/docker-buildkit-$f.db"
done
# bbolt grows a file ahead of use (doubling); the pages past the meta page's high-water
# mark were never written: cut them off (every byte kept is bbolt's own)
python3 - "$OUT"/*.db <<'PY'
import struct, sys
for f in sys.argv[1:]:
    d = open(f, "rb").read()
    best = None
    for off in (0, 1024, 2048, 4096, 16384):
        m = d[off + 16: off + 80]
        if len(m) < 64 or struct.unpack_from("<I", m)[0] != 0xED0CDAED:
            continue
        ps = struct.unpack_from("<I", m, 8)[0]
        hw, tx = struct.unpack_from("<QQ", m, 40)
        if off in (0, ps) and (best is None or tx > best[2]):
            best = (ps, hw, tx)
    if best and best[0] * best[1] < len(d):
        open(f, "wb").write(d[: best[0] * best[1]])
PY
echo "$(ls "$OUT" | wc -l) seeds in $OUT" >&2
