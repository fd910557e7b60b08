#!/usr/bin/env bash
# The web dashboard end to end: `vigil serve` on 127.0.0.1 (free port, temporary --data)
# with four scanned fixture images (Alpine 3.16 and 3.12, Debian bullseye, the secret
# image), one failed registry scan and a database update that changes the Debian image;
# the feeds are written by mirror.sh at run time. Checks the static files' headers, the
# dashboard's API against the stored reports, then drives headless Chromium with
# Selenium (browser.py): login, pages, numbers against the API, no console error.
# Screenshots: $VIGIL_TEST_OUT/dashboard-<build>/ (default build/test-artefacts).
# VIGIL_TEST_STORE=postgresql://... runs the same suite against a PostgreSQL store (as
# tests/postgres/test_postgres.sh does); the default is SQLite under a temporary --data.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
fail=0
pass() { echo "PASS: dashboard: $1"; }
bad() { echo "FAIL: dashboard: $1"; fail=1; }
missing() {
  if [ "${CI:-}" = true ]; then echo "FAIL: dashboard: $1 not installed"; exit 1; fi
  echo "SKIP: dashboard: $1 not installed"; exit 0
}
for t in curl jq python3; do command -v $t > /dev/null || missing $t; done
build=build; case $VIGIL in *build-asan*) build=build-asan ;; esac
out=${VIGIL_TEST_OUT:-$top/build/test-artefacts}/dashboard-$build
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2> /dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT

G=$("$top/tests/fixtures/make-golden-alpine.sh" 2> "$tmp/fx.err") &&
  D=$("$top/tests/fixtures/make-golden-debian.sh" 2> "$tmp/fx.err") &&
  S=$("$top/tests/fixtures/make-secret-image.sh" 2> "$tmp/fx.err") ||
  { bad "fixture build failed: $(tail -3 "$tmp/fx.err")"; exit 1; }
imgs=$tmp/images; mkdir -p "$imgs"
cp -r "$G/oci-3.16.9" "$G/oci-3.12.12" "$imgs/"
cp -al "$D/oci" "$imgs/debian" 2> /dev/null || cp -r "$D/oci" "$imgs/debian"
cp -r "$S/oci" "$imgs/secret"
"$top/tests/dashboard/mirror.sh" "$tmp/m1" && "$top/tests/dashboard/mirror.sh" "$tmp/m2" extra ||
  { bad "mirror"; exit 1; }
"$VIGIL" db update --from "$tmp/m1" --only debian-security-tracker,alpine-secdb,cisa-kev \
  --db "$tmp/db" > "$tmp/up" 2>&1 || { bad "db update failed: $(tail -3 "$tmp/up")"; exit 1; }

data=$tmp/data
store=(--data "$data")
if [ -n "${VIGIL_TEST_STORE:-}" ]; then store=(--store "$VIGIL_TEST_STORE"); echo "  (store: PostgreSQL)"; fi
ADMIN=$("$VIGIL" serve token add ops --scopes admin "${store[@]}") || { bad "token add"; exit 1; }
READ=$("$VIGIL" serve token add viewer --scopes read "${store[@]}")
rm -f "$tmp/port"
"$VIGIL" serve --listen 127.0.0.1:0 --port-file "$tmp/port" "${store[@]}" --db "$tmp/db" \
  --db-from "$tmp/m2" --images-dir "$imgs" --workers 2 --insecure-registry 127.0.0.1 \
  2> "$tmp/log" &
spid=$!
pids+=($spid)
for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port" 2> /dev/null)
[ -n "$port" ] || { bad "server did not start: $(tail -3 "$tmp/log")"; exit 1; }
base=http://127.0.0.1:$port
api() { # api TOKEN METHOD PATH [curl args] -> body; status in $tmp/code
  local t=$1 m=$2 p=$3; shift 3
  curl -s -m 30 -o "$tmp/resp" -w '%{http_code}' -X "$m" ${t:+-H "Authorization: Bearer $t"} \
    "$@" "$base$p" > "$tmp/code"
  cat "$tmp/resp"
}
code() { cat "$tmp/code"; }
wait_job() {
  local s=""
  for _ in $(seq 1 600); do
    s=$(api "$READ" GET "/api/v1/scans/$1" | jq -r .status 2> /dev/null)
    [ "$s" = done ] || [ "$s" = failed ] && break
    sleep 0.2
  done
  echo "$s"
}

# a webhook (its receiver is down: deliveries stay pending) and the scans
HOOK_SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
deadport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
api "$ADMIN" POST /api/v1/webhooks -d "{\"url\":\"http://127.0.0.1:$deadport/hook\",\"secret\":\"$HOOK_SECRET\"}" > /dev/null
ids=()
for i in oci-3.16.9:alpine oci-3.12.12:alpine debian:debian secret:app; do
  ids+=("$(api "$ADMIN" POST /api/v1/scans -d "{\"image\":\"$imgs/${i%%:*}\",\"repository\":\"${i#*:}\"}" | jq -r .id)")
done
regref="127.0.0.1:$deadport/team/app@sha256:$(printf 'a%.0s' $(seq 64))"
ids+=("$(api "$ADMIN" POST /api/v1/scans -d "{\"image\":\"$regref\"}" | jq -r .id)")
st=""; for id in "${ids[@]}"; do st="$st $(wait_job "$id")"; done
[ "$st" = " done done done done failed" ] && pass "four images scanned, the unreachable registry image failed" ||
  { bad "scans: $st: $(grep -v '"request"' "$tmp/log" | tail -3)"; exit 1; }
h0=$(api "$READ" GET /api/v1/overview | jq .severity.HIGH) # computed now, kept by the cache
sleep 1.1 # the update's history entry gets a later second than the scans'
upd=$(api "$ADMIN" POST /api/v1/db/update | jq -r .id)
[ "$(wait_job "$upd")" = done ] && pass "database update re-evaluated the stored images" || bad "db update job"
# with a PostgreSQL store the update queues one re-evaluation job per image (done later):
# wait (bounded) until no job is queued or running
for _ in $(seq 1 300); do
  api "$READ" GET /metrics | awk '/^vigil_(queue_depth|jobs_running) / {n += $2} END {exit n > 0}' && break
  sleep 0.1
done
h1=$(api "$READ" GET /api/v1/overview | jq .severity.HIGH)
h2=$(api "$READ" GET "/api/v1/images?limit=500" | jq '[.images[].counts.HIGH] | add')
[ "$h1" = "$h2" ] && [ "$h1" -gt "$h0" ] && pass "the overview follows the update (HIGH $h0 -> $h1): its cache is dropped when the store changes" ||
  bad "overview after the update: HIGH $h0 -> $h1, images say $h2"
ddeb=$(api "$READ" GET "/api/v1/scans/${ids[2]}" | jq -r .digest)
dsec=$(api "$READ" GET "/api/v1/scans/${ids[3]}" | jq -r .digest)

# 1. static files: types, security headers, ETag revalidation, no inline script
ok=1
hdr() { curl -s -m 10 -D - -o "$tmp/body" "$@" | tr -d '\r'; }
h=$(hdr "$base/")
for want in '^HTTP/1.1 200' '^Content-Type: text/html; charset=utf-8' \
  "^Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'" \
  "frame-ancestors 'none'" '^X-Content-Type-Options: nosniff' '^X-Frame-Options: DENY' \
  '^Referrer-Policy: no-referrer' '^ETag: "[0-9a-f]{32}"' '^Cache-Control: no-cache'; do
  grep -Eq "$want" <<< "$h" || { ok=0; echo "  /: no $want"; }
done
etag=$(grep '^ETag:' <<< "$h" | cut -d' ' -f2)
[ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$base/")" = 304 ] ||
  { ok=0; echo "  If-None-Match: not 304"; }
for f in "app.js:text/javascript; charset=utf-8" "app.css:text/css; charset=utf-8" \
  "favicon.svg:image/svg+xml" "index.html:text/html; charset=utf-8"; do
  grep -q "^Content-Type: ${f#*:}$" <<< "$(hdr "$base/${f%%:*}")" || { ok=0; echo "  /${f%%:*}: type"; }
  cmp -s "$tmp/body" "$top/web/${f%%:*}" || { ok=0; echo "  /${f%%:*}: not the file of web/"; }
done
[ "$(curl -s -m 10 -I -o /dev/null -w '%{http_code}' "$base/app.js")" = 200 ] || { ok=0; echo "  HEAD"; }
[ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$base/nope.js")" = 404 ] || { ok=0; echo "  unknown file"; }
[ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' -X POST "$base/")" = 404 ] || { ok=0; echo "  POST /"; }
curl -s -m 10 "$base/" > "$tmp/index.html"
if grep -Eiq '<script>|<script [^>]*>[^<]|[[:space:]]on[a-z]+=|[[:space:]]style=' "$tmp/index.html" ||
  grep -Eq 'https?://' "$tmp/index.html" "$top/web/app.css"; then
  ok=0; echo "  inline script/style/handler or an external URL in the page"
fi
[ $ok = 1 ] && pass "static files: types, CSP default-src 'self' (no inline script or style), nosniff, frame denial, ETag + 304" ||
  bad "static file headers"

# 2. the dashboard's API needs a token, and answers what the stored reports say
ok=1
for p in /api/v1/overview "/api/v1/images/$ddeb/view" /api/v1/vulnerabilities/CVE-2099-3001 /api/v1/registries; do
  api "" GET "$p" > /dev/null; [ "$(code)" = 401 ] || { ok=0; echo "  $p without token: $(code)"; }
  api "vgl_00" GET "$p" > /dev/null; [ "$(code)" = 401 ] || { ok=0; echo "  $p wrong token: $(code)"; }
  api "$READ" GET "$p" > /dev/null; [ "$(code)" = 200 ] || { ok=0; echo "  $p read token: $(code)"; }
done
api "$READ" GET /api/v1/vulnerabilities/CVE-2099-9999 > /dev/null; [ "$(code)" = 404 ] || { ok=0; echo "  unknown vuln: $(code)"; }
api "$READ" GET "/api/v1/vulnerabilities/a%20b" > /dev/null; [ "$(code)" = 400 ] || { ok=0; echo "  bad vuln id: $(code)"; }
api "$READ" GET "/api/v1/images/sha256:zz/view" > /dev/null; [ "$(code)" = 400 ] || { ok=0; echo "  bad digest: $(code)"; }
api "$READ" GET "/api/v1/images/sha256:$(printf '0%.0s' $(seq 64))/view" > /dev/null; [ "$(code)" = 404 ] || { ok=0; echo "  unknown image: $(code)"; }
api "$READ" GET "/api/v1/overview?top=0" > /dev/null; [ "$(code)" = 400 ] || { ok=0; echo "  top=0: $(code)"; }
api "$READ" GET "/api/v1/vulnerabilities/CVE-2099-3101?limit=0" > /dev/null; [ "$(code)" = 400 ] || { ok=0; echo "  limit=0: $(code)"; }
l1=$(api "$READ" GET "/api/v1/vulnerabilities/CVE-2099-3101?limit=1" | jq -c '[(.images | length), .images_total]')
[ "$l1" = "[1,2]" ] || { ok=0; echo "  limit=1: $l1"; }
[ $ok = 1 ] && pass "dashboard API: 401 without or with a wrong token, 200 with read, 400/404 for bad or unknown ids, limit on affected images" ||
  bad "dashboard API status codes"

api "$READ" GET /api/v1/overview > "$tmp/overview.json"
api "$READ" GET "/api/v1/images?limit=500" > "$tmp/images.json"
for d in $(jq -r '.images[].digest' "$tmp/images.json"); do
  api "$READ" GET "/api/v1/images/$d" > "$tmp/report-${d#sha256:}.json"
  api "$READ" GET "/api/v1/images/$d/view" > "$tmp/view-${d#sha256:}.json"
done
for v in $(jq -r '.widespread[].id' "$tmp/overview.json"); do
  api "$READ" GET "/api/v1/vulnerabilities/$v/images" > "$tmp/vi-$v.json"
  api "$READ" GET "/api/v1/vulnerabilities/$v" > "$tmp/vd-$v.json"
done
api "$READ" GET /api/v1/registries > "$tmp/registries.json"
if msg=$(python3 - "$tmp" "$regref" "$S/secrets.txt" <<'EOF'
import glob, json, os, sys
tmp, regref, secrets_file = sys.argv[1:4]
L = lambda p: json.load(open(os.path.join(tmp, p)))
SEVS = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "NEGLIGIBLE", "UNKNOWN"]
ov, imgs = L("overview.json"), L("images.json")["images"]
reps = {i["digest"]: L("report-" + i["digest"][7:] + ".json") for i in imgs}
views = {i["digest"]: L("view-" + i["digest"][7:] + ".json") for i in imgs}
vulns = [v for r in reps.values() for v in r["vulnerabilities"]]
assert ov["images"] == {"scanned": 4, "known": 5, "pending": 0, "failed": 1}, ov["images"]
for s in SEVS:
    assert ov["severity"][s] == sum(i["counts"][s] for i in imgs), s
    assert ov["severity"][s] == sum(r["summary"]["vulnerabilities"][s] for r in reps.values()), s
v = ov["vulnerabilities"]
assert v["findings"] == len(vulns) > 0, v
assert v["fixable"] == sum(x["status"] == "fixed" for x in vulns), v
assert v["kev_findings"] == sum(bool(x["known_exploited"]) for x in vulns) > 0, v
assert v["kev_ids"] == len({x["id"] for x in vulns if x["known_exploited"]}) == 2, v
assert v["kev_images"] == sum(any(x["known_exploited"] for x in r["vulnerabilities"]) for r in reps.values()), v
for k in ("secrets", "malware", "misconfigurations"):
    assert ov["other"][k] == sum(len(r[k] or []) for r in reps.values()), k
kev = {d: sum(bool(x["known_exploited"]) for x in r["vulnerabilities"]) for d, r in reps.items()}
key = lambda i: (-kev[i["digest"]],) + tuple(-i["counts"][s] for s in SEVS[:4]) + \
    (-i["counts"]["NEGLIGIBLE"] - i["counts"]["UNKNOWN"], i["digest"])
assert [i["digest"] for i in ov["riskiest"]] == [i["digest"] for i in sorted(imgs, key=key)][:10], "riskiest order"
assert all(i["kev"] == kev[i["digest"]] for i in ov["riskiest"]), "riskiest kev"
# widespread: the number of images per id, most first
per = {}
for d, r in reps.items():
    for x in r["vulnerabilities"]:
        per.setdefault(x["id"], set()).add(d)
want = sorted(per, key=lambda i: (-len(per[i]), i))[:10]
assert [w["id"] for w in ov["widespread"]] == want, ([w["id"] for w in ov["widespread"]], want)
for w in ov["widespread"]:
    assert w["images"] == len(per[w["id"]]), w
    vi, vd = L("vi-" + w["id"] + ".json"), L("vd-" + w["id"] + ".json")
    assert sorted(i["digest"] for i in vd["images"]) == sorted(i["digest"] for i in vi["images"]) == sorted(per[w["id"]]), w
    assert vd["images_total"] == len(per[w["id"]]), vd["images_total"]
    one = next(x for x in vulns if x["id"] == w["id"])
    assert w["severity"] == vd["severity"] == one["severity"] and w["known_exploited"] == one["known_exploited"], w
    for i in vd["images"]:
        fs = [x for x in reps[i["digest"]]["vulnerabilities"] if x["id"] == w["id"]]
        assert sorted(f["package"] for f in i["findings"]) == sorted(x["package"]["name"] for x in fs), i
# trend: two points at least (scans, then the update); the last equals today's totals
tr = ov["trend"]
assert len(tr) >= 2 and all(a["time"] < b["time"] for a, b in zip(tr, tr[1:])), tr
assert all(tr[-1][s] == ov["severity"][s] for s in SEVS), (tr[-1], ov["severity"])
assert tr[-1]["HIGH"] > tr[0]["HIGH"], "the update's new HIGH finding is not in the trend"
# views: the report without secret values, layers that add up
secrets = [s for s in open(secrets_file).read().split("\n") if len(s) >= 8]
for d, vw in views.items():
    r = reps[d]
    assert vw["digest"] == d and vw["counts"] == next(i["counts"] for i in imgs if i["digest"] == d)
    txt = json.dumps(vw)
    for s in r["secrets"] or []:
        assert s["redacted"] not in txt and s["fingerprint"] not in txt, "a secret's redacted form in the view"
    assert not any(s in txt for s in secrets), "a secret value in the view"
    for s in vw["report"]["secrets"] or []:
        assert "redacted" not in s and "fingerprint" not in s and s["rule_id"] and s["path"] is not None, s
    assert sum(l["packages_total"] for l in vw["layers"]) == len(r["packages"]), d
    assert len(vw["layers"]) == r["image"]["layers"], (len(vw["layers"]), r["image"]["layers"])
    assert sum(sum(l["vulnerabilities"].values()) for l in vw["layers"]) == len(r["vulnerabilities"]), d
    assert sum(l["secrets"] for l in vw["layers"]) == sum(s["layer"] >= 0 for s in r["secrets"] or []), d
    assert vw["signature"]["status"] == "not_checked", vw["signature"]
    vw["report"]["secrets"] = r["secrets"]
    assert {k: vw["report"][k] for k in r if k != "suppressed"} == {k: r[k] for k in r if k != "suppressed"}, "view report differs"
assert sum(len(vw["report"]["secrets"] or []) for vw in views.values()) > 0
# registries: the local images and the failed registry host
reg = {r["name"]: r for r in L("registries.json")["registries"]}
host = regref.split("/")[0]
assert reg["local"]["images"] == 4 and sorted(reg["local"]["repositories"]) == ["alpine", "app", "debian"], reg
assert reg[host]["failed"] == 1 and reg[host]["images"] == 0, reg
print(f"{len(imgs)} images, {v['findings']} findings, {v['fixable']} fixable, {v['kev_findings']} KEV, "
      f"{len(ov['widespread'])} widespread ids, {len(tr)} trend points")
EOF
); then pass "overview, image views, vulnerability pages and registries equal what the stored reports say ($msg)"
else bad "dashboard API contents: $msg"; fi

# 3. the browser
if ! command -v chromium > /dev/null; then missing chromium; fi
if ! command -v chromedriver > /dev/null; then missing chromium-driver; fi
/usr/bin/python3 -c 'import selenium' 2> /dev/null || missing python3-selenium
rm -rf "$out"; mkdir -p "$out"
HOOK_SECRET=$HOOK_SECRET timeout 240 /usr/bin/python3 "$top/tests/dashboard/browser.py" \
  "$base" "$ADMIN" "$out" "$S/secrets.txt" "$dsec"
rc=$?
[ $rc = 0 ] || [ $rc = 1 ] || bad "browser run ended with $rc (timeout or crash)"
[ $rc = 0 ] || fail=1
n=$(ls "$out"/*.png 2> /dev/null | wc -l)
[ "$n" -ge 9 ] && pass "$n screenshots saved in $out" || bad "screenshots: $n in $out"
kill -TERM "$spid"; wait "$spid"; rc=$?
if [ $rc = 0 ] && ! grep -q 'Sanitizer' "$tmp/log"; then pass "the server stops cleanly on SIGTERM (no sanitizer report)"
else bad "server exit $rc: $(grep -m3 'Sanitizer\|SUMMARY' "$tmp/log")"; fi
grep '"level":"error"' "$tmp/log" | grep -v '"msg":"scan failed","image":"127.0.0.1:' > "$tmp/errors"
[ -s "$tmp/errors" ] && bad "server errors: $(head -2 "$tmp/errors")"
exit $fail
