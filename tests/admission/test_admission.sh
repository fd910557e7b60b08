#!/usr/bin/env bash
# The Kubernetes validating admission webhook of `vigil serve` (docs/admission.md), end to
# end: AdmissionReview documents written by tests/admission/review.py (shapes of the
# Kubernetes API reference) sent over HTTPS (a certificate made here) to a real server
# whose images live in a real registry (Debian's docker-registry on a free loopback
# port, images pushed with skopeo), signed by the real cosign (tests/fixtures/get-cosign.sh),
# judged against a vulnerability database built here from a synthetic mirror
# (nodejs-security-wg advisories and a CISA KEV list, never data from ../shared):
#   vgl-crit  1.0.0  CVE-2099-1001 CRITICAL, fixed in 2.0.0
#   vgl-high  1.0.0  CVE-2099-1002 HIGH, fixed in 2.0.0
#   vgl-kev   1.0.0  CVE-2099-1003 LOW, fixed in 2.0.0, known exploited
#   vgl-nofix 1.0.0  CVE-2099-1004 CRITICAL, no fix
# Then the load run: 500 reviews of known images at 50 concurrent connections.
# VIGIL_TEST_STORE=postgresql://... runs the same suite against a PostgreSQL store (as
# tests/postgres/test_postgres.sh does): each server NAME gets its own schema there instead
# of its own --data NAME.data.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
PY=/usr/bin/python3
fail=0
pass() { echo "PASS: admission: $*"; }
bad() { echo "FAIL: admission: $*"; fail=1; }
missing() {
  if [ "${CI:-}" = true ]; then echo "FAIL: admission: $*"; exit 1; fi
  echo "SKIP: admission: $*"; exit 0
}
for t in docker-registry skopeo openssl curl jq sqlite3; do
  command -v "$t" > /dev/null || missing "$t is not installed (make deps)"
done
$PY -c 'import yaml' 2> /dev/null || missing "python3-yaml is not installed (make deps)"
COSIGN=$("$top/tests/fixtures/get-cosign.sh" 2> /dev/null) ||
  missing "cosign could not be fetched (tests/fixtures/get-cosign.sh)"

tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2> /dev/null; done; wait 2> /dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
cd "$tmp" || exit 1
freeport() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
review() { $PY "$top/tests/admission/review.py" "$@"; }
store() { # store NAME: the --data or --store option of server NAME
  if [ -n "${VIGIL_TEST_STORE:-}" ]; then
    psql "$VIGIL_TEST_STORE" -qAtX -v ON_ERROR_STOP=1 -c "SET client_min_messages=warning; CREATE SCHEMA IF NOT EXISTS adm_$1" > /dev/null ||
      { bad "cannot make schema adm_$1"; exit 1; }
    printf -- '--store\n%s&options=-csearch_path%%3Dadm_%s\n' "$VIGIL_TEST_STORE" "$1"
  else printf -- '--data\n%s.data\n' "$1"; fi
}
[ -n "${VIGIL_TEST_STORE:-}" ] && echo "  (store: PostgreSQL)"

# ---- the vulnerability database ----
mkdir -p m/nodejs-security-wg/vuln/npm m/cisa-kev
adv() { # N MODULE VULNERABLE PATCHED VECTOR CVE
  printf '{"id": %s, "created_at": "2026-01-01", "updated_at": "2026-01-01", "title": "test %s",
 "module_name": "%s", "publish_date": "2026-01-01", "cves": ["%s"], "vulnerable_versions": "%s",
 "patched_versions": "%s", "overview": "synthetic", "recommendation": "upgrade",
 "references": [], "cvss_vector": "%s", "cvss_score": 0, "coordinating_vendor": null}\n' \
    "$1" "$1" "$2" "$6" "$3" "$4" "$5" > "m/nodejs-security-wg/vuln/npm/$1.json"
}
adv 9001 vgl-crit "<2.0.0" ">=2.0.0" "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" CVE-2099-1001
adv 9002 vgl-high "<2.0.0" ">=2.0.0" "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N" CVE-2099-1002
adv 9003 vgl-kev "<2.0.0" ">=2.0.0" "CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N" CVE-2099-1003
adv 9004 vgl-nofix "<9.0.0" "<0.0.0" "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" CVE-2099-1004
echo '{"catalogVersion":"2026.01.01","vulnerabilities":[{"cveID":"CVE-2099-1003","vendorProject":"test","product":"vgl-kev","vulnerabilityName":"synthetic","dateAdded":"2026-01-01"}]}' \
  > m/cisa-kev/known_exploited_vulnerabilities.json
(cd m && tar -czf nodejs-security-wg.tar.gz nodejs-security-wg && tar -czf cisa-kev.tar.gz cisa-kev &&
  rm -rf nodejs-security-wg cisa-kev)
"$VIGIL" db update --from m --only nodejs-security-wg,cisa-kev --db db > up.log 2>&1 ||
  { bad "db update: $(tail -3 up.log)"; exit 1; }

# ---- images: npm packages (and a secret, EICAR) in small OCI layouts ----
mkdir -p pk
pk() { echo "{\"name\":\"$1\",\"version\":\"$2\"}" > "pk/$1-$2.json"; echo "pk/$1-$2.json=/app/node_modules/$1/package.json"; }
echo "hello $RANDOM" > hello.txt
# the EICAR test string and an AWS key pair, assembled here (never committed)
printf '%s%s\n' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD' '-ANTIVIRUS-TEST-FILE!$H+H*' > eicar.com
key=AKIA$(tr -dc 'A-Z2-7' < /dev/urandom | head -c 16)
sec=$(tr -dc 'A-Za-z0-9' < /dev/urandom | head -c 40)
printf 'AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n' "$key" "$sec" > env.txt
mk() { $PY "$top/tests/fixtures/mkimage.py" "$@" > /dev/null || { bad "mkimage $1"; exit 1; }; }
mk img-clean "hello.txt=/srv/hello.txt,$(pk vgl-crit 2.0.0)"
mk img-crit "$(pk vgl-crit 1.0.0),$(pk vgl-high 1.0.0)"
mk img-warn "$(pk vgl-high 1.0.0),$(pk vgl-nofix 1.0.0)"
mk img-kev "$(pk vgl-kev 1.0.0)"
mk img-malware "eicar.com=/srv/eicar.com"
mk img-secret "env.txt=/app/.env"
echo "signed $RANDOM" > s.txt; mk img-signed "s.txt=/srv/s.txt"
for n in 1 2 3 4; do echo "unknown $n $RANDOM" > "u$n.txt"; mk "img-unk$n" "u$n.txt=/srv/u.txt,$(pk vgl-crit 1.0.0)"; done
echo "unknown 5 $RANDOM" > u5.txt; mk img-unk5 "u5.txt=/srv/u.txt"

# ---- the registry ----
rport=$(freeport)
printf '%s\n' "version: 0.1" "log:" "  level: error" "storage:" "  filesystem:" \
  "    rootdirectory: $tmp/reg" "http:" "  addr: 127.0.0.1:$rport" > reg.yml
docker-registry serve reg.yml > reg.log 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$rport/v2/" > /dev/null 2>&1 && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$rport/v2/" > /dev/null || { bad "registry did not start: $(tail -3 reg.log)"; exit 1; }
R=127.0.0.1:$rport
for n in clean crit warn kev malware secret signed unk1 unk2 unk3 unk4 unk5; do
  skopeo copy -q --dest-tls-verify=false "oci:img-$n:latest" "docker://$R/demo/$n:v1" 2>> skopeo.log ||
    { bad "skopeo push $n: $(tail -2 skopeo.log)"; exit 1; }
done
digest() { skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$R/demo/$1:v1"; }
export COSIGN_PASSWORD; COSIGN_PASSWORD=$(openssl rand -hex 16)
export COSIGN_YES=true
"$COSIGN" generate-key-pair > cosign.log 2>&1 || { bad "cosign generate-key-pair: $(tail -2 cosign.log)"; exit 1; }
"$COSIGN" sign --key cosign.key --tlog-upload=false --allow-http-registry -y \
  "$R/demo/signed@$(digest signed)" >> cosign.log 2>&1 || { bad "cosign sign: $(tail -2 cosign.log)"; exit 1; }

# ---- TLS: a CA and a server certificate for 127.0.0.1 ----
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
  -days 2 -subj /CN=vigil-test-ca 2> /dev/null &&
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem -out srv.csr \
    -subj /CN=vigil.vigil.svc 2> /dev/null &&
  printf 'subjectAltName=IP:127.0.0.1,DNS:vigil.vigil.svc\n' > ext.cnf &&
  openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile ext.cnf -out cert.pem 2> /dev/null || { bad "openssl could not make certificates"; exit 1; }

# ---- servers ----
start() { # start NAME [serve options...]: port in $port, pid in $spid
  local n=$1; shift
  rm -f "$n.port"
  mapfile -t so < <(store "$n")
  "$VIGIL" serve --listen 127.0.0.1:0 --port-file "$n.port" "${so[@]}" --db db \
    --workers 2 --insecure-registry 127.0.0.1 --conn-timeout 5 "$@" 2>> "$n.log" &
  spid=$!; pids+=("$spid")
  for _ in $(seq 1 150); do [ -s "$n.port" ] && break; sleep 0.1; done
  port=$(cat "$n.port" 2> /dev/null)
  [ -n "$port" ] || { bad "server $n did not start: $(tail -3 "$n.log")"; exit 1; }
}
nans=0; ndenied=0
adm() { # adm PORT FILE -> the answer in ans.json, the HTTP status in $code; counts answers
  code=$(curl -s --cacert ca.pem -o ans.json -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "@$2" "https://127.0.0.1:$1/k8s/admission")
  if [ "$code" = 200 ]; then
    nans=$((nans + 1))
    [ "$(jq -r .response.allowed ans.json)" = false ] && ndenied=$((ndenied + 1))
  fi
  return 0
}
api() { # api PORT TOKEN PATH [curl args]
  local p=$1 t=$2 path=$3; shift 3
  curl -s --cacert ca.pem -H "Authorization: Bearer $t" "$@" "https://127.0.0.1:$p$path"
}
wait_job() { # wait_job PORT TOKEN ID: done or failed (bounded)
  local s=""
  for _ in $(seq 1 900); do
    s=$(api "$1" "$2" "/api/v1/scans/$3" | jq -r .status 2> /dev/null)
    [ "$s" = done ] || [ "$s" = failed ] && break
    sleep 0.2
  done
  echo "$s"
}
allowed() { jq -r .response.allowed ans.json; }
message() { jq -r '.response.status.message // ""' ans.json; }

# 0. plain HTTP is refused with a clear error
start plain
review --container app=$R/demo/clean:v1 > r-clean.json
pc=$(curl -s -o plain.json -w '%{http_code}' --data-binary @r-clean.json "http://127.0.0.1:$port/k8s/admission")
if [ "$pc" = 403 ] && jq -r .error.message plain.json | grep -q 'needs TLS'; then
  pass "plain HTTP: 403 \"$(jq -r .error.message plain.json | cut -c1-60)...\""
else bad "plain HTTP answered $pc: $(head -c 200 plain.json)"; fi
kill "$spid" 2> /dev/null

# server A: the defaults (no admission policy), TLS
mapfile -t so < <(store a)
ATOK=$("$VIGIL" serve token add ops --scopes admin "${so[@]}") || { bad "token add"; exit 1; }
start a --tls-cert cert.pem --tls-key key.pem
pa=$port
ids=()
for n in clean crit warn kev malware secret signed; do
  id=$(api "$pa" "$ATOK" /api/v1/scans -X POST -d "{\"image\":\"$R/demo/$n:v1\"}" | jq -r .id)
  ids+=("$id")
done
ok=1
for id in "${ids[@]}"; do s=$(wait_job "$pa" "$ATOK" "$id"); [ "$s" = done ] || { ok=0; echo "  job $id: $s $(api "$pa" "$ATOK" "/api/v1/scans/$id" | jq -r .error)"; }; done
[ $ok = 1 ] || { bad "pre-scans of the known images failed"; exit 1; }

# 1. a pod with an image that has a critical fixable vulnerability is denied, naming it
review --uid 7d0c5a3e-1b2c-4d5e-8f90-aaaaaaaaaaa1 --container app=$R/demo/crit:v1 > r-crit.json
adm "$pa" r-crit.json
if [ "$code" = 200 ] && [ "$(allowed)" = false ] &&
   [ "$(jq -r .response.uid ans.json)" = 7d0c5a3e-1b2c-4d5e-8f90-aaaaaaaaaaa1 ] &&
   [ "$(jq -r '.apiVersion + " " + .kind' ans.json)" = "admission.k8s.io/v1 AdmissionReview" ] &&
   [ "$(jq -r .response.status.code ans.json)" = 403 ] &&
   message | grep -q "container app (image $R/demo/crit:v1): vulnerability: 1 fixable vulnerability at or above CRITICAL: CVE-2099-1001 in vgl-crit 1.0.0 (fixed in 2.0.0)" &&
   ! message | grep -q CVE-2099-1002 && jq -r '.response.warnings[]' ans.json | grep -q CVE-2099-1002; then
  pass "critical fixable vulnerability: denied, uid copied, \"$(message)\"; the HIGH one is a warning"
else bad "critical pod: $code $(head -c 600 ans.json)"; fi

# 2. a clean pod is allowed
adm "$pa" r-clean.json
if [ "$code" = 200 ] && [ "$(allowed)" = true ] && [ "$(jq -r '.response.status' ans.json)" = null ]; then
  pass "clean pod: allowed (warnings: $(jq -c '.response.warnings // []' ans.json | cut -c1-150))"
else bad "clean pod: $code $(head -c 600 ans.json)"; fi

# 3. a privileged pod (clean image) is denied by the Kubernetes checks
review --container app=$R/demo/clean:v1 --privileged app > r-priv.json
adm "$pa" r-priv.json
if [ "$(allowed)" = false ] && message | grep -q 'VGL-K8S-001: Privileged container' &&
   ! message | grep -q 'image .*clean'; then
  pass "privileged pod: denied \"$(message | cut -c1-120)\""
else bad "privileged pod: $code $(head -c 600 ans.json)"; fi
review --container app=$R/demo/clean:v1 --host-path > r-host.json
adm "$pa" r-host.json
[ "$(allowed)" = false ] && message | grep -q 'VGL-K8S' && pass "hostPath docker.sock pod: denied \"$(message | cut -c1-120)\"" ||
  bad "hostPath pod: $(head -c 400 ans.json)"

# 4. a Deployment with three failing containers gets one reason per container
review --kind Deployment --name shop --container web=$R/demo/crit:v1 \
  --container exporter=$R/demo/kev:v1 --container sidecar=$R/demo/malware:v1 > r-dep3.json
adm "$pa" r-dep3.json
nreasons=$(message | tr ';' '\n' | grep -c 'container ')
if [ "$(allowed)" = false ] && [ "$nreasons" = 3 ] &&
   message | grep -q 'container web (image [^)]*crit:v1): vulnerability: .*CVE-2099-1001' &&
   message | grep -q 'container exporter (image [^)]*kev:v1): kev: known exploited (CISA KEV): CVE-2099-1003' &&
   message | grep -q 'container sidecar (image [^)]*malware:v1): malware: '; then
  pass "Deployment with 3 failing containers: 3 reasons, one per container"
else bad "Deployment x3: $nreasons reasons: $(message)"; fi
# a secret is a reason of its own
review --container app=$R/demo/secret:v1 > r-secret.json
adm "$pa" r-secret.json
if [ "$(allowed)" = false ] && message | grep -q 'secret: [0-9]* secrets*: .*aws-access-key-id at /app/.env' && ! grep -q "$sec" ans.json && ! grep -q "$key" ans.json; then
  pass "image with an AWS key: denied \"$(message | cut -c1-140)\" (the key is never shown)"
else bad "secret image: $(head -c 500 ans.json)"; fi

# 5. only non-blocking findings: allowed with warnings
review --container app=$R/demo/warn:v1 > r-warn.json
adm "$pa" r-warn.json
if [ "$(allowed)" = true ] && jq -r '.response.warnings[]' ans.json | grep -q 'CVE-2099-1002' &&
   jq -r '.response.warnings[]' ans.json | grep -q 'CVE-2099-1004'; then
  pass "HIGH fixable and CRITICAL unfixed only: allowed with warnings"
else bad "warn image: $(head -c 500 ans.json)"; fi

# 6. every workload kind, init and ephemeral containers
ok=1
for k in Deployment StatefulSet DaemonSet ReplicaSet ReplicationController Job CronJob; do
  review --kind "$k" --name "w-$k" --container ok=$R/demo/clean:v1 --init setup=$R/demo/crit:v1 > r-k.json
  adm "$pa" r-k.json
  [ "$(allowed)" = false ] && message | grep -q 'container setup (image' || { ok=0; echo "  $k: $(head -c 300 ans.json)"; }
done
review --kind Pod --op UPDATE --name dbg --container ok=$R/demo/clean:v1 --ephemeral debug=$R/demo/crit:v1 > r-eph.json
adm "$pa" r-eph.json
[ "$(allowed)" = false ] && message | grep -q 'container debug (image' || { ok=0; echo "  ephemeral: $(head -c 300 ans.json)"; }
[ $ok = 1 ] && pass "Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob (init containers) and ephemeral containers: the failing container named" ||
  bad "workload kinds"

# 6b. UPDATE is judged on what it changes (request.oldObject): removing a bad image is
# allowed, keeping one is not judged again, bringing one in is denied; a Kubernetes finding
# the old object had too only warns, a new one denies
review --kind Deployment --name up --op UPDATE --container web=$R/demo/clean:v1 \
  --old-container web=$R/demo/crit:v1 > r-up1.json; adm "$pa" r-up1.json; u1=$(allowed)
review --kind Deployment --name up --op UPDATE --container web=$R/demo/crit:v1 --container side=$R/demo/clean:v1 \
  --old-container web=$R/demo/crit:v1 > r-up2.json; adm "$pa" r-up2.json; u2=$(allowed)
up2img=$(api "$pa" "$ATOK" "/api/v1/admissions?limit=1" | jq -c '[.admissions[0].images[] | .status]')
review --kind Deployment --name up --op UPDATE --container web=$R/demo/crit:v1 \
  --old-container web=$R/demo/clean:v1 > r-up3.json; adm "$pa" r-up3.json; u3=$(allowed); m3=$(message)
review --kind Deployment --name up --op UPDATE --container web=$R/demo/clean:v1 --privileged web \
  --old-container web=$R/demo/clean:v1 --old-privileged web > r-up4.json; adm "$pa" r-up4.json; u4=$(allowed)
w4=$(jq -r '.response.warnings // [] | join(" | ")' ans.json)
review --kind Deployment --name up --op UPDATE --container web=$R/demo/clean:v1 --privileged web \
  --old-container web=$R/demo/clean:v1 > r-up5.json; adm "$pa" r-up5.json; u5=$(allowed); m5=$(message)
if [ "$u1 $u2 $u3 $u4 $u5" = "true true false true false" ] && [ "$up2img" = '["unchanged","scanned"]' ] &&
   echo "$m3" | grep -q 'container web (image [^)]*crit:v1): vulnerability: .*CVE-2099-1001' &&
   echo "$w4" | grep -q 'VGL-K8S-001 .*(unchanged by this update)' && echo "$m5" | grep -q 'VGL-K8S-001: Privileged container'; then
  pass "UPDATE with oldObject: bad image removed allowed, kept bad image not judged again (statuses $up2img), bad image brought in denied, privileged kept warns, privileged added denied"
else bad "UPDATE/oldObject: $u1 $u2 $u3 $u4 $u5 images $up2img; m3 '$m3'; w4 '$w4'; m5 '$m5'"; fi

# 7. other kinds and operations pass untouched; excluded namespaces are not judged
review --kind ConfigMap --container x=$R/demo/crit:v1 > r-cm.json; adm "$pa" r-cm.json; a1=$(allowed)
review --kind Pod --op DELETE --name gone --container app=$R/demo/crit:v1 > r-del.json; adm "$pa" r-del.json; a2=$(allowed)
review --ns kube-system --container app=$R/demo/crit:v1 > r-ks.json; adm "$pa" r-ks.json; a3=$(allowed)
[ "$a1 $a2 $a3" = "true true true" ] && pass "ConfigMap, DELETE and namespace kube-system (excluded by default): allowed" ||
  bad "ConfigMap/DELETE/kube-system: $a1 $a2 $a3"

# 8. dry-run never scans: an unknown image gets the unknown action, and no job is queued
jobs_before=$(api "$pa" "$ATOK" /metrics | awk '/^vigil_jobs\{|^vigil_queue_depth|^vigil_jobs_running/ {s+=$2} END {print s}')
review --dry-run --container app=$R/demo/unk1:v1 > r-dry.json
adm "$pa" r-dry.json
sleep 1
jobs_after=$(api "$pa" "$ATOK" /metrics | awk '/^vigil_jobs\{|^vigil_queue_depth|^vigil_jobs_running/ {s+=$2} END {print s}')
if [ "$(allowed)" = false ] && message | grep -q 'never scanned (dry run: no scan started)' &&
   [ "$jobs_before" = "$jobs_after" ]; then
  pass "dry-run with an unknown image: denied by the unknown action, no scan queued (jobs $jobs_before -> $jobs_after)"
else bad "dry-run: jobs $jobs_before -> $jobs_after $(head -c 400 ans.json)"; fi

# 9. malformed reviews: 400 with a reason; wrong method 405
echo '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}' > r-bad1.json
echo '{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"x"}}' > r-bad2.json
printf '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","kind":{"kind":"Pod"},"operation":"CREATE","object":{"spec":{"containers":"nope"}}}}' > r-bad3.json
ok=1
for f in r-bad1.json r-bad2.json r-bad3.json; do adm "$pa" $f; [ "$code" = 400 ] && [ -n "$(jq -r .error.message ans.json)" ] || { ok=0; echo "  $f: $code"; }; done
gc=$(curl -s -o /dev/null -w '%{http_code}' --cacert ca.pem "https://127.0.0.1:$pa/k8s/admission")
[ $ok = 1 ] && [ "$gc" = 405 ] && pass "malformed AdmissionReviews: 400 with the reason; GET: 405" || bad "malformed reviews (GET $gc)"

# 10. the audit trail: every decision in GET /api/v1/admissions and in the log
aud=$(api "$pa" "$ATOK" "/api/v1/admissions?limit=500")
nd=$(echo "$aud" | jq '.admissions | length')
nden=$(api "$pa" "$ATOK" "/api/v1/admissions?allowed=false&limit=500" | jq '.admissions | length')
nlog=$(grep -c '"msg":"admission"' a.log)
first=$(echo "$aud" | jq -c '.admissions[] | select(.uid == "7d0c5a3e-1b2c-4d5e-8f90-aaaaaaaaaaa1") | [.allowed, .namespace, .kind, (.reasons | length), .images[0].status]')
rc=$(curl -s -o /dev/null -w '%{http_code}' --cacert ca.pem "https://127.0.0.1:$pa/api/v1/admissions")
if [ "$nd" = "$nans" ] && [ "$nlog" = "$nans" ] && [ "$nden" = "$ndenied" ] && [ "$nd" -gt 15 ] && [ "$first" = '[false,"shop","Pod",1,"scanned"]' ] && [ "$rc" = 401 ]; then
  pass "audit: $nd decisions in GET /api/v1/admissions ($nden denied) and in the log; the API needs a token"
else bad "audit: $nd decisions, $nlog log lines, $nden denied, first $first, no token $rc"; fi

# 11. unknown image scanned within the budget (the policy's scan_budget_ms, here 60 s)
cat > pol-b.yaml <<EOF
admission:
  scan_budget_ms: 60000
EOF
kill "$spid"; wait "$spid" 2> /dev/null
start a --tls-cert cert.pem --tls-key key.pem --admission-policy pol-b.yaml
pa=$port
review --kind Deployment --name fresh --container a=$R/demo/unk2:v1 --container b=$R/demo/unk5:v1 > r-unk2.json
adm "$pa" r-unk2.json
if [ "$(allowed)" = false ] && message | grep -q 'container a (image [^)]*unk2:v1): vulnerability: .*CVE-2099-1001' &&
   ! message | grep -q 'container b' &&
   api "$pa" "$ATOK" "/api/v1/admissions?limit=1" | jq -e '[.admissions[0].images[].status] == ["scanned","scanned"]' > /dev/null; then
  pass "two unknown images within the budget: both scanned during the request, then judged: \"$(message | cut -c1-100)\""
else bad "unknown within budget: $(head -c 500 ans.json)"; fi

# 12. past the budget: the unknown action (deny here, warn in the next policy); the scan
# goes on and a later review is judged on its findings
cat > pol-c.yaml <<EOF
admission:
  scan_budget_ms: 0
  unknown: deny
  exclude_namespaces: [kube-system, vigil-*]
EOF
kill "$spid"; wait "$spid" 2> /dev/null
start a --tls-cert cert.pem --tls-key key.pem --admission-policy pol-c.yaml
pa=$port
review --container app=$R/demo/unk3:v1 > r-unk3.json
adm "$pa" r-unk3.json
m1=$(message)
d3=$(digest unk3)
for _ in $(seq 1 300); do
  api "$pa" "$ATOK" "/api/v1/images/$d3" -o /dev/null -w '%{http_code}' | grep -q 200 && break; sleep 0.2
done
adm "$pa" r-unk3.json
if echo "$m1" | grep -q "unknown: $d3 not scanned within 0 ms (scan job [0-9]* queued)" &&
   [ "$(allowed)" = false ] && message | grep -q CVE-2099-1001; then
  pass "unknown image past the budget: \"$(echo "$m1" | cut -c1-140)\"; once scanned, judged on its findings"
else bad "past budget: first '$m1' then $(head -c 400 ans.json)"; fi
review --ns vigil-system --container app=$R/demo/crit:v1 > r-vs.json; adm "$pa" r-vs.json
[ "$(allowed)" = true ] && pass "exclude_namespaces globs (vigil-*): allowed" || bad "namespace glob: $(head -c 300 ans.json)"

# 13. required signature, allowed registries, digest, warn on unknown (server B: a policy in JSON)
cat > pol-d.json <<EOF
{"admission": {"unknown": "warn", "scan_budget_ms": 0, "severity": "HIGH", "kubernetes": "CRITICAL"},
 "trust": {"require_signature": ["cosign.pub"], "allowed_registries": ["$R"]}}
EOF
kill "$spid"; wait "$spid" 2> /dev/null
start a --tls-cert cert.pem --tls-key key.pem --admission-policy pol-d.json
pa=$port
review --container app=$R/demo/signed:v1 > r-signed.json; adm "$pa" r-signed.json; s1=$(allowed); m_s=$(message)
adm "$pa" r-clean.json; s2=$(allowed); m_c=$(message)
if [ "$s1" = true ] && [ "$s2" = false ] && echo "$m_c" | grep -q 'VGL-TRUST-001: no valid cosign signature by key sha256:'; then
  pass "key required: the signed image is allowed, the unsigned one denied \"$(echo "$m_c" | cut -c1-140)\""
else bad "signature: signed $s1 '$m_s', unsigned $s2 '$m_c'"; fi
review --container app=quay.io/acme/app:v1 > r-reg.json; adm "$pa" r-reg.json
[ "$(allowed)" = false ] && message | grep -q 'VGL-TRUST-002' && pass "registry not allowed: denied \"$(message | cut -c1-120)\"" ||
  bad "allowed registries: $(head -c 300 ans.json)"
review --container app=$R/demo/warn:v1 > r-warn.json; adm "$pa" r-warn.json
[ "$(allowed)" = false ] && message | grep -q 'at or above HIGH: CVE-2099-1002' && pass "severity: HIGH in the policy denies the HIGH fixable one" ||
  bad "severity HIGH: $(head -c 300 ans.json)"
review --container app=$R/demo/unk4:v1 > r-unk4.json; adm "$pa" r-unk4.json
[ "$(allowed)" = true ] && jq -r '.response.warnings[]' ans.json | grep -q 'unknown: .*not scanned within 0 ms' &&
  pass "unknown: warn: allowed with the warning \"$(jq -r '.response.warnings[0]' ans.json | cut -c1-100)\"" ||
  bad "unknown warn: $(head -c 300 ans.json)"
echo '{"admission": {"severity": "SEVERE"}}' > pol-bad.json
mapfile -t so < <(store bad)
"$VIGIL" serve --listen 127.0.0.1:0 "${so[@]}" --db db --admission-policy pol-bad.json 2> bad.err &
bpid=$!; pids+=("$bpid")
for _ in $(seq 1 50); do kill -0 "$bpid" 2> /dev/null || break; sleep 0.1; done
wait "$bpid"; brc=$?
grep -q 'pol-bad.json:1: bad value for admission.severity' bad.err && [ "$brc" = 2 ] &&
  pass "a bad policy stops the server: $(head -1 bad.err | cut -c1-120)" || bad "bad policy: rc $brc $(cat bad.err)"

# 13b. digest required, fixable_only false, an ignore rule (server E: a YAML policy)
printf '%s\n' "admission:" "  fixable_only: false" "ignore:" "  - id: CVE-2099-1001" \
  "    reason: accepted for this test" "trust:" "  require_digest: true" > pol-e.yaml
kill "$spid"; wait "$spid" 2> /dev/null
start a --tls-cert cert.pem --tls-key key.pem --admission-policy pol-e.yaml
pa=$port
review --container app=$R/demo/clean:v1 > r-tag.json; adm "$pa" r-tag.json; e1=$(allowed); m1=$(message)
review --container app=$R/demo/crit@$(digest crit) > r-dig.json; adm "$pa" r-dig.json; e2=$(allowed); w2=$(jq -r '.response.warnings // [] | join(" ")' ans.json)
review --container app=$R/demo/warn@$(digest warn) > r-nofix.json; adm "$pa" r-nofix.json; e3=$(allowed); m3=$(message)
if [ "$e1" = false ] && echo "$m1" | grep -q 'VGL-TRUST-004' && [ "$e2" = true ] && ! echo "$w2" | grep -q CVE-2099-1001 &&
   [ "$e3" = false ] && echo "$m3" | grep -q 'CVE-2099-1004 in vgl-nofix 1.0.0 (no fix)'; then
  pass "require_digest denies a tag (\"$(echo "$m1" | cut -c1-90)...\"), an ignore rule lifts CVE-2099-1001, fixable_only: false denies the unfixed CRITICAL"
else bad "digest/ignore/fixable: tag $e1 '$m1'; ignored $e2 '$w2'; unfixed $e3 '$m3'"; fi

# 14. vigil admission-config
"$VIGIL" admission-config --service vigil/vigil-serve --ca-file ca.pem --failure-policy Ignore --timeout 5 > vwc.yaml 2> vwc.err
if $PY - vwc.yaml ca.pem <<'EOF'
import base64, sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
w = d["webhooks"][0]
assert d["apiVersion"] == "admissionregistration.k8s.io/v1" and d["kind"] == "ValidatingWebhookConfiguration"
assert w["sideEffects"] == "None" and w["failurePolicy"] == "Ignore" and w["timeoutSeconds"] == 5
assert w["admissionReviewVersions"] == ["v1"]
assert w["clientConfig"]["service"] == {"namespace": "vigil", "name": "vigil-serve", "path": "/k8s/admission", "port": 443}
assert base64.b64decode(w["clientConfig"]["caBundle"]) == open(sys.argv[2], "rb").read()
e = w["namespaceSelector"]["matchExpressions"][0]
assert e["key"] == "kubernetes.io/metadata.name" and e["operator"] == "NotIn" and set(e["values"]) == {"kube-system", "vigil"}
res = {r for rule in w["rules"] for r in rule["resources"]}
assert {"pods", "deployments", "statefulsets", "daemonsets", "replicasets", "jobs", "cronjobs"} <= res
EOF
then pass "admission-config: a ValidatingWebhookConfiguration with caBundle, namespaceSelector, failurePolicy, timeoutSeconds, sideEffects: None"
else bad "admission-config: $(cat vwc.yaml vwc.err | head -20)"; fi
"$VIGIL" admission-config --service NotADns/x > /dev/null 2>&1; [ $? = 2 ] && pass "admission-config: a bad --service exits 2" || bad "admission-config bad service"

# 14b. client-certificate authentication of the API server (--admission-client-ca): a
# client CA and a client certificate (extendedKeyUsage clientAuth) made here, and one from
# another CA; POST /k8s/admission without a valid certificate is refused, the token API is not
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout cca.key -out cca.pem \
  -days 2 -subj /CN=vigil-test-client-ca 2> /dev/null &&
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout oca.key -out oca.pem \
    -days 2 -subj /CN=some-other-ca 2> /dev/null &&
  printf 'extendedKeyUsage=clientAuth\n' > cext.cnf &&
  for c in apiserver:cca other:oca; do
    n=${c%%:*}; ca=${c#*:}
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$n.key" -out "$n.csr" \
      -subj "/CN=kube-apiserver-$n" 2> /dev/null &&
      openssl x509 -req -in "$n.csr" -CA "$ca.pem" -CAkey "$ca.key" -CAcreateserial -days 2 \
        -extfile cext.cnf -out "$n.pem" 2> /dev/null || exit 1
  done || { bad "openssl could not make client certificates"; exit 1; }
kill "$spid"; wait "$spid" 2> /dev/null
start a --tls-cert cert.pem --tls-key key.pem --admission-client-ca cca.pem
pa=$port
ccurl() { curl -s --cacert ca.pem -o ans.json -w '%{http_code}' -H 'Content-Type: application/json' \
  --data-binary @r-crit.json "$@" "https://127.0.0.1:$pa/k8s/admission"; }
c1=$(ccurl); e1=$(jq -r .error.message ans.json)
c2=$(ccurl --cert other.pem --key other.key); e2=$(jq -r .error.message ans.json)
c3=$(ccurl --cert apiserver.pem --key apiserver.key); d3=$(allowed)
c4=$(api "$pa" "$ATOK" /api/v1/admissions?limit=1 -o /dev/null -w '%{http_code}')
if [ "$c1" = 401 ] && echo "$e1" | grep -q 'client certificate .*no client certificate was presented' &&
   [ "$c2" = 401 ] && echo "$e2" | grep -qi 'not trusted\|signer' &&
   [ "$c3" = 200 ] && [ "$d3" = false ] && [ "$c4" = 200 ]; then
  pass "--admission-client-ca: no certificate 401 (\"$(echo "$e1" | cut -c1-110)\"), another CA's 401 (\"$(echo "$e2" | cut -c86-170)\"), the API server's 200 and judged; the token API needs no certificate"
else bad "client certificates: none $c1 '$e1'; other CA $c2 '$e2'; signed $c3 $d3; API $c4"; fi
mapfile -t so < <(store cc)
"$VIGIL" serve --listen 127.0.0.1:0 "${so[@]}" --db db --admission-client-ca cca.pem > /dev/null 2> cc.err
ccrc=$?
[ "$ccrc" != 0 ] && grep -q 'admission-client-ca cca.pem needs --tls-cert' cc.err &&
  pass "--admission-client-ca without TLS stops the server: $(grep -m1 'error' cc.err | cut -c1-100)" ||
  bad "client CA without TLS: rc $ccrc $(cat cc.err)"

# 14c. the audit trail's writer loses no decision: a slow writer (each batch waits 10 min
# unless the server stops) and a queue of 3, so 3 decisions wait in the queue and the rest
# are written by their requests; SIGTERM writes the queued ones, and a restarted server
# lists all of them (reviews in kube-system: decided at once, audited all the same)
kill "$spid"; wait "$spid" 2> /dev/null
mapfile -t so < <(store w)
WTOK=$("$VIGIL" serve token add ops --scopes admin "${so[@]}") || { bad "token add w"; exit 1; }
VIGIL_ADM_AUDIT_QUEUE=3 VIGIL_ADM_AUDIT_DELAY_MS=600000 start w --tls-cert cert.pem --tls-key key.pem
pw=$port
for i in 1 2 3 4 5 6 7 8; do review --uid "00000000-0000-4000-8000-00000000000$i" --ns kube-system --container app=$R/demo/clean:v1 > r-w.json; adm "$pw" r-w.json; done
kill "$spid"; wait "$spid" 2> /dev/null
stopline=$(grep '"msg":"admission audit: stopped' w.log | tail -1)
start w --tls-cert cert.pem --tls-key key.pem
pw=$port
nw=$(api "$pw" "$WTOK" "/api/v1/admissions?limit=50" | jq '[.admissions[].uid | select(startswith("00000000-0000-4000-8000-0000000000"))] | unique | length')
wq=$(echo "$stopline" | jq -r .rows); ws=$(echo "$stopline" | jq -r .written_by_requests)
if [ "$nw" = 8 ] && [ "$wq" = 3 ] && [ "$ws" = 5 ]; then
  pass "audit writer: 8 decisions with a queue of 3 and a stalled writer: 5 written by their requests, 3 written at SIGTERM, all 8 listed after a restart"
else bad "audit writer: $nw of 8 listed after restart; stop line: $stopline"; fi
kill "$spid"; wait "$spid" 2> /dev/null

# 15. the TLS set-up: TLS 1.2 and 1.3 only; an OpenSSL client (whose own order puts
# AES-256-GCM first) gets TLS_AES_128_GCM_SHA256 (the server's choice: SHA-256 handshake
# hashing) over X25519 in one round trip (no HelloRetryRequest: the key share the client
# sent is taken)
kill "$spid"; wait "$spid" 2> /dev/null
start a --tls-cert cert.pem --tls-key key.pem
pa=$port
openssl s_client -connect "127.0.0.1:$pa" -CAfile ca.pem -msg < /dev/null > tls13.txt 2>&1
openssl s_client -connect "127.0.0.1:$pa" -CAfile ca.pem -tls1_2 < /dev/null > tls12.txt 2>&1
openssl s_client -connect "127.0.0.1:$pa" -CAfile ca.pem -tls1_1 -cipher 'DEFAULT@SECLEVEL=0' < /dev/null > tls11.txt 2>&1
nsh=$(grep -c 'Handshake .*ServerHello' tls13.txt)
if grep -q 'Cipher is TLS_AES_128_GCM_SHA256' tls13.txt && grep -q 'Server Temp Key: X25519' tls13.txt &&
   [ "$nsh" = 1 ] && grep -q 'Verify return code: 0' tls13.txt &&
   grep -q 'TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256' tls12.txt &&
   ! grep -q 'Cipher is [A-Z]' tls11.txt; then
  pass "TLS: 1.3 $(grep -o 'Cipher is [A-Z0-9_]*' tls13.txt | cut -d' ' -f3) over X25519, one ServerHello; 1.2 $(grep -o 'Cipher is [A-Z0-9-]*' tls12.txt | cut -d' ' -f3); 1.1 refused"
else bad "TLS: ServerHellos $nsh; 1.3: $(grep -E 'Cipher is|Temp Key' tls13.txt | tr '\n' ' '); 1.2: $(grep 'Cipher is' tls12.txt); 1.1: $(grep 'Cipher is' tls11.txt)"; fi

# 16. the audit writer stores a lone decision by itself: no reader flushing (no GET
# /api/v1/admissions), no SIGTERM; the row shows up in the store (read directly) within a
# bounded wait, so the writer was woken by the decision and its linger ended
review --uid 7d0c5a3e-1b2c-4d5e-8f90-aaaaaaaaa1e1 --container app=$R/demo/clean:v1 > r-lone.json
adm "$pa" r-lone.json
sql() { # sql QUERY: one value from server a's store
  if [ -n "${VIGIL_TEST_STORE:-}" ]; then
    psql "$VIGIL_TEST_STORE" -qAtX -c "SET search_path = adm_a; $1" | tail -1
  else sqlite3 a.data/store.db "$1"; fi
}
lone=0
for _ in $(seq 1 100); do
  [ "$(sql "SELECT count(*) FROM admissions WHERE uid = '7d0c5a3e-1b2c-4d5e-8f90-aaaaaaaaa1e1'" 2> /dev/null)" = 1 ] && { lone=1; break; }
  sleep 0.1
done
if [ "$code" = 200 ] && [ $lone = 1 ]; then
  pass "audit writer: a lone decision is in the store without a reader's flush or a stop"
else bad "audit writer: the lone decision ($code) is not in the store after 10 s"; fi

# 17. load: 500 reviews of known images at 50 concurrent connections (p99 recorded)
logmark=$(wc -l < a.log)
review --kind Deployment --name load --container web=$R/demo/crit:v1 --container side=$R/demo/clean:v1 > r-load1.json
review --container app=$R/demo/clean:v1 > r-load2.json
# two load clients: tests/admission/loadclient.c (libcurl + OpenSSL, one thread for all
# connections) and tests/admission/loadclient.go (Go crypto/tls and net/http, a goroutine
# per connection: the Kubernetes API server's own stack); each once cold (its 50
# connections and TLS handshakes inside the timed run) and once warm (connections opened
# first, as the API server keeps them)
cc -std=c11 -D_GNU_SOURCE -O2 -pthread -o loadclient "$top/tests/admission/loadclient.c" -lcurl -ljansson 2> cc.log ||
  { bad "cannot build the load client: $(head -3 cc.log)"; exit 1; }
# warm the caches (tag -> digest) as a running cluster would have them
./loadclient "https://127.0.0.1:$pa/k8s/admission" ca.pem 2 1 r-load1.json:false r-load2.json:true > /dev/null 2>&1
./loadclient "https://127.0.0.1:$pa/k8s/admission" ca.pem 500 50 r-load1.json:false r-load2.json:true > load.txt 2> load.err
LOADCLIENT_WARM=1 ./loadclient "https://127.0.0.1:$pa/k8s/admission" ca.pem 500 50 r-load1.json:false r-load2.json:true > load-warm.txt 2>> load.err
goload=""
if command -v go > /dev/null; then
  # its own build cache in the test folder (2 s: the standard library comes built with Go)
  if GOCACHE="$tmp/go-build" go build -o loadclient-go "$top/tests/admission/loadclient.go" > go.log 2>&1; then
    ./loadclient-go "https://127.0.0.1:$pa/k8s/admission" ca.pem 500 50 r-load1.json:false r-load2.json:true > load-go.txt 2>> load.err
    LOADCLIENT_WARM=1 ./loadclient-go "https://127.0.0.1:$pa/k8s/admission" ca.pem 500 50 r-load1.json:false r-load2.json:true > load-go-warm.txt 2>> load.err
    goload=built
  else bad "cannot build the Go load client: $(head -3 go.log)"; fi
elif [ "${CI:-}" = true ]; then bad "go is not installed (make deps): the Go load client cannot run"
else echo "SKIP: admission: the Go load client: go is not installed (make deps)"; fi
# the server's own time per review (its request log), beside the client's
srvms=$(tail -n +"$((logmark + 1))" a.log | jq -r 'select(.msg == "request" and .path == "/k8s/admission") | .ms' |
  sort -n | awk '{v[NR]=$1} END {i=int(NR*0.99); if (i<1) i=1; printf "server_n=%d server_p50_ms=%.1f server_p99_ms=%.1f", NR, v[int(NR/2)], v[i]}')
kill "$spid" 2> /dev/null; wait "$spid" 2> /dev/null
aw=$(grep '"msg":"admission audit: stopped' a.log | tail -1 |
  jq -r '"audit writer: \(.rows) rows in \(.transactions) transactions, \(.written_by_requests) written by requests"')
# 0 errors; cold: at least the 50 handshakes inside the run; warm: (almost) none. A client
# reconnects by itself when the server closed a kept-alive connection as it was reused
# (seen once in the Go client's cold run under load: 51), so a few extra are allowed.
loadok() { # loadok FILE cold|warm CLIENT: the summary line says 500 reviews, 0 errors, ...
  awk -v m="$2" -v c="$3" '
    /^requests=500 errors=0 / && index($0, " client=" c) {
      match($0, / connects=[0-9]+ /); n = substr($0, RSTART + 10, RLENGTH - 11) + 0
      if ((m == "cold" && n >= 50 && n <= 55) || (m == "warm" && n <= 5)) ok = 1 }
    END { exit !ok }' "$1"
}
if loadok load.txt cold multi && loadok load-warm.txt warm multi; then
  pass "load (libcurl client): 500 reviews (a 2-container Deployment and a Pod), 50 connections: cold $(cat load.txt); warm $(cat load-warm.txt); $srvms; $aw; load average $(cut -d' ' -f1-3 /proc/loadavg)"
else bad "load: $(cat load.txt) / $(cat load-warm.txt) $(tail -3 load.err)"; fi
if [ "$goload" = built ]; then
  if loadok load-go.txt cold go && loadok load-go-warm.txt warm go &&
     grep -q 'client=go (connections opened before)$' load-go-warm.txt; then
    pass "load (Go client): cold $(cat load-go.txt); warm $(cat load-go-warm.txt); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  else bad "load (Go client): $(cat load-go.txt) / $(cat load-go-warm.txt) $(tail -3 load.err)"; fi
fi

# every server stopped cleanly (SIGTERM): no sanitizer report in any server log
if grep -l 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' ./*.log > san.txt 2> /dev/null; then
  bad "sanitizer reports in $(tr '\n' ' ' < san.txt): $(grep -h -m2 'ERROR\|runtime error' $(cat san.txt) | head -2)"
else pass "servers stopped cleanly, no sanitizer report in their logs"; fi
exit $fail
