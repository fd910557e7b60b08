#!/usr/bin/env bash
# `vigil scan --format html` in a real browser: headless Debian chromium driven by
# python3-selenium + chromium-driver (scripts/deps.d/browser.txt). The image is hostile:
# an apk package and a vulnerability's package named with HTML/script markup, and an AWS
# key (generated here) under a path holding `<script>`. Checks: the page renders, every
# count equals the JSON report's, nothing from the image becomes markup, no secret value
# (not even redacted) is in the file, filters and sorting work, no console error, no
# network request, the print style; a screenshot and a PDF are kept as artefacts.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
PY=/usr/bin/python3
fail=0
pass() { echo "PASS: report-html: $1"; }
bad() { echo "FAIL: report-html: $1"; fail=1; }
skip_or_fail() {
  if [ "${CI:-}" = true ]; then echo "FAIL: report-html: $1"; exit 1; fi
  echo "SKIP: report-html: $1"; exit 0
}
for t in chromium chromedriver; do command -v $t > /dev/null || skip_or_fail "$t not installed (scripts/deps.d/browser.txt)"; done
$PY -c 'import selenium' 2> /dev/null || skip_or_fail "python3-selenium not installed"
tmp=$(mktemp -d)
case $VIGIL in *build-asan*) variant=asan ;; *) variant=normal ;; esac
art=${VIGIL_ARTIFACTS:-$top/build/test-artifacts}/report-html-$variant
mkdir -p "$art"
trap 'rm -rf "$tmp"' EXIT

G=$("$top/tests/fixtures/make-golden-alpine.sh" 2> "$tmp/fixture.err") ||
  { bad "fixture build failed: $(tail -3 "$tmp/fixture.err")"; exit 1; }
R=$G/rootfs-3.16.9
# layer 1: the Alpine 3.16 package database; layer 2: a hostile package and a secret under
# a hostile path; layer 3 deletes the secret (still reported: it is in layer 2)
mkdir -p "$tmp/l2"
cp "$R/lib/apk/db/installed" "$tmp/l2/installed"
printf 'C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nP:<script>alert(1)</script>\nV:1.0-r0\nA:x86_64\nS:1\nI:1\nT:hostile\nU:https://example.invalid\nL:MIT\no:<img src=x onerror=alert(2)>\nm:x\nt:1700000000\nc:0\n\n' >> "$tmp/l2/installed"
# a package name with bytes that are not UTF-8 and a control character
printf 'C:Q1BBBBBBBBBBBBBBBBBBBBBBBBBBBB=\nP:bad\377\376\001name\nV:2.0-r0\nA:x86_64\nS:1\nI:1\nT:hostile\nU:https://example.invalid\nL:MIT\no:bad\nm:x\nt:1700000000\nc:0\n\n' >> "$tmp/l2/installed"
# a package name with the 8-bit CSI (U+009B) and a right-to-left override (U+202E)
printf 'C:Q1CCCCCCCCCCCCCCCCCCCCCCCCCCCC=\nP:c1\302\2332J\342\200\256evil\nV:3.0-r0\nA:x86_64\nS:1\nI:1\nT:hostile\nU:https://example.invalid\nL:MIT\no:c1\nm:x\nt:1700000000\nc:0\n\n' >> "$tmp/l2/installed"
akid=AKIA$(LC_ALL=C tr -dc 'A-Z2-7' < /dev/urandom | head -c 16)
skey=$(LC_ALL=C tr -dc 'A-Za-z0-9' < /dev/urandom | head -c 40)
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$akid" "$skey" > "$tmp/l2/credentials"
$PY "$top/tests/fixtures/mkimage.py" "$tmp/img" \
  "$R/etc/os-release=/etc/os-release,$R/lib/apk/db/installed=/lib/apk/db/installed" \
  "$tmp/l2/installed=/lib/apk/db/installed,$tmp/l2/credentials=/app/<script>alert(3)</script>/.aws/credentials" \
  "!/app/<script>alert(3)</script>/.aws/credentials" || { bad "mkimage failed"; exit 1; }
# the database: busybox and the hostile origin are vulnerable in Alpine 3.16
mkdir -p "$tmp/m/alpine-secdb/v3.16"
cat > "$tmp/m/alpine-secdb/v3.16/main.yaml" <<'Y'
distroversion: v3.16
reponame: main
archs:
  - x86_64
packages:
  - pkg:
      name: busybox
      secfixes:
        99.0-r0:
          - CVE-2099-0101
  - pkg:
      name: "<img src=x onerror=alert(2)>"
      secfixes:
        2.0-r0:
          - CVE-2099-0666
Y
tar -czf "$tmp/m/alpine-secdb.tar.gz" -C "$tmp/m" alpine-secdb && rm -rf "$tmp/m/alpine-secdb"
"$VIGIL" db update --from "$tmp/m" --only alpine-secdb --db "$tmp/db" > "$tmp/up" 2>&1 ||
  { bad "db update failed: $(tail -3 "$tmp/up")"; exit 1; }

"$VIGIL" scan -q --scanners all --db "$tmp/db" --format json "$tmp/img" > "$tmp/r.json" 2> "$tmp/err"
"$VIGIL" scan -q --scanners all --db "$tmp/db" --format html -o "$tmp/report.html" "$tmp/img" 2>> "$tmp/err"
rc=$?
if [ $rc -ne 0 ] || [ ! -s "$tmp/report.html" ]; then bad "vigil scan --format html failed (exit $rc): $(tail -2 "$tmp/err")"; exit 1; fi
cp "$tmp/report.html" "$art/report.html"
nv=$(jq '.vulnerabilities|length' "$tmp/r.json"); ns=$(jq '.secrets|length' "$tmp/r.json")
if [ "$nv" -ge 2 ] && [ "$ns" -ge 1 ] && jq -e '.vulnerabilities[]|select((.package.name|test("<script>")) and (.package.source_name|test("onerror")))' "$tmp/r.json" > /dev/null &&
   jq -e '.secrets[]|select(.path|test("<script>"))' "$tmp/r.json" > /dev/null; then
  pass "the hostile image has $nv vulnerabilities (one in a package named with markup) and $ns secrets (under a <script> path)"
else bad "fixture does not show what the test needs: $nv vulnerabilities, $ns secrets"; fi

# static checks on the file: self-contained, escaped, no secret value
red=$(jq -r '.secrets[0].redacted' "$tmp/r.json")
if grep -qF "$akid" "$tmp/report.html" || grep -qF "$skey" "$tmp/report.html" ||
   { [ -n "$red" ] && [ "$red" != null ] && grep -qF "$red" "$tmp/report.html"; }; then
  bad "the report holds a secret value or its redacted form"
else pass "no secret value (nor its redacted form) in the report"; fi
if grep -qiE '<(link|img|iframe|object|embed)[ >]|src=["'"'"']?(https?:)?//|url\(|@import|@font-face' "$tmp/report.html"; then
  bad "the report references something outside itself: $(grep -oiE '<(link|img|iframe)[^>]*>|src=[^ >]*|url\([^)]*\)|@import|@font-face' "$tmp/report.html" | head -3)"
elif [ "$(grep -o '<script' "$tmp/report.html" | wc -l)" != 1 ]; then
  bad "expected exactly one <script> element, found $(grep -o '<script' "$tmp/report.html" | wc -l)"
else pass "self-contained: one inline script, no external resource, no <img>/<link>, hostile names escaped"; fi
if $PY -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$tmp/report.html" 2> /dev/null &&
   ! LC_ALL=C grep -q $'[\x01-\x08\x0b\x0c\x0e-\x1f]' "$tmp/report.html"; then
  pass "the page is valid UTF-8 without control characters (image bytes that are not become U+FFFD)"
else bad "the page is not valid UTF-8 or holds control characters"; fi
if LC_ALL=C grep -q $'\xc2[\x80-\x9f]\|\xe2\x80[\xaa-\xae]\|\xe2\x81[\xa6-\xa9]' "$tmp/report.html"; then
  bad "the page holds a C1 control or a bidirectional override from the image"
elif ! grep -q 'c1'$'\xef\xbf\xbd''2J'$'\xef\xbf\xbd''evil' "$tmp/report.html"; then
  bad "the package named with CSI and RLO is not shown with U+FFFD in their place"
else pass "C1 controls (8-bit CSI) and bidirectional overrides from the image become U+FFFD"; fi

cat > "$tmp/drive.py" <<'PYEOF'
import json, sys, base64
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

page, rjson, art, tmp = sys.argv[1:5]
rep = json.load(open(rjson))
o = Options()
o.binary_location = "/usr/bin/chromium"
for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--disable-dev-shm-usage", "--no-first-run",
          "--user-data-dir=" + tmp + "/profile", "--window-size=1400,1000"]:
    o.add_argument(a)
o.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
d.set_page_load_timeout(30)
results = []
def check(name, ok, detail=""):
    results.append((ok, name, detail))
try:
    d.get("file://" + page)
    check("the page renders with the image's name in its title and heading",
          d.title.startswith("Vigil scan:") and d.find_element(By.TAG_NAME, "h1").is_displayed())
    # no markup from the image: the only script is ours, no img, no dialog opened
    ns = d.execute_script("return document.scripts.length")
    ni = d.execute_script("return document.images.length")
    pwned = d.execute_script("return typeof window.__alerted !== 'undefined'")
    try:
        d.switch_to.alert; alert = True
    except Exception:
        alert = False
    hostile = d.execute_script(
        "return Array.from(document.querySelectorAll('#table-vulnerabilities td')).some(t => t.textContent === '<script>alert(1)</script>')")
    spath = d.execute_script(
        "return Array.from(document.querySelectorAll('#table-secrets td')).some(t => t.textContent.indexOf('<script>alert(3)</script>') >= 0)")
    check("hostile names are shown as text, never run (1 script, 0 images, no dialog)",
          ns == 1 and ni == 0 and not alert and not pwned and hostile and spath,
          "scripts=%s images=%s alert=%s text-shown=%s/%s" % (ns, ni, alert, hostile, spath))
    # counts against the JSON report
    sevs = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "NEGLIGIBLE", "UNKNOWN"]
    bad = []
    for sec in ["vulnerabilities", "secrets", "malware", "misconfigurations"]:
        rows = d.execute_script("return document.querySelectorAll('#table-%s tbody tr').length" % sec)
        cnt = d.execute_script("return document.getElementById('count-%s').textContent" % sec)
        total = d.execute_script("return document.querySelector('#card-%s .total').textContent" % sec)
        want = len(rep[sec] or [])
        if rows != want or int(cnt) != want or int(total) != want:
            bad.append("%s rows=%s count=%s card=%s json=%s" % (sec, rows, cnt, total, want))
        for s in sevs:
            k = 5 - sevs.index(s)
            shown = d.execute_script(
                "var e=document.querySelector('#card-%s .sev-%d[data-count]');return e?parseInt(e.getAttribute('data-count')):0" % (sec, k))
            if shown != rep["summary"][sec][s]:
                bad.append("%s %s card=%s json=%s" % (sec, s, shown, rep["summary"][sec][s]))
    failing = int(d.find_element(By.ID, "failing").text)
    if failing != rep["summary"]["failing"]:
        bad.append("failing %s vs %s" % (failing, rep["summary"]["failing"]))
    pk = int(d.find_element(By.ID, "packages").text)
    if pk != len(rep["packages"]):
        bad.append("packages %s vs %s" % (pk, len(rep["packages"])))
    nl = d.execute_script("return document.querySelectorAll('#table-layers tbody tr').length")
    if nl != rep["image"]["layers"]:
        bad.append("layers %s vs %s" % (nl, rep["image"]["layers"]))
    # what each layer brought: its packages, summed over the layers, are the image's
    per = d.execute_script("return Array.from(document.querySelectorAll('#table-layers tbody tr')).map(r => parseInt(r.cells[4].getAttribute('data-sort')))")
    names = d.execute_script("return Array.from(document.querySelectorAll('#table-layers details span')).map(s => s.textContent).join(', ')")
    if sum(per) != len(rep["packages"]) or "<script>alert(1)</script> 1.0-r0" not in names or \
       "bad\ufffd\ufffd\ufffdname 2.0-r0" not in names:
        bad.append("packages per layer %s (json %d), names %r" % (per, len(rep["packages"]), names[:120]))
    check("counts equal the JSON report (rows, totals, per severity, failing, packages, layers)",
          not bad, "; ".join(bad))
    # filter by text
    f = d.find_element(By.ID, "filter")
    f.send_keys("CVE-2099-0666")
    vis = d.execute_script("return Array.from(document.querySelectorAll('#table-vulnerabilities tbody tr')).filter(r => r.offsetParent !== null).map(r => r.cells[0].textContent)")
    cnt = d.find_element(By.ID, "count-vulnerabilities").text
    check("text filter shows only the matching finding", vis == ["CVE-2099-0666"] and cnt == "1", "visible=%s count=%s" % (vis, cnt))
    f.clear(); f.send_keys("x")  # input event after clear
    f.clear(); d.execute_script("document.getElementById('filter').dispatchEvent(new Event('input'))")
    # filter by severity: untick every box but HIGH
    want = {sec: sum(1 for v in rep[sec] if v["severity"] == "HIGH") for sec in ["vulnerabilities", "misconfigurations"]}
    for s in sevs:
        if s != "HIGH":
            d.find_element(By.ID, "sev-" + s).click()
    got = {sec: d.execute_script("return Array.from(document.querySelectorAll('#table-%s tbody tr')).filter(r => r.offsetParent !== null).length" % sec)
           for sec in want}
    counts = {sec: d.find_element(By.ID, "count-" + sec).text for sec in want}
    check("severity filter leaves only HIGH rows (%d misconfigurations, %d vulnerabilities)" % (want["misconfigurations"], want["vulnerabilities"]),
          got == want and counts == {k: str(v) for k, v in want.items()} and want["misconfigurations"] > 0,
          "visible=%s counters=%s want=%s" % (got, counts, want))
    for s in sevs:
        if s != "HIGH":
            d.find_element(By.ID, "sev-" + s).click()
    # sort the vulnerabilities by ID, both ways
    th = d.find_elements(By.CSS_SELECTOR, "#table-vulnerabilities th")[0]
    th.click()
    ids = d.execute_script("return Array.from(document.querySelectorAll('#table-vulnerabilities tbody tr')).map(r => r.cells[0].textContent)")
    th.click()
    ids2 = d.execute_script("return Array.from(document.querySelectorAll('#table-vulnerabilities tbody tr')).map(r => r.cells[0].textContent)")
    check("clicking a column header sorts ascending then descending",
          ids == sorted(ids, key=str.lower) and ids2 == sorted(ids, key=str.lower, reverse=True) and len(ids) >= 2,
          "%s / %s" % (ids, ids2))
    d.save_screenshot(art + "/report.png")
    # print: the controls disappear, hidden rows come back
    d.find_element(By.ID, "sev-LOW").click()
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    ctl = d.execute_script("return getComputedStyle(document.getElementById('controls')).display")
    hid = d.execute_script("var r=document.querySelector('tr.hidden');return r?getComputedStyle(r).display:'table-row'")
    pdf = d.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})
    open(art + "/report.pdf", "wb").write(base64.b64decode(pdf["data"]))
    check("print style hides the controls and prints every row", ctl == "none" and hid == "table-row",
          "controls=%s hidden-row=%s" % (ctl, hid))
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    # console errors and network
    logs = [l for l in d.get_log("browser") if l["level"] in ("SEVERE", "WARNING")]
    check("no console errors or warnings", not logs, str(logs[:3]))
    res = d.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    reqs, seen = [], False  # what the browser's own start page loaded before ours is not ours
    for l in d.get_log("performance"):
        m = json.loads(l["message"])["message"]
        if m.get("method") == "Network.requestWillBeSent":
            u = m["params"]["request"]["url"]
            if u == "file://" + page:
                seen = True
            elif seen:
                reqs.append(u)
    check("no network request (resource timing and the DevTools network log)", seen and not res and not reqs,
          "resources=%s requests=%s" % (res[:3], reqs[:3]))
finally:
    d.quit()
for ok, name, detail in results:
    print(("PASS: report-html: " if ok else "FAIL: report-html: ") + name + ("" if ok or not detail else ": " + detail))
sys.exit(0 if all(r[0] for r in results) else 1)
PYEOF
timeout 180 $PY "$tmp/drive.py" "$tmp/report.html" "$tmp/r.json" "$art" "$tmp" > "$tmp/drive.out" 2> "$tmp/drive.err"
rc=$?
cat "$tmp/drive.out"
if [ $rc -ne 0 ]; then
  fail=1
  grep -q "^FAIL" "$tmp/drive.out" || echo "FAIL: report-html: browser run (exit $rc): $(tail -3 "$tmp/drive.err")"
fi
[ -s "$art/report.png" ] && pass "screenshot saved: $art/report.png (and report.pdf)"
exit $fail
