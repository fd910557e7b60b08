#!/usr/bin/env bash
# Signed ready database: `db export --sign KEY` and `db update --bundle-url URL
# --bundle-key PUB` against tests/lib/httpd.py on 127.0.0.1. Keys are made here with
# openssl (Ed25519 and ECDSA P-256). A tampered bundle, a bundle signed by another key,
# a missing signature and a garbage signature are refused with the database unchanged.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
PY=/usr/bin/python3
fail=0
pass() { echo "PASS: bundle-signed: $1"; }
bad() { echo "FAIL: bundle-signed: $1"; fail=1; }
command -v openssl >/dev/null || { echo "FAIL: bundle-signed: openssl missing"; exit 1; }
tmp=$(mktemp -d)
srv_pid=
cleanup() { [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# a small database: the NVD fixture
mkdir -p "$tmp/m/nvd" "$tmp/srv"
gzip -c "$top/tests/vulndb/fixtures/nvd/nvdcve-2.0-2021.json" >"$tmp/m/nvd/nvdcve-2.0-2021.json.gz"
tar -czf "$tmp/m/nvd.tar.gz" -C "$tmp/m" nvd
"$VIGIL" db update --from "$tmp/m" --only nvd --db "$tmp/src.db" >/dev/null 2>&1 ||
    { bad "db update of the fixture failed"; exit 1; }
openssl genpkey -algorithm ed25519 -out "$tmp/ed.key" 2>/dev/null &&
    openssl pkey -in "$tmp/ed.key" -pubout -out "$tmp/ed.pub" 2>/dev/null &&
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/ec.key" 2>/dev/null &&
    openssl pkey -in "$tmp/ec.key" -pubout -out "$tmp/ec.pub" 2>/dev/null &&
    openssl genpkey -algorithm ed25519 -out "$tmp/other.key" 2>/dev/null &&
    openssl pkey -in "$tmp/other.key" -pubout -out "$tmp/other.pub" 2>/dev/null &&
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/rsa.key" 2>/dev/null ||
    { bad "openssl could not make the test keys"; exit 1; }

if "$VIGIL" db export "$tmp/srv/db.vigildb" --sign "$tmp/ed.key" --db "$tmp/src.db" >"$tmp/out" 2>&1 &&
    [ -s "$tmp/srv/db.vigildb.sig" ] && [ "$(wc -l <"$tmp/srv/db.vigildb.sig")" = 1 ]; then
    pass "db export --sign (Ed25519) writes the bundle and a one-line FILE.sig"
else
    bad "export --sign: $(tail -2 "$tmp/out")"
fi
"$VIGIL" db export "$tmp/srv/ec.vigildb" --sign "$tmp/ec.key" --db "$tmp/src.db" >/dev/null 2>&1 ||
    bad "export --sign with an ECDSA key failed"
if ! "$VIGIL" db export "$tmp/rsa.vigildb" --sign "$tmp/rsa.key" --db "$tmp/src.db" >"$tmp/out" 2>&1 &&
    grep -q "not an Ed25519 or ECDSA private key" "$tmp/out" && [ ! -e "$tmp/rsa.vigildb" ]; then
    pass "an RSA key is refused, no unsigned bundle left behind"
else
    bad "RSA key: $(tail -2 "$tmp/out")"
fi
# tampered: one byte of the compressed payload changed, the original signature kept
$PY - "$tmp/srv/db.vigildb" "$tmp/srv/tampered.vigildb" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[len(d) // 2] ^= 0x01
open(sys.argv[2], "wb").write(d)
EOF
cp "$tmp/srv/db.vigildb.sig" "$tmp/srv/tampered.vigildb.sig"
cp "$tmp/srv/db.vigildb" "$tmp/srv/nosig.vigildb"
cp "$tmp/srv/db.vigildb" "$tmp/srv/garbage.vigildb"
echo 'not base64 at all!' >"$tmp/srv/garbage.vigildb.sig"

$PY "$top/tests/lib/httpd.py" --root "$tmp/srv" --log "$tmp/log" --port-file "$tmp/port" --lifetime 120 &
srv_pid=$!
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
base=http://127.0.0.1:$(cat "$tmp/port")
db=$tmp/client.db
records() { "$VIGIL" db info --db "$1" --format json | $PY -c 'import json,sys; print(sum(f["records"] for f in json.load(sys.stdin)["feeds"]))'; }
if "$VIGIL" db update --bundle-url "$base/db.vigildb" --bundle-key "$tmp/ed.pub" --db "$db" \
    --cache "$tmp/c1" >"$tmp/out" 2>&1 && [ "$(records "$db")" = "$(records "$tmp/src.db")" ]; then
    pass "db update --bundle-url with the pinned Ed25519 key: verified and imported ($(records "$db") records)"
else
    bad "bundle update: $(tail -3 "$tmp/out")"
fi
if "$VIGIL" db update --bundle-url "$base/ec.vigildb" --bundle-key "$tmp/ec.pub" --db "$tmp/ec.db" \
    --cache "$tmp/c2" >"$tmp/out" 2>&1; then
    pass "ECDSA P-256 signed bundle verified and imported"
else
    bad "ECDSA bundle: $(tail -3 "$tmp/out")"
fi
sum() { sha256sum "$db" | cut -c1-64; }
before=$(sum)
refused() { # NAME URL KEY PATTERN
    "$VIGIL" db update --bundle-url "$base/$2" --bundle-key "$3" --db "$db" --cache "$tmp/c-$1" \
        --timeout 2 >"$tmp/out" 2>&1
    local rc=$?
    if [ $rc = 2 ] && grep -q "$4" "$tmp/out" && [ "$(sum)" = "$before" ]; then
        pass "$1: refused (exit 2, '$(grep -o "$4.*" "$tmp/out" | head -1 | cut -c1-70)'), database unchanged"
    else
        bad "$1: rc=$rc $(tail -2 "$tmp/out")"
    fi
}
refused tampered tampered.vigildb "$tmp/ed.pub" "signature does not verify"
refused other-key db.vigildb "$tmp/other.pub" "signature does not verify"
refused ec-sig-ed-key ec.vigildb "$tmp/ed.pub" "signature does not verify"
refused missing-sig nosig.vigildb "$tmp/ed.pub" "404\|not found\|HTTP"
refused garbage-sig garbage.vigildb "$tmp/ed.pub" "malformed"
if ! "$VIGIL" db update --bundle-url "$base/db.vigildb" --db "$db" >"$tmp/out" 2>&1 &&
    grep -q "needs --bundle-key" "$tmp/out"; then
    pass "--bundle-url without a pinned key is refused"
else
    bad "no key: $(tail -2 "$tmp/out")"
fi
# ---- as an OCI artifact in a real registry (docker-registry, plain HTTP on 127.0.0.1) ----
if ! command -v docker-registry >/dev/null; then
    if [ "${CI:-}" = true ]; then bad "docker-registry missing"; else echo "SKIP: bundle-signed: docker-registry missing"; fi
    exit $fail
fi
rport=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$tmp/reg"
cat >"$tmp/reg/config.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $tmp/reg/data
http:
  addr: 127.0.0.1:$rport
  secret: $(openssl rand -hex 16)
EOF
docker-registry serve "$tmp/reg/config.yml" >"$tmp/reg/log" 2>&1 &
reg_pid=$!
trap 'kill $reg_pid 2>/dev/null; cleanup' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$rport/v2/" && break; sleep 0.1; done
# push: the bundle and its signature as layers of an OCI artifact manifest
cat >"$tmp/push.py" <<'EOF'
import hashlib, json, sys, urllib.request
base, repo, tag, bundle, sig = sys.argv[1:6]
def blob(data):
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    req = urllib.request.Request(f"{base}/v2/{repo}/blobs/uploads/", method="POST")
    loc = urllib.request.urlopen(req).headers["Location"]
    loc = loc if loc.startswith("http") else base + loc
    sep = "&" if "?" in loc else "?"
    req = urllib.request.Request(f"{loc}{sep}digest={d}", data=data, method="PUT",
                                 headers={"Content-Type": "application/octet-stream"})
    urllib.request.urlopen(req)
    return d, len(data)
cd, cs = blob(b"{}")
bd, bs = blob(open(bundle, "rb").read())
sd, ss = blob(open(sig, "rb").read())
man = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
       "artifactType": "application/vnd.vigil.db.v1",
       "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": cd, "size": cs},
       "layers": [{"mediaType": "application/vnd.vigil.db.bundle.v1", "digest": bd, "size": bs},
                  {"mediaType": "application/vnd.vigil.db.bundle.sig.v1", "digest": sd, "size": ss}]}
req = urllib.request.Request(f"{base}/v2/{repo}/manifests/{tag}", data=json.dumps(man).encode(),
                             method="PUT", headers={"Content-Type": man["mediaType"]})
urllib.request.urlopen(req)
EOF
push() { $PY "$tmp/push.py" "http://127.0.0.1:$rport" vigil/db "$@"; }
if push good "$tmp/srv/db.vigildb" "$tmp/srv/db.vigildb.sig" 2>"$tmp/push.err" &&
    push tampered "$tmp/srv/tampered.vigildb" "$tmp/srv/db.vigildb.sig" 2>>"$tmp/push.err"; then
    odb=$tmp/oci.db
    oci() { "$VIGIL" db update --bundle-ref "127.0.0.1:$rport/vigil/db:$1" --bundle-key "$2" \
        --insecure-registry "127.0.0.1:$rport" --db "$odb" --cache "$tmp/oc-$1-$3" >"$tmp/out" 2>&1; }
    if oci good "$tmp/ed.pub" 1 && [ "$(records "$odb")" = "$(records "$tmp/src.db")" ]; then
        pass "db update --bundle-ref from docker-registry: artifact pulled, signature verified, imported"
    else
        bad "OCI bundle: $(tail -3 "$tmp/out")"
    fi
    osum=$(sha256sum "$odb" | cut -c1-64)
    oci tampered "$tmp/ed.pub" 2; rc=$?
    if [ $rc = 2 ] && grep -q "signature does not verify" "$tmp/out" &&
        [ "$(sha256sum "$odb" | cut -c1-64)" = "$osum" ]; then
        pass "tampered OCI artifact: refused (exit 2), database unchanged"
    else
        bad "tampered OCI artifact: rc=$rc $(tail -2 "$tmp/out")"
    fi
    oci good "$tmp/other.pub" 3; rc=$?
    if [ $rc = 2 ] && grep -q "signature does not verify" "$tmp/out" &&
        [ "$(sha256sum "$odb" | cut -c1-64)" = "$osum" ]; then
        pass "OCI artifact with another pinned key: refused, database unchanged"
    else
        bad "OCI other key: rc=$rc $(tail -2 "$tmp/out")"
    fi
else
    bad "pushing the artifact to docker-registry failed: $(tail -3 "$tmp/push.err")"
fi
exit $fail
