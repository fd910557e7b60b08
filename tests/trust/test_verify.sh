#!/usr/bin/env bash
# vigil verify against signatures made by the real cosign (Debian trixie's, fetched by
# tests/fixtures/get-cosign.sh) in a real registry (Debian's docker-registry on
# 127.0.0.1, random port): images pushed with skopeo, signed offline with
# `cosign sign --key --tlog-upload=false`, carried with their signatures into OCI
# layouts, and verified: the right key accepts, a wrong key, a re-tagged image and a
# tampered payload are refused; ECDSA P-256, Ed25519 and RSA keys; the tag scheme and
# OCI 1.1 referrers; `cosign save` layouts; errors exit 2.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
PY=/usr/bin/python3
fail=0
pass() { echo "PASS: trust: $*"; }
bad() { echo "FAIL: trust: $*"; fail=1; }
missing() {
  if [ "${CI:-}" = true ]; then echo "FAIL: trust: $*"; exit 1; fi
  echo "SKIP: trust: $*"; exit 0
}
for t in docker-registry skopeo openssl curl jq; do
  command -v "$t" >/dev/null || missing "$t is not installed (make deps)"
done
COSIGN=$("$top/tests/fixtures/get-cosign.sh" 2>/dev/null) || missing "cosign could not be fetched (tests/fixtures/get-cosign.sh)"

tmp=$(mktemp -d)
regpid=
frontpid=
mirrorpid=
cleanup() {
  [ -n "$regpid" ] && kill "$regpid" 2>/dev/null
  [ -n "$mirrorpid" ] && kill "$mirrorpid" 2>/dev/null
  [ -n "$frontpid" ] && kill "$frontpid" 2>/dev/null
  wait 2>/dev/null; rm -rf "$tmp"
}
trap cleanup EXIT
cd "$tmp" || exit 1

# ---- a registry on a free loopback port ----
port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > reg.yml <<YML
version: 0.1
storage:
  filesystem:
    rootdirectory: $tmp/regdata
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
log:
  level: error
YML
docker-registry serve reg.yml > reg.log 2>&1 &
regpid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "http://127.0.0.1:$port/v2/" >/dev/null || { bad "registry did not start: $(tail -3 reg.log)"; exit 1; }
R=127.0.0.1:$port

export COSIGN_PASSWORD=$(openssl rand -hex 16)
export COSIGN_YES=true
cos() { "$COSIGN" "$@" >>cosign.log 2>&1; }
cosr() { "$COSIGN" "$@" --allow-http-registry >>cosign.log 2>&1; }
sign() { cosr sign --key "$1" --tlog-upload=false -y "$2"; }
push() { skopeo copy -q --dest-tls-verify=false "oci:$1:latest" "docker://$R/$2"; }
digest() { skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$R/$1"; }
# layout DIR REPO TAG: the image and its .sig tag (when there is one) in one OCI layout
layout() {
  local d
  rm -rf "$1"
  skopeo copy -q --src-tls-verify=false "docker://$R/$2:$3" "oci:$1:$3" || return 1
  d=$(digest "$2:$3"); d=sha256-${d#sha256:}
  skopeo copy -q --src-tls-verify=false "docker://$R/$2:$d.sig" "oci:$1:$d.sig" 2>/dev/null
  skopeo copy -q --all --src-tls-verify=false "docker://$R/$2:$d" "oci:$1:$d" 2>/dev/null
  return 0
}
# verify LAYOUT:TAG KEY: runs vigil verify --format json into v.json, sets rc
verify() { "$VIGIL" verify "$1" --key "$2" --format json > v.json 2> v.err; rc=$?; }

for n in app other ed rsa ref; do
  echo "$n payload $RANDOM" > "$n.txt"
  $PY "$top/tests/fixtures/mkimage.py" "img-$n" "$n.txt=/srv/$n.txt" || { bad "mkimage $n"; exit 1; }
done
push img-app demo/app:v1 && push img-other demo/other:v1 && push img-ed demo/ed:v1 &&
  push img-rsa demo/rsa:v1 && push img-ref demo/ref:v1 || { bad "skopeo push failed"; exit 1; }

cos generate-key-pair || { bad "cosign generate-key-pair: $(tail -2 cosign.log)"; exit 1; }
mkdir wrong && (cd wrong && cos generate-key-pair) || { bad "second key pair"; exit 1; }

# ---- 1. the right key accepts (ECDSA P-256, tag scheme) ----
app=$(digest demo/app:v1)
sign cosign.key "$R/demo/app@$app" || { bad "cosign sign: $(tail -3 cosign.log)"; exit 1; }
layout L demo/app v1
verify L:v1 cosign.pub
if [ $rc = 0 ] && [ "$(jq -r '.verified' v.json)" = true ] &&
   [ "$(jq -r '.signatures[0].signed_digest' v.json)" = "$app" ] &&
   [ "$(jq -r '.signatures[0].identity' v.json)" = "$R/demo/app" ] &&
   [ "$(jq -r '.signatures[0].scheme' v.json)" = tag ]; then
  pass "cosign-signed image (ECDSA P-256, tag scheme) verifies: exit 0, identity $R/demo/app"
else bad "signed image not verified: rc=$rc $(cat v.err) $(cat v.json)"; fi
"$VIGIL" verify L:v1 --key cosign.pub > t.txt; rc=$?
if [ $rc = 0 ] && grep -q '^VERIFIED: 1 valid signature of 1' t.txt; then pass "table output says VERIFIED"
else bad "table output: rc=$rc $(cat t.txt)"; fi
verify "L@$app" cosign.pub
[ $rc = 0 ] && pass "by digest (L@sha256:...) verifies" || bad "by digest: rc=$rc $(cat v.err)"

# ---- 2. the wrong key refuses ----
verify L:v1 wrong/cosign.pub
if [ $rc = 1 ] && [ "$(jq -r '.signatures[0].reason' v.json)" = "signature does not verify with the key" ]; then
  pass "wrong key: exit 1, 'signature does not verify with the key'"
else bad "wrong key: rc=$rc $(cat v.json)"; fi

# ---- 3. an unsigned image, and a re-tagged image whose digest differs ----
layout U demo/other v1
verify U:v1 cosign.pub
if [ $rc = 1 ] && [ "$(jq '.signatures | length' v.json)" = 0 ]; then pass "unsigned image: exit 1, no signature"
else bad "unsigned image: rc=$rc $(cat v.json)"; fi
other=$(digest demo/other:v1)
skopeo copy -q --src-tls-verify=false --dest-tls-verify=false "docker://$R/demo/other:v1" "docker://$R/demo/app:v1"
# the attacker also copies the old signature to the new digest's .sig tag
skopeo copy -q --src-tls-verify=false --dest-tls-verify=false \
  "docker://$R/demo/app:sha256-${app#sha256:}.sig" "docker://$R/demo/app:sha256-${other#sha256:}.sig"
layout T demo/app v1
verify T:v1 cosign.pub
if [ $rc = 1 ] && [ "$(jq -r '.digest' v.json)" = "$other" ] &&
   jq -r '.signatures[0].reason' v.json | grep -q "^signs $app, not this image's $other"; then
  pass "re-tagged image (digest differs, old signature copied): exit 1, 'signs $app, not this image's ...'"
else bad "re-tagged image: rc=$rc $(cat v.json)"; fi

# ---- 4. a tampered payload ----
cp -a L P
$PY - P "$app" <<'PYEOF'
import hashlib, json, os, sys
d, app = sys.argv[1], sys.argv[2]
idx = json.load(open(f"{d}/index.json"))
def blob(dig): return open(f"{d}/blobs/sha256/{dig[7:]}", "rb").read()
def put(data):
    dig = "sha256:" + hashlib.sha256(data).hexdigest()
    open(f"{d}/blobs/sha256/{dig[7:]}", "wb").write(data)
    return dig
sig_tag = "sha256-" + app[7:] + ".sig"
e = [m for m in idx["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"] == sig_tag][0]
man = json.loads(blob(e["digest"]))
layer = man["layers"][0]
p = json.loads(blob(layer["digest"]))
p["critical"]["identity"]["docker-reference"] = "evil.example/app"   # same digest, new identity
data = json.dumps(p, separators=(",", ":")).encode()
layer["digest"], layer["size"] = put(data), len(data)            # consistent blob, old signature
mb = json.dumps(man).encode()
e["digest"], e["size"] = put(mb), len(mb)
json.dump(idx, open(f"{d}/index.json", "w"))
PYEOF
verify P:v1 cosign.pub
if [ $rc = 1 ] && [ "$(jq -r '.signatures[0].reason' v.json)" = "signature does not verify with the key" ]; then
  pass "tampered payload (identity changed, blob re-hashed): exit 1, signature refused"
else bad "tampered payload: rc=$rc $(cat v.json)"; fi
cp -a L Q
pl=$(jq -r '.layers[0].digest' "Q/blobs/sha256/$(jq -r --arg t "sha256-${app#sha256:}.sig" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]==$t) | .digest' Q/index.json | cut -c8-)")
chmod u+w "Q/blobs/sha256/${pl#sha256:}"
sed -i 's/demo\/app/demo\/apq/' "Q/blobs/sha256/${pl#sha256:}"
verify Q:v1 cosign.pub
if [ $rc = 1 ] && jq -r '.signatures[0].reason' v.json | grep -q '^payload blob does not match its digest'; then
  pass "payload blob edited in place: exit 1, 'payload blob does not match its digest'"
else bad "edited payload blob: rc=$rc $(cat v.json)"; fi

# ---- 5. Ed25519 (cosign import-key-pair) and RSA (openssl signature, cosign attach) ----
openssl genpkey -algorithm ed25519 -out ed.pem 2>/dev/null
cos import-key-pair --key ed.pem --output-key-prefix ed || bad "cosign import-key-pair ed25519: $(tail -2 cosign.log)"
ed=$(digest demo/ed:v1)
sign ed.key "$R/demo/ed@$ed" || bad "cosign sign ed25519: $(tail -2 cosign.log)"
layout E demo/ed v1
verify E:v1 ed.pub
if [ $rc = 0 ] && [ "$(jq -r '.verified' v.json)" = true ]; then pass "Ed25519 key (cosign import-key-pair + sign) verifies"
else bad "ed25519: rc=$rc $(cat v.err) $(cat v.json)"; fi
verify E:v1 cosign.pub
[ $rc = 1 ] && pass "Ed25519 signature refused with the ECDSA key" || bad "ed25519 with ecdsa key: rc=$rc"
openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:2048 -out rsa.pem 2>/dev/null
openssl pkey -in rsa.pem -pubout -out rsa.pub 2>/dev/null
rsa=$(digest demo/rsa:v1)
"$COSIGN" generate --allow-http-registry "$R/demo/rsa@$rsa" > rsa-payload.json 2>>cosign.log
openssl dgst -sha256 -sign rsa.pem rsa-payload.json | base64 -w0 > rsa.sig
cosr attach signature --payload rsa-payload.json --signature rsa.sig "$R/demo/rsa@$rsa" ||
  bad "cosign attach signature: $(tail -2 cosign.log)"
layout S demo/rsa v1
verify S:v1 rsa.pub
if [ $rc = 0 ] && [ "$(jq -r '.key.type' v.json)" = rsa-2048 ]; then
  pass "RSA-2048 key (cosign generate payload, openssl signature, cosign attach) verifies"
else bad "rsa: rc=$rc $(cat v.err) $(cat v.json)"; fi
verify S:v1 ed.pub
[ $rc = 1 ] && pass "RSA signature refused with the Ed25519 key" || bad "rsa with ed25519 key: rc=$rc"

# ---- 6. OCI 1.1 referrers (this registry has no referrers API: the referrers tag) ----
ref=$(digest demo/ref:v1)
COSIGN_EXPERIMENTAL=1 cosr sign --registry-referrers-mode=oci-1-1 --key cosign.key --tlog-upload=false -y "$R/demo/ref@$ref" ||
  bad "cosign sign oci-1-1: $(tail -2 cosign.log)"
layout F demo/ref v1
verify F:v1 cosign.pub
if [ $rc = 0 ] && [ "$(jq -r '.signatures[0].scheme' v.json)" = referrers ] &&
   jq -r '.checked[]' v.json | grep -q '^referrers tag sha256-'; then
  pass "OCI 1.1 referrers signature (cosign --registry-referrers-mode=oci-1-1) verifies via the referrers tag"
else bad "referrers: rc=$rc $(cat v.err) $(cat v.json)"; fi
verify F:v1 wrong/cosign.pub
[ $rc = 1 ] && pass "referrers signature refused with the wrong key" || bad "referrers wrong key: rc=$rc"

# ---- 7. a layout written by cosign save ----
cosr save --dir saved "$R/demo/ed@$ed" || bad "cosign save: $(tail -2 cosign.log)"
verify saved ed.pub
[ $rc = 0 ] && pass "cosign save layout verifies" || bad "cosign save layout: rc=$rc $(cat v.err) $(cat v.json)"

# ---- 8. errors exit 2 with one line ----
"$VIGIL" verify L:v1 --key nonexistent.pub > /dev/null 2> e1; r1=$?
echo "not a key" > junk.pub
"$VIGIL" verify L:v1 --key junk.pub > /dev/null 2> e2; r2=$?
"$VIGIL" verify "$tmp/nothing-here" --key cosign.pub > /dev/null 2> e3; r3=$?
"$VIGIL" verify L:v1 --key cosign.key > /dev/null 2> e4; r4=$?
"$VIGIL" verify "L@sha256:$(printf '0%.0s' $(seq 64))" --key cosign.pub > /dev/null 2> e5; r5=$?
if [ "$r1$r2$r3$r4$r5" = 22222 ] && [ "$(cat e1 e2 e3 e4 e5 | wc -l)" = 5 ]; then
  pass "missing key, non-key, missing image, private key, unknown digest: exit 2 with one line each"
else bad "errors: $r1$r2$r3$r4$r5 $(cat e1 e2 e3 e4 e5)"; fi
# ---- 8b. hostile layouts: each a clear one-line error or a refusal, bounded ----
sigtag="sha256-${app#sha256:}.sig"
sigman() { jq -r --arg t "$2" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]==$t) | .digest' "$1/index.json" | cut -c8-; }
hv() { timeout 20 "$VIGIL" verify "$1" --key cosign.pub > h.out 2> h.err; hrc=$?; }
cp -a L H1; m=$(sigman H1 "$sigtag"); rm -f "H1/blobs/sha256/$m"; mkfifo "H1/blobs/sha256/$m"
hv H1:v1; h1="$hrc:$(wc -l < h.err)"
cp -a L H2; m=$(sigman H2 "$sigtag"); rm -f "H2/blobs/sha256/$m"; head -c 5000000 /dev/zero > "H2/blobs/sha256/$m"
hv H2:v1; h2="$hrc:$(wc -l < h.err)"; grep -q 'more than' h.err || h2="$h2:nolimitmsg"
cp -a L H3; p=$(jq -r '.layers[0].digest' "H3/blobs/sha256/$(sigman H3 "$sigtag")"); rm -f "H3/blobs/sha256/${p#sha256:}"
hv H3:v1; h3="$hrc:$(grep -c 'payload blob unreadable' h.out)"
cp -a L H4; echo '{"manifests": [' > H4/index.json
hv H4:v1; h4="$hrc:$(wc -l < h.err)"
cp -a L H5; m=$(sigman H5 "$sigtag"); rm -f "H5/blobs/sha256/$m"; ln -s /dev/zero "H5/blobs/sha256/$m"
hv H5:v1; h5="$hrc:$(wc -l < h.err)"
cp -a F H6; $PY - H6 <<'PYEOF'
import json, sys, hashlib
d = sys.argv[1]
idx = json.load(open(f"{d}/index.json"))
e = [m for m in idx["manifests"] if m["mediaType"].endswith("index.v1+json")][0]
ri = json.load(open(f"{d}/blobs/sha256/{e['digest'][7:]}"))
ri["manifests"] = ri["manifests"] * 5000      # the same signature 5000 times
b = json.dumps(ri).encode()
dg = hashlib.sha256(b).hexdigest()
open(f"{d}/blobs/sha256/{dg}", "wb").write(b)
e["digest"], e["size"] = "sha256:" + dg, len(b)
json.dump(idx, open(f"{d}/index.json", "w"))
PYEOF
if [ "$h1" = 2:1 ] && [ "$h2" = 2:1 ] && [ "$h3" = 1:1 ] && [ "$h4" = 2:1 ] && [ "$h5" = 2:1 ]; then
  pass "hostile layouts: FIFO and /dev/zero as blobs, 5 MB signature manifest, broken index: exit 2 with one line; missing payload blob: refused"
else bad "hostile layouts: fifo=$h1 big=$h2 missing=$h3 index=$h4 devzero=$h5 $(cat h.err)"; fi
"$VIGIL" verify H6:v1 --key cosign.pub --format json > h.out 2>h.err; hrc=$?
if [ $hrc = 0 ] && [ "$(jq '.signatures | length' h.out)" = 256 ]; then
  pass "a referrers index listing 5000 signatures: 256 checked, bounded"
else bad "5000 referrers: rc=$hrc $(jq '.signatures | length' h.out 2>/dev/null) $(cat h.err)"; fi

# ---- 9. vigil scan with a trust policy: findings of kind trust that gate ----
scan() { "$VIGIL" scan "$@" --scanners config --exit-code 3 --format json > s.json 2> s.err; rc=$?; }
trust_ids() { jq -r '[.trust[]?.id] | join(",")' s.json; }
scan L --tag v1 --require-signature cosign.pub
if [ "$(jq -r '.trust | type' s.json)" = array ] && [ "$(trust_ids)" = "" ]; then
  pass "scan --require-signature with the signing key: no trust finding"
else bad "scan signed: rc=$rc $(cat s.err) [$(trust_ids)]"; fi
"$VIGIL" scan L --tag v1 --scanners config --require-signature cosign.pub --severity CRITICAL --exit-code 3 > /dev/null 2>&1
r_ok=$?
"$VIGIL" scan L --tag v1 --scanners config --require-signature wrong/cosign.pub --severity HIGH,CRITICAL --format json > s.json 2>s.err
"$VIGIL" scan L --tag v1 --scanners config --require-signature wrong/cosign.pub --severity CRITICAL,HIGH --exit-code 3 > /dev/null 2>&1; r_bad=$?
if [ $r_ok = 0 ] && [ $r_bad = 3 ] && [ "$(trust_ids)" = VGL-TRUST-001 ] &&
   jq -r '.trust[0].message' s.json | grep -q 'signature does not verify with the key'; then
  pass "scan --require-signature with the wrong key: VGL-TRUST-001 (HIGH) fails the gate (exit 3), the right key passes (exit 0)"
else bad "scan wrong key: ok=$r_ok bad=$r_bad $(trust_ids) $(cat s.err)"; fi
scan T --tag v1 --require-signature cosign.pub
[ "$(trust_ids)" = VGL-TRUST-001 ] && pass "scan of the re-tagged image: VGL-TRUST-001" || bad "scan re-tagged: $(trust_ids) $(cat s.err)"
scan L --tag v1 --require-digest
d1=$(trust_ids)
scan "L@$app" --require-digest --require-signature cosign.pub
d2=$(trust_ids)
[ "$d1" = VGL-TRUST-004 ] && [ "$d2" = "" ] && pass "--require-digest: by tag VGL-TRUST-004, DIR@sha256:... none" ||
  bad "require-digest: tag [$d1] digest [$d2] $(cat s.err)"
# allowed registries / repositories: a docker-archive carries its full name (RepoTags)
skopeo copy -q --src-tls-verify=false "docker://$R/demo/other:v1" "docker-archive:da.tar:$R/demo/app:v1"
scan da.tar --allowed-registry "$R" --allowed-repository "$R/demo/*"
a1=$(trust_ids)
scan da.tar --allowed-registry 'ghcr.io' --allowed-repository "$R/prod/*"
a2=$(trust_ids)
scan L --tag v1 --allowed-registry "$R"
a3=$(trust_ids)
scan da.tar --require-signature cosign.pub
a4=$(trust_ids)
if [ "$a1" = "" ] && [ "$a2" = VGL-TRUST-002,VGL-TRUST-003 ] && [ "$a3" = VGL-TRUST-002 ] && [ "$a4" = VGL-TRUST-001 ]; then
  pass "allowed registries/repositories: matching name passes, others VGL-TRUST-002/003, unnamed layout 002, docker-archive has no signature 001"
else bad "allow-lists: [$a1] [$a2] [$a3] [$a4] $(cat s.err)"; fi
# the same rules from the policy file
cat > pol.yaml <<YML
trust:
  require_signature: wrong/cosign.pub
  allowed_registries: ["ghcr.io"]
  require_digest: true
YML
scan L --tag v1 --policy pol.yaml
p1=$(trust_ids)
cat > pol2.yaml <<YML
trust:
  require_signature: [cosign.pub]
ignore: []
YML
scan L --tag v1 --policy pol2.yaml
p2=$(trust_ids)
printf 'trust:\n  require_digest: maybe\n' > pol3.yaml
"$VIGIL" scan L --tag v1 --scanners config --policy pol3.yaml > /dev/null 2> s.err; r3=$?
if [ "$p1" = VGL-TRUST-001,VGL-TRUST-002,VGL-TRUST-004 ] && [ "$p2" = "" ] && [ $r3 = 2 ] && grep -q 'pol3.yaml:2' s.err; then
  pass "policy file trust: section (key relative to the file, allow-list, digest); a bad value is an error with the line"
else bad "policy trust: [$p1] [$p2] r3=$r3 $(cat s.err)"; fi
cat > pol4.yaml <<YML
trust:
  require_signature: wrong/cosign.pub
ignore:
  - id: VGL-TRUST-001
    reason: signing rolls out next sprint
YML
scan L --tag v1 --policy pol4.yaml
if [ "$(trust_ids)" = "" ] && [ "$(jq -r '[.suppressed[] | select(.kind == "trust") | .id] | join(",")' s.json)" = VGL-TRUST-001 ]; then
  pass "a trust finding can be ignored with a reason like any other"
else bad "ignore trust: $(trust_ids) $(jq -c .suppressed s.json)"; fi
# ---- 10. straight from the registry (the registry client) ----
rv() { "$VIGIL" verify "$1" --key "$2" --insecure-registry "$R" --format json > v.json 2> v.err; rc=$?; }
rv "$R/demo/app@$app" cosign.pub; r1=$rc
rv "$R/demo/app@$app" wrong/cosign.pub; r2=$rc
rv "$R/demo/app:v1" cosign.pub; r3=$rc; j3=$(jq -r '.signatures[0].reason' v.json)
rv "$R/demo/other:v1" cosign.pub; r4=$rc
rv "$R/demo/ed:v1" ed.pub; r5=$rc
rv "$R/demo/rsa:v1" rsa.pub; r6=$rc
rv "$R/demo/ref@$ref" cosign.pub; r7=$rc; j7=$(jq -r '.signatures[0].scheme' v.json)
if [ "$r1$r2$r3$r4$r5$r6$r7" = 0111000 ] && echo "$j3" | grep -q "^signs $app, not this image's" && [ "$j7" = referrers ]; then
  pass "registry: signed by digest accepted, wrong key / re-tagged / unsigned refused, Ed25519, RSA, referrers (404 API -> tag)"
else bad "registry verify: $r1$r2$r3$r4$r5$r6$r7 [$j3] [$j7] $(cat v.err)"; fi
# the referrers API itself: a front that adds it to the registry (referrers_front.py)
$PY "$top/tests/trust/referrers_front.py" "$R" "$tmp/front.port" > front.log 2>&1 &
frontpid=$!
for _ in $(seq 1 100); do [ -s "$tmp/front.port" ] && break; sleep 0.1; done
FR=127.0.0.1:$(cat "$tmp/front.port" 2>/dev/null)
fv() { "$VIGIL" verify "$1" --key "$2" --insecure-registry "$FR" --format json > v.json 2> v.err; rc=$?; }
fv "$FR/demo/ref@$ref" cosign.pub; f1=$rc; fs=$(jq -r '.signatures[0].scheme' v.json)
fc=$(jq -r '.checked[]' v.json | grep -c '^referrers of sha256:.*: from the referrers API$')
ft=$(jq -r '.checked[]' v.json | grep -c '^referrers tag ')
fv "$FR/demo/ref@$ref" wrong/cosign.pub; f2=$rc
fv "$FR/demo/other:v1" cosign.pub; f3=$rc
api=$(curl -s "http://$FR/stats" | jq -r '"\(.referrers):\(.entries)"')
if [ "$f1$f2$f3" = 011 ] && [ "$fs" = referrers ] && [ "$fc" = 1 ] && [ "$ft" = 0 ] && [ "$api" = 3:2 ]; then
  pass "registry: the OCI 1.1 referrers API (no tag fallback) accepts the right key, refuses a wrong key, finds nothing for an unsigned image"
else bad "referrers API: rc=$f1$f2$f3 scheme=$fs api-notes=$fc tag-notes=$ft stats=$api $(cat v.err) $(tail -3 front.log)"; fi
skopeo copy -q --dest-tls-verify=false oci:P:v1 "docker://$R/demo/tamp:v1" &&
  skopeo copy -q --dest-tls-verify=false "oci:P:$sigtag" "docker://$R/demo/tamp:$sigtag"
rv "$R/demo/tamp:v1" cosign.pub
if [ $rc = 1 ] && [ "$(jq -r '.signatures[0].reason' v.json)" = "signature does not verify with the key" ]; then
  pass "registry: tampered payload refused"
else bad "registry tampered: rc=$rc $(cat v.json) $(cat v.err)"; fi
"$VIGIL" verify "$R/demo/app@$app" --key cosign.pub > /dev/null 2> v.err; rc=$?
[ $rc = 2 ] && [ "$(wc -l < v.err)" = 1 ] && pass "registry: plain HTTP without --insecure-registry is a one-line error (exit 2)" ||
  bad "registry without --insecure-registry: rc=$rc $(cat v.err)"
"$VIGIL" scan "$R/demo/app@$app" --insecure-registry "$R" --scanners config --format json \
  --require-signature cosign.pub --allowed-registry "$R" --allowed-repository "$R/demo/*" --require-digest > s.json 2> s.err
g1=$(trust_ids)
"$VIGIL" scan "$R/demo/app:v1" --insecure-registry "$R" --scanners config --format json \
  --require-signature cosign.pub --allowed-registry ghcr.io --require-digest > s.json 2> s.err
g2=$(trust_ids)
if [ "$g1" = "" ] && [ "$g2" = VGL-TRUST-001,VGL-TRUST-002,VGL-TRUST-004 ]; then
  pass "registry: scan REF with the trust policy: signed digest passes; re-tagged tag from another registry fails 001, 002, 004"
else bad "registry scan trust: [$g1] [$g2] $(cat s.err)"; fi
# ---- 11. attestations (cosign attest --key): DSSE envelopes of in-toto statements ----
printf '{"buildType":"https://vigil.test/build@v1","builder":{"id":"vigil-test"}}\n' > prov.json
printf '{"reviewed":"%s"}\n' "$RANDOM" > review.json
cosr attest --key cosign.key --tlog-upload=false -y --type slsaprovenance --predicate prov.json "$R/demo/app@$app" &&
  cosr attest --key cosign.key --tlog-upload=false -y --type https://vigil.test/review/v1 --predicate review.json "$R/demo/app@$app" ||
  bad "cosign attest: $(tail -3 cosign.log)"
av() { "$VIGIL" verify "$1" --attestations --key "$2" --insecure-registry "$R" --format json > a.json 2> a.err; rc=$?; }
av "$R/demo/app@$app" cosign.pub
types=$(jq -r '[.attestations[] | select(.valid) | .predicate_type] | sort | join(",")' a.json)
if [ $rc = 0 ] && [ "$types" = "https://slsa.dev/provenance/v0.2,https://vigil.test/review/v1" ] &&
   [ "$(jq -r '.attestations[0].signed_digest' a.json)" = "$app" ] && [ "$(jq -r '.attestations[0].scheme' a.json)" = tag ]; then
  pass "attestations (cosign attest --key, two predicate types) verify: exit 0, predicate types shown"
else bad "attestations: rc=$rc [$types] $(cat a.err) $(head -c 600 a.json)"; fi
"$VIGIL" verify "$R/demo/app@$app" --attestations --key cosign.pub --insecure-registry "$R" > a.txt 2>&1
grep -q 'predicate https://slsa.dev/provenance/v0.2' a.txt && grep -q 'VERIFIED: 2 valid attestations' a.txt &&
  pass "attestations: the table names predicate types" || bad "attestation table: $(cat a.txt)"
av "$R/demo/app@$app" wrong/cosign.pub; a1=$rc; a1r=$(jq -r '.attestations[0].reason' a.json)
av "$R/demo/other:v1" cosign.pub; a2=$rc
rv "$R/demo/app@$app" cosign.pub; a3=$rc # signatures still verify apart from attestations
if [ "$a1$a2$a3" = 110 ] && [ "$a1r" = "no envelope signature verifies with the key" ]; then
  pass "attestations: a wrong key and an unattested image are refused (exit 1); signatures are checked apart"
else bad "attestation refusals: $a1$a2$a3 [$a1r] $(cat a.err)"; fi
# the attestation moved to another image (another digest): its statement names the old one
attd=$(digest "demo/app@$app" | sed 's/^sha256://')
other=$(digest demo/other:v1)
skopeo copy -q --src-tls-verify=false --dest-tls-verify=false "docker://$R/demo/app:sha256-$attd.att" \
  "docker://$R/demo/other:sha256-${other#sha256:}.att" 2>>cosign.log
av "$R/demo/other:v1" cosign.pub
if [ $rc = 1 ] && jq -r '.attestations[0].reason' a.json | grep -q "^no subject of the statement is this image's"; then
  pass "attestations: copied to another image, refused (subject is the old digest)"
else bad "moved attestation: rc=$rc $(cat a.err) $(head -c 400 a.json)"; fi
# a tampered statement (re-encoded with another predicate type, the blob re-hashed)
rm -rf AT && skopeo copy -q --src-tls-verify=false "docker://$R/demo/app:sha256-$attd.att" "oci:AT:att" 2>>cosign.log
$PY - AT <<'PY'
import base64, hashlib, json, os, sys
d = sys.argv[1]
idx = json.load(open(d + "/index.json"))
mdig = idx["manifests"][0]["digest"].split(":")[1]
man = json.load(open(d + "/blobs/sha256/" + mdig))
for layer in man["layers"]:
    env = json.load(open(d + "/blobs/sha256/" + layer["digest"].split(":")[1]))
    st = json.loads(base64.b64decode(env["payload"]))
    st["predicateType"] = "https://evil.example/approved/v1"
    env["payload"] = base64.b64encode(json.dumps(st).encode()).decode()
    blob = json.dumps(env).encode()
    h = hashlib.sha256(blob).hexdigest()
    open(d + "/blobs/sha256/" + h, "wb").write(blob)
    layer["digest"] = "sha256:" + h
    layer["size"] = len(blob)
mb = json.dumps(man).encode()
mh = hashlib.sha256(mb).hexdigest()
open(d + "/blobs/sha256/" + mh, "wb").write(mb)
idx["manifests"][0]["digest"] = "sha256:" + mh
idx["manifests"][0]["size"] = len(mb)
json.dump(idx, open(d + "/index.json", "w"))
PY
skopeo copy -q --dest-tls-verify=false oci:AT:att "docker://$R/demo/app:sha256-$attd.att" 2>>cosign.log
av "$R/demo/app@$app" cosign.pub
if [ $rc = 1 ] && [ "$(jq -r '.attestations[0].reason' a.json)" = "no envelope signature verifies with the key" ] &&
   [ "$(jq -r '[.attestations[] | select(.valid)] | length' a.json)" = 0 ]; then
  pass "attestations: a tampered statement is refused"
else bad "tampered attestation: rc=$rc $(cat a.err) $(head -c 600 a.json)"; fi
# ---- 8. signatures through a registry mirror (--registry-mirror, registries.conf) ----
# a second registry M holds demo/ed and its .sig tag; the image is named on a registry
# where nothing listens, so a verification can only have read the mirror
mport=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dead=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed -e "s|$tmp/regdata|$tmp/mirrordata|" -e "s|127.0.0.1:$port|127.0.0.1:$mport|" reg.yml > mirror.yml
docker-registry serve mirror.yml > mirror.log 2>&1 &
mirrorpid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$mport/v2/" >/dev/null 2>&1 && break
  sleep 0.1
done
M=127.0.0.1:$mport
skopeo copy -q --src-tls-verify=false --dest-tls-verify=false "docker://$R/demo/ed@$ed" "docker://$M/demo/ed:v1" &&
  skopeo copy -q --src-tls-verify=false --dest-tls-verify=false \
    "docker://$R/demo/ed:sha256-${ed#sha256:}.sig" "docker://$M/demo/ed:sha256-${ed#sha256:}.sig" ||
  bad "copy to the mirror: $(tail -2 mirror.log)"
vmir() { "$VIGIL" verify "127.0.0.1:$dead/demo/ed:v1" --key "$1" --format json \
  --insecure-registry "127.0.0.1:$dead" --insecure-registry "$M" "${@:2}" > v.json 2> v.err; rc=$?; }
vmir ed.pub --registry-mirror "127.0.0.1:$dead=$M"
if [ $rc = 0 ] && [ "$(jq -r '.signatures[0].signed_digest' v.json)" = "$ed" ]; then
  pass "mirror: the signature is read through --registry-mirror (registry unreachable)"
else bad "verify through a mirror: rc=$rc $(cat v.err) $(head -c 400 v.json)"; fi
vmir cosign.pub --registry-mirror "127.0.0.1:$dead=$M"
[ $rc = 1 ] && pass "mirror: the wrong key still refuses" || bad "mirror, wrong key: rc=$rc $(cat v.err)"
printf '[[registry]]\nprefix = "127.0.0.1:%s"\n[[registry.mirror]]\nlocation = "%s"\n' "$dead" "$M" > registries.conf
vmir ed.pub --registries-conf registries.conf
[ $rc = 0 ] && pass "mirror: from a registries.conf file" || bad "verify with registries.conf: rc=$rc $(cat v.err)"
vmir ed.pub
if [ $rc = 2 ] && [ "$(wc -l < v.err)" -eq 1 ]; then pass "mirror: without it the unreachable registry is a one-line error"
else bad "no mirror: rc=$rc $(cat v.err)"; fi
kill "$mirrorpid" 2>/dev/null
exit $fail
