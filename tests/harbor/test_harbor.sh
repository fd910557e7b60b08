#!/usr/bin/env bash
# Harbor's Pluggable Scanner API v1.2 on `vigil serve` (/harbor/api/v1), end to end:
# a real docker-registry over TLS with Basic auth (htpasswd) and another with token auth
# (tests/registry/token_server.py), the Alpine 3.16 fixture pushed to both with skopeo,
# and requests shaped as Harbor sends them. Every answer's status, media type and body is
# checked against the spec's subset saved in tests/harbor/scanner-api-v1.2-subset.json;
# every status path: 202, 302 (Refresh-After), 200, 400, 401, 403, 404, 422, 500, 501.
# A stalling registry keeps one job running for the 302 and then fails it (500).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
PY=/usr/bin/python3
fail=0
pass() { echo "PASS: harbor: $1"; }
bad() { echo "FAIL: harbor: $1"; fail=1; }
need() {
  if ! command -v "$1" > /dev/null; then
    if [ "${CI:-}" = true ]; then echo "FAIL: harbor: $1 not installed"; exit 1; fi
    echo "SKIP: harbor: $1 not installed"; exit 0
  fi
}
for t in docker-registry skopeo openssl htpasswd curl jq; do need $t; done
$PY -c 'import jsonschema, cryptography' 2> /dev/null || need python3-jsonschema-and-cryptography
tmp=$(mktemp -d)
pids=()
cleanup() { exec 2> /dev/null; for p in "${pids[@]}"; do kill -9 "$p"; done; wait; rm -rf "$tmp"; }
trap cleanup EXIT
G=$("$top/tests/fixtures/make-golden-alpine.sh" 2> "$tmp/fixture.err") ||
  { bad "fixture build failed: $(tail -3 "$tmp/fixture.err")"; exit 1; }
IMG=$G/oci-3.16.9

# ---- certificates and credentials (generated per run) ----
cd "$tmp" || exit 1
gen() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "$@" 2> /dev/null; }
gen -x509 -keyout ca.key -out ca.crt -days 2 -subj /CN=vigil-harbor-test-ca &&
  gen -keyout server.key -out server.csr -subj /CN=127.0.0.1 &&
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' > ext.cnf &&
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
    -extfile ext.cnf -out server.crt 2> /dev/null &&
  gen -x509 -keyout token.key -out token.crt -days 2 -subj /CN=vigil-harbor-token ||
  { bad "openssl could not make the test certificates"; exit 1; }
mkdir -p certs && cp ca.crt certs/ca.crt
RUSER=robot\$harbor-test
RPASS=$(openssl rand -hex 16)
htpasswd -Bbn "$RUSER" "$RPASS" > htpasswd 2> /dev/null
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_registry() { # NAME AUTH-YAML: sets PORT
  local name=$1 auth=$2
  PORT=$(free_port)
  mkdir -p "$tmp/$name"
  cat > "$tmp/$name/config.yml" << Y
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $tmp/$name/data
http:
  addr: 127.0.0.1:$PORT
  secret: $(openssl rand -hex 16)
  tls:
    certificate: $tmp/server.crt
    key: $tmp/server.key
$auth
Y
  docker-registry serve "$tmp/$name/config.yml" > "$tmp/$name/log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    case $(curl -s -o /dev/null -w '%{http_code}' --cacert ca.crt "https://127.0.0.1:$PORT/v2/") in 200 | 401) return 0 ;; esac
    sleep 0.2
  done
  bad "$name registry did not start: $(tail -3 "$tmp/$name/log")"; exit 1
}
start_registry basic "auth:
  htpasswd:
    realm: vigil-harbor
    path: $tmp/htpasswd"
BASIC=127.0.0.1:$PORT
TPF=$tmp/token.port
$PY "$top/tests/registry/token_server.py" "$tmp" "$TPF" "$RUSER" "$RPASS" > "$tmp/token.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$TPF" ] && break; sleep 0.1; done
TP=$(cat "$TPF" 2> /dev/null)
[ -n "$TP" ] || { bad "token server did not start: $(tail -3 "$tmp/token.log")"; exit 1; }
start_registry token "auth:
  token:
    realm: https://127.0.0.1:$TP/token
    service: vigil-harbor
    issuer: vigil-test-issuer
    rootcertbundle: $tmp/token.crt"
TOKREG=127.0.0.1:$PORT
for dst in "$BASIC/library/alpine:3.16" "$TOKREG/library/alpine:3.16"; do
  skopeo copy --quiet --dest-cert-dir "$tmp/certs" --dest-creds "$RUSER:$RPASS" \
    "oci:$IMG:3.16.9" "docker://$dst" >> "$tmp/skopeo.log" 2>&1 ||
    { bad "skopeo could not push to $dst: $(tail -3 "$tmp/skopeo.log")"; exit 1; }
done
DIGEST=sha256:$(skopeo inspect --raw --cert-dir "$tmp/certs" --creds "$RUSER:$RPASS" "docker://$BASIC/library/alpine:3.16" | sha256sum | cut -c1-64)
# a registry token for the token registry, fetched as Harbor's core would
JWT=$(curl -s --cacert ca.crt -u "$RUSER:$RPASS" "https://127.0.0.1:$TP/token?service=vigil-harbor&scope=repository:library/alpine:pull" | jq -r .token)
[ -n "$JWT" ] && [ "$JWT" != null ] || { bad "no token from the token server"; exit 1; }
pass "two TLS registries (Basic and token auth) hold the Alpine 3.16 fixture ($DIGEST)"

# ---- a stalling registry: holds every request until $tmp/release exists (60 s at most) ----
cat > stall.py << 'Y'
import os, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        open(sys.argv[2] + ".hit", "w").close()
        for _ in range(600):
            if os.path.exists(sys.argv[2]): break
            time.sleep(0.1)
        self.send_response(404); self.send_header("Content-Type", "application/json")
        self.end_headers(); self.wfile.write(b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"gone"}]}')
    def log_message(self, *a): pass
s = ThreadingHTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(s.server_address[1]))
s.serve_forever()
Y
$PY stall.py "$tmp/stall.port" "$tmp/release" > /dev/null 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do [ -s "$tmp/stall.port" ] && break; sleep 0.1; done
STALL=127.0.0.1:$(cat "$tmp/stall.port")

# ---- the database: busybox fixed in 99.0-r0 (CVE-2099-0101) for Alpine 3.16 ----
mkdir -p m/alpine-secdb/v3.16
printf 'distroversion: v3.16\nreponame: main\narchs:\n  - x86_64\npackages:\n  - pkg:\n      name: busybox\n      secfixes:\n        99.0-r0:\n          - CVE-2099-0101\n' > m/alpine-secdb/v3.16/main.yaml
tar -czf m/alpine-secdb.tar.gz -C m alpine-secdb && rm -rf m/alpine-secdb
"$VIGIL" db update --from m --only alpine-secdb --db db > up.log 2>&1 || { bad "db update: $(tail -2 up.log)"; exit 1; }
BUILT=$("$VIGIL" db info --db db --format json 2> /dev/null | jq -r .built)
"$VIGIL" scan -q --db db --format json "$IMG" > want.json 2> /dev/null
"$VIGIL" sbom --format spdx "$IMG" > want.spdx 2> /dev/null
"$VIGIL" sbom --format cyclonedx "$IMG" > want.cdx 2> /dev/null

# ---- the server: one worker, so a stalled job keeps the next ones queued ----
HTOKEN=$("$VIGIL" serve token add harbor --scopes scan,read --data data) || { bad "token add"; exit 1; }
RTOKEN=$("$VIGIL" serve token add viewer --scopes read --data data)
"$VIGIL" serve --listen 127.0.0.1:0 --port-file port --data data --db db --workers 1 \
  --ca-file "$tmp/ca.crt" 2> serve.log &
spid=$!
pids+=($spid)
for _ in $(seq 1 100); do [ -s port ] && break; sleep 0.1; done
[ -s port ] || { bad "server did not start: $(tail -3 serve.log)"; exit 1; }

cat > drive.py << 'Y'
import base64, http.client, json, os, sys, time
import jsonschema

(port, htoken, rtoken, basic, tokreg, stall, digest, ruser, rpass, jwt, built, tmp) = sys.argv[1:13]
spec = json.load(open(sys.argv[13]))
want = json.load(open(tmp + "/want.json"))
results = []
def check(name, ok, detail=""):
    results.append((bool(ok), name, detail))

def schema(name):
    s = dict(spec["schemas"][name]); s["schemas"] = spec["schemas"]
    return s

def valid(body, name):
    try:
        jsonschema.validate(body, schema(name), format_checker=jsonschema.FormatChecker())
        return ""
    except jsonschema.ValidationError as e:
        return "schema %s: %s at %s" % (name, e.message[:200], list(e.absolute_path))

def call(method, path, body=None, auth="bearer", accept=None, ctype="application/vnd.scanner.adapter.scan.request+json; version=1.1"):
    c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
    h = {}
    if auth == "bearer": h["Authorization"] = "Bearer " + htoken
    elif auth and auth.startswith("apikey:"): h["X-ScannerAdapter-API-Key"] = auth[7:]
    elif auth: h["Authorization"] = auth
    if accept: h["Accept"] = accept
    if body is not None:
        h["Content-Type"] = ctype
        body = body if isinstance(body, (bytes, str)) else json.dumps(body)
    c.request(method, "/harbor/api/v1" + path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    try: j = json.loads(data) if data else None
    except ValueError: j = None
    return r.status, hdrs, j, data

def is_error(st, h, j, code):
    """status, the error media type and the envelope"""
    d = valid(j, "ErrorResponse") if j is not None else "no JSON body"
    ok = st == code and h.get("content-type") in spec["media_types"]["error"] and not d and \
         isinstance(j.get("error", {}).get("message"), str) and j["error"]["message"]
    return ok, "status %s (want %s), type %s, %s, body %s" % (st, code, h.get("content-type"), d, j)

def basic_auth(u, p):
    return "Basic " + base64.b64encode(("%s:%s" % (u, p)).encode()).decode()

def scan_req(url, repo="library/alpine", dig=None, tag="3.16", auth=None, mt="application/vnd.docker.distribution.manifest.v2+json", caps=None):
    r = {"registry": {"url": url}, "artifact": {"repository": repo, "digest": dig or digest, "tag": tag, "mime_type": mt}}
    if auth: r["registry"]["authorization"] = auth
    if caps is not None: r["enabled_capabilities"] = caps
    return r

# 1. metadata
st, h, j, _ = call("GET", "/metadata")
d = valid(j, "ScannerAdapterMetadata") if j else "no body"
caps = {c.get("type"): c for c in (j or {}).get("capabilities", [])}
ok = st == 200 and h.get("content-type") in spec["media_types"]["GET /metadata 200"] and not d
for t in ("vulnerability", "sbom"):
    ok = ok and t in caps and sorted(caps[t]["consumes_mime_types"]) == sorted(spec["consumed_artifact_types"]) \
        and all(m in caps[t]["produces_mime_types"] for m in spec["report_types"][t])
ok = ok and sorted(caps.get("sbom", {}).get("additional_attributes", {}).get("sbom_media_types", [])) == sorted(spec["sbom_media_types"])
props = (j or {}).get("properties", {})
ok = ok and props.get("harbor.scanner-adapter/vulnerability-database-updated-at") == built
check("GET metadata: 200, metadata media type, both manifest types, vulnerability and SBOM report types, database update time", ok,
      "status %s type %s %s props %s" % (st, h.get("content-type"), d, props))

# 2. authentication as Harbor sends it
st, h, j, _ = call("GET", "/metadata", auth=None); e1 = is_error(st, h, j, 401)
st, h, j, _ = call("GET", "/metadata", auth="Bearer vgl_" + "0" * 64); e2 = is_error(st, h, j, 401)
st2, _, _, _ = call("GET", "/metadata", auth=basic_auth("harbor", htoken))
st4, _, _, _ = call("GET", "/metadata", auth="apikey:" + htoken)
st5, _, _, _ = call("GET", "/metadata", auth="apikey:" + htoken + "x")
st, h, j, _ = call("POST", "/scan", scan_req("https://" + basic), auth="Bearer " + rtoken); e3 = is_error(st, h, j, 403)
check("auth: no or a wrong token 401, Basic NAME:TOKEN and X-ScannerAdapter-API-Key accepted, a read-only token cannot scan (403)",
      e1[0] and e2[0] and st2 == 200 and st4 == 200 and st5 == 401 and e3[0],
      "%s | %s | basic %s apikey %s/%s | %s" % (e1[1], e2[1], st2, st4, st5, e3[1]))

# 3. a scan that stalls in the registry: 202, then 302 with Refresh-After while it runs
st, h, j, _ = call("POST", "/scan", scan_req("http://" + stall, auth=basic_auth(ruser, rpass)))
d = valid(j, "ScanResponse") if j else "no body"
check("POST scan: 202 with the scan-response media type and {\"id\": string}",
      st == 202 and h.get("content-type") in spec["media_types"]["POST /scan 202"] and not d,
      "status %s type %s %s %s" % (st, h.get("content-type"), d, j))
stall_id = (j or {}).get("id", "x")
for _ in range(100):
    if os.path.exists(tmp + "/release.hit"): break
    time.sleep(0.1)
st, h, j, raw = call("GET", "/scan/%s/report" % stall_id, accept=spec["report_types"]["vulnerability"][0])
ra = h.get(spec["refresh_after_header"].lower(), "")
check("GET report while the scan runs: 302 with an integer Refresh-After", st == 302 and ra.isdigit() and int(ra) > 0,
      "status %s Refresh-After %r" % (st, ra))

# 4. the real scans, queued behind it: Basic robot credentials and a registry bearer token
st, h, j, _ = call("POST", "/scan", scan_req("https://" + basic, auth=basic_auth(ruser, rpass)))
basic_id = (j or {}).get("id")
st2, h, j, _ = call("POST", "/scan", scan_req("https://" + tokreg, auth="Bearer " + jwt,
                    mt="application/vnd.oci.image.manifest.v1+json",
                    caps=[{"type": "vulnerability", "produces_mime_types": spec["report_types"]["vulnerability"]},
                          {"type": "sbom", "produces_mime_types": spec["report_types"]["sbom"],
                           "parameters": {"sbom_media_types": spec["sbom_media_types"]}}]))
tok_id = (j or {}).get("id")
st3, h, j, _ = call("POST", "/scan", scan_req("https://" + basic, auth=basic_auth(ruser, "wrong-" + rpass)))
wrong_id = (j or {}).get("id")
check("POST scan with Basic robot credentials, with a bearer token and enabled_capabilities, with wrong credentials: 202 each",
      st == 202 and st2 == 202 and st3 == 202 and len({basic_id, tok_id, wrong_id}) == 3, "%s %s %s" % (st, st2, st3))
open(tmp + "/release", "w").close()

def wait(i, accept):
    for _ in range(600):
        st, h, j, raw = call("GET", "/scan/%s/report" % i, accept=accept)
        if st != 302: return st, h, j, raw
        time.sleep(0.2)
    return st, h, j, raw

# 5. the stalled scan failed: 500 with the error envelope
st, h, j, _ = wait(stall_id, None)
e = is_error(st, h, j, 500)
check("GET report of a failed scan: 500 with the error envelope", e[0], e[1])

# 6. reports of the Basic-auth scan
def keys(vs):
    return sorted((v["id"], v["package"] if isinstance(v["package"], str) else v["package"]["name"]) for v in vs)
want_keys = keys(want["vulnerabilities"])
for accept, name in ((spec["report_types"]["vulnerability"][0], "Harbor vulnerability report 1.0"),
                     (spec["report_types"]["vulnerability"][1], "vulnerability report 1.1"),
                     (None, "no Accept (the 1.0 report)")):
    st, h, j, _ = wait(basic_id, accept)
    d = valid(j, "HarborVulnerabilityReport") if j else "no body"
    exp_type = accept or spec["report_types"]["vulnerability"][0]
    art = (j or {}).get("artifact", {})
    vs = (j or {}).get("vulnerabilities", [])
    bb = [v for v in vs if v.get("package") == "busybox"]
    ok = st == 200 and h.get("content-type") == exp_type and not d and keys(vs) == want_keys and want_keys and \
        art.get("repository") == "library/alpine" and art.get("digest") == digest and art.get("tag") == "3.16" and \
        art.get("mime_type") == "application/vnd.docker.distribution.manifest.v2+json" and \
        bb and bb[0]["id"] == "CVE-2099-0101" and bb[0]["fix_version"] == "99.0-r0" and j.get("severity") in spec["schemas"]["Severity"]["enum"]
    if accept == spec["report_types"]["vulnerability"][1]:
        ok = ok and all("vendor_attributes" in v and "preferred_cvss" in v and "cwe_ids" in v for v in vs)
    check("GET report, %s: 200, its media type, the spec's fields, the same findings as vigil scan of the layout" % name, ok,
          "status %s type %s %s artifact %s keys %s vs %s" % (st, h.get("content-type"), d, art, keys(vs)[:3], want_keys[:3]))
st, h, j, _ = wait(basic_id, "application/vnd.scanner.adapter.vuln.report.raw")
check("GET report, raw: Vigil's JSON report with the same vulnerabilities",
      st == 200 and h.get("content-type") == "application/vnd.scanner.adapter.vuln.report.raw" and j and keys(j["vulnerabilities"]) == want_keys,
      "status %s type %s" % (st, h.get("content-type")))

# 7. SBOM reports of the bearer-token scan
wspdx = json.load(open(tmp + "/want.spdx")); wcdx = json.load(open(tmp + "/want.cdx"))
def pk(doc):  # the image's packages (not the package standing for the image itself)
    return sorted((p["name"], p.get("versionInfo")) for p in doc.get("packages", []) if p.get("SPDXID") != "SPDXRef-Image")
for mt, name in (("application/spdx+json", "SPDX"), ("application/vnd.cyclonedx+json", "CycloneDX")):
    q = "?sbom_media_type=" + mt.replace("+", "%2B")
    c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
    for _ in range(600):
        st, h, j, _ = call("GET", "/scan/%s/report%s" % (tok_id, q), accept=spec["report_types"]["sbom"][0])
        if st != 302: break
        time.sleep(0.2)
    d = valid(j, "HarborSbomReport") if j else "no body"
    sb = (j or {}).get("sbom", {})
    if name == "SPDX":
        same = sb.get("spdxVersion") == "SPDX-2.3" and pk(sb) == pk(wspdx) and pk(sb)
    else:
        same = sb.get("bomFormat") == "CycloneDX" and sorted((x["name"], x.get("version")) for x in sb.get("components", [])) == sorted((x["name"], x.get("version")) for x in wcdx["components"])
    check("GET report, SBOM as %s (scan pulled with a registry bearer token): 200, SBOM report media type, the packages of vigil sbom" % name,
          st == 200 and h.get("content-type") == spec["report_types"]["sbom"][0] and not d and j.get("media_type") == mt and same,
          "status %s type %s %s media_type %s" % (st, h.get("content-type"), d, (j or {}).get("media_type")))
st, h, j, _ = call("GET", "/scan/%s/report" % tok_id, accept=spec["report_types"]["sbom"][0]); e1 = is_error(st, h, j, 400)
st, h, j, _ = call("GET", "/scan/%s/report?sbom_media_type=text%%2Fplain" % tok_id, accept=spec["report_types"]["sbom"][0]); e2 = is_error(st, h, j, 400)
check("GET SBOM report without or with a wrong sbom_media_type: 400", e1[0] and e2[0], e1[1] + " | " + e2[1])

# 8. the scan with wrong registry credentials fails with a reason
st, h, j, _ = wait(wrong_id, None)
e = is_error(st, h, j, 500)
check("wrong registry credentials: the report is 500 saying the registry refused them", e[0] and "refused" in j["error"]["message"], e[1])

# 9. error paths of GET report
st, h, j, _ = call("GET", "/scan/%s/report" % basic_id, accept="application/xml"); e1 = is_error(st, h, j, 501)
st, h, j, _ = call("GET", "/scan/999999/report"); e2 = is_error(st, h, j, 404)
st3, _, _, _ = call("GET", "/scan/not-an-id/report")
check("GET report: an unsupported Accept 501, an unknown id 404, a malformed id 404", e1[0] and e2[0] and st3 == 404, e1[1] + " | " + e2[1] + " | %s" % st3)

# 10. error paths of POST scan
cases = [
    (400, "malformed JSON", b'{"registry": '),
    (400, "not an object", b'[1,2]'),
    (400, "registry is a string", {"registry": "https://x", "artifact": {}}),
    (400, "digest is a number", {"registry": {"url": "https://" + basic}, "artifact": {"repository": "a", "digest": 5}}),
    (422, "no artifact", {"registry": {"url": "https://" + basic}}),
    (422, "no digest", {"registry": {"url": "https://" + basic}, "artifact": {"repository": "library/alpine"}}),
    (422, "a tag for a digest", scan_req("https://" + basic, dig="latest")),
    (422, "ftp URL", scan_req("ftp://" + basic)),
    (422, "credentials in the URL", scan_req("https://u:p@" + basic)),
    (422, "upper-case repository", scan_req("https://" + basic, repo="Library/Alpine")),
    (422, "repository with ..", scan_req("https://" + basic, repo="a/../b")),
    (422, "authorization of another scheme", scan_req("https://" + basic, auth="Digest abc")),
    (422, "Basic without user:password", scan_req("https://" + basic, auth="Basic " + base64.b64encode(b"nocolon").decode())),
    (501, "a Helm chart", scan_req("https://" + basic, mt="application/vnd.cncf.helm.config.v1+json")),
    (501, "a license capability", scan_req("https://" + basic, caps=[{"type": "license"}])),
    (501, "an unknown report type", scan_req("https://" + basic, caps=[{"type": "vulnerability", "produces_mime_types": ["text/html"]}])),
    (501, "an unknown SBOM format", scan_req("https://" + basic, caps=[{"type": "sbom", "parameters": {"sbom_media_types": ["application/x-swid"]}}])),
]
bad = []
for code, name, body in cases:
    st, h, j, _ = call("POST", "/scan", body)
    e = is_error(st, h, j, code)
    if not e[0]: bad.append(name + ": " + e[1])
check("POST scan: %d malformed or unsupported requests get 400, 422 or 501 with the error envelope" % len(cases), not bad, "; ".join(bad))
st, h, j, _ = call("GET", "/nothing"); e1 = is_error(st, h, j, 404)
st2, _, _, _ = call("DELETE", "/metadata")
check("an unknown route 404, a wrong method 405", e1[0] and st2 == 405, e1[1] + " %s" % st2)

for ok, name, detail in results:
    print(("PASS: harbor: " if ok else "FAIL: harbor: ") + name + ("" if ok or not detail else ": " + detail[:600]))
sys.exit(0 if all(r[0] for r in results) else 1)
Y
timeout 300 $PY drive.py "$(cat port)" "$HTOKEN" "$RTOKEN" "$BASIC" "$TOKREG" "$STALL" "$DIGEST" "$RUSER" "$RPASS" "$JWT" "$BUILT" "$tmp" \
  "$top/tests/harbor/scanner-api-v1.2-subset.json" > drive.out 2> drive.err
rc=$?
cat drive.out
[ $rc -eq 0 ] || { fail=1; grep -q "^FAIL" drive.out || echo "FAIL: harbor: driver (exit $rc): $(tail -3 drive.err)"; }

# a clean stop: exit 0, and (ASan build) no leak or error report
kill -TERM "$spid"; wait "$spid"; src=$?
if [ $src = 0 ] && ! grep -q "Sanitizer" serve.log; then pass "SIGTERM stops the server cleanly (exit 0, no sanitizer report)"
else bad "server exit $src: $(grep -m3 -A5 Sanitizer serve.log | head -12)"; fi

# the registry credentials Harbor sent never reach the store or the log
if grep -qF "$RPASS" serve.log || grep -qF "$JWT" serve.log || grep -qaF "$RPASS" data/store.db* || grep -qaF "$JWT" data/store.db*; then
  bad "a registry credential was written to the log or the store"
else pass "registry credentials are in neither the server log nor the store"; fi
exit $fail
