#!/usr/bin/env bash
# Kubernetes Secret manifests through `vigil scan --scanners secret rootfs:DIR`: a real
# 4096-bit RSA key (made by openssl for this run) stored base64-encoded in a Secret whose
# data: block starts near the end of the scanner's 256 KiB buffer is found on its line,
# with the values after it; the same with the kind after the block (kubectl's order);
# a base64 JWT in a Secret is one finding (jwt), not two (jwt and jwt-base64).
set -uo pipefail
cd "$(dirname "$0")/../.."
VIGIL=${VIGIL:-build/vigil}
PY=${PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=python3
fails=0
pass() { echo "PASS: secret/k8s/$1"; }
fail() { echo "FAIL: secret/k8s/$1: $2"; fails=$((fails + 1)); }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if ! command -v openssl >/dev/null; then
    if [ "${CI:-}" = true ]; then fail openssl "openssl not installed"; exit 1; fi
    echo "SKIP: secret/k8s/all: openssl not installed"; exit 0
fi
mkdir -p "$TMP/root/deploy"
openssl genrsa -traditional -out "$TMP/key.pem" 4096 2>/dev/null ||
    openssl genrsa -out "$TMP/key.pem" 4096 2>/dev/null
# a GitHub token with its checksum and a JWT, made for this run
"$PY" - "$TMP" <<'PYEOF'
import base64, binascii, json, os, secrets, string, sys, time
tmp = sys.argv[1]
al = string.ascii_letters + string.digits
b62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
body = "".join(secrets.choice(al) for _ in range(30))
crc = binascii.crc32(body.encode()) & 0xffffffff
d = ""
for _ in range(6):
    d = b62[crc % 62] + d
    crc //= 62
tok = "ghp_" + body + d
u = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
jwt = ".".join([u(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()),
                u(json.dumps({"sub": "ci-deployer", "iat": int(time.time())}).encode()),
                u(os.urandom(32))])
b64 = lambda s: base64.b64encode(s if isinstance(s, bytes) else s.encode()).decode()
key = open(tmp + "/key.pem", "rb").read()

def manifest(pad, kind_after):
    out = []
    n = 0
    while n + 80 < pad:
        out.append("#" + "x" * 78)
        n += 80
    out += ["---", "apiVersion: v1"]
    if not kind_after:
        out.append("kind: Secret")
    out.append("data:")
    out += ["  ca.crt: TUlJQ2FEQ0NBZFdnQXdJQkFnSUpBTTNvY2VydGlmaWNhdGU="] * 10
    key_line = len(out) + 1
    out.append("  tls.key: " + b64(key))
    out.append("  GITHUB_TOKEN: " + b64(tok))
    if kind_after:
        out.append("kind: Secret")
    out += ["metadata:", "  name: big", ""]
    return "\n".join(out), key_line

expect = []
for i, (pad, after) in enumerate([(256 * 1024 - 3000, 0), (256 * 1024 - 2600, 1),
                                  (600 * 1024, 0)]):
    text, kl = manifest(pad, after)
    name = "big-%d.yaml" % i
    open(tmp + "/root/deploy/" + name, "w").write(text)
    expect.append(("/deploy/" + name, kl))
# the JWT, base64-encoded, in a small Secret: line 6
open(tmp + "/root/deploy/jwt.yaml", "w").write(
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci\ndata:\n  token: %s\n" % b64(jwt))
with open(tmp + "/expect", "w") as f:
    for p, kl in expect:
        f.write("%s\t%d\n" % (p, kl))
PYEOF
if "$VIGIL" scan --scanners secret --format json "rootfs:$TMP/root" >"$TMP/out.json" 2>"$TMP/err"; then
    pass scan-exit-0
else
    fail scan-exit-0 "$(head -3 "$TMP/err")"
fi
"$PY" - "$TMP/out.json" "$TMP/expect" <<'PYEOF'
import json, sys
found = json.load(open(sys.argv[1])).get("secrets") or []
for line in open(sys.argv[2]):
    path, kl = line.split("\t")
    kl = int(kl)
    got = sorted((r["rule_id"], r["line"]) for r in found if r["path"] == path)
    want = [("github-pat", kl + 1), ("private-key-rsa", kl)]
    print(("PASS: secret/k8s/4096-bit-key-and-token-after-it %s" % path) if got == want else
          "FAIL: secret/k8s/4096-bit-key-and-token-after-it %s: got %s, want %s" % (path, got, want))
got = sorted((r["rule_id"], r["line"]) for r in found if r["path"] == "/deploy/jwt.yaml")
print("PASS: secret/k8s/base64-jwt-one-finding" if got == [("jwt", 6)] else
      "FAIL: secret/k8s/base64-jwt-one-finding: got %s, want [('jwt', 6)]" % got)
PYEOF
exit $((fails > 0))
