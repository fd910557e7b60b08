#!/usr/bin/python3
"""Drives the dashboard in headless Chromium (Debian's chromium + chromium-driver,
python3-selenium): wrong token -> login error; log in; overview, an image, a
vulnerability, admissions, registries, webhooks; every number shown is compared with
the API's JSON; no console error; screenshots into OUTDIR.

usage: browser.py BASE TOKEN OUTDIR SECRETS_FILE SECRET_DIGEST
Prints PASS:/FAIL: lines; exits 1 when any check failed."""
import json
import os
import sys
import tempfile
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

BASE, TOKEN, OUT, SECRETS, SECRET_DIGEST = sys.argv[1:6]
SEVS = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "NEGLIGIBLE", "UNKNOWN"]
failed = 0


def ok(name):
    print(f"PASS: dashboard: {name}", flush=True)


def bad(name):
    global failed
    failed = 1
    print(f"FAIL: dashboard: {name}", flush=True)


def api(path):
    req = urllib.request.Request(BASE + path, headers={"Authorization": "Bearer " + TOKEN})
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, None


def get(obj, path):
    for k in path.split("."):
        obj = obj[k]
    return obj


def as_int(text):
    return int(text.strip().replace(",", ""))


opts = webdriver.ChromeOptions()
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--disable-background-networking", "--disable-component-update",
          "--disable-extensions", "--disable-sync", "--no-first-run",
          "--window-size=1400,1100", "--user-data-dir=" + tempfile.mkdtemp(prefix="vigil-chrome-")):
    opts.add_argument(a)
opts.binary_location = "/usr/bin/chromium"
opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
driver.set_page_load_timeout(30)
driver.set_script_timeout(30)
wait = WebDriverWait(driver, 20)


def console_errors(allowed=()):
    """SEVERE console entries since the last call, minus those containing an allowed text."""
    return [e for e in driver.get_log("browser")
            if e["level"] == "SEVERE" and not any(a in e["message"] for a in allowed)]


def page(name):
    """Waits until the router has rendered page `name`; checks it shows no unrendered
    value (a JS object or undefined put into the page as text)."""
    wait.until(lambda d: d.find_element(By.ID, "main").get_attribute("data-page") == name
               and d.find_element(By.ID, "main").get_attribute("aria-busy") is None)
    text = driver.find_element(By.ID, "main").get_attribute("textContent")
    for junk in ("[object ", "undefined", "NaN"):
        if junk in text:
            bad(f"page {name} shows {junk!r}: ...{text[max(0, text.index(junk) - 80):text.index(junk) + 40]}...")


def shot(name):
    driver.save_screenshot(os.path.join(OUT, name + ".png"))


def shown_metrics():
    return {e.get_attribute("data-k"): e.text for e in driver.find_elements(By.CSS_SELECTOR, "#main [data-k]")}


def rows(table_id):
    return driver.find_elements(By.CSS_SELECTOR, f"#{table_id} tbody tr")


def visible_rows(table_id):
    return [r for r in rows(table_id) if r.is_displayed()]


try:
    # 1. a wrong token shows the login error and keeps the login form
    driver.get(BASE + "/")
    wait.until(EC.visibility_of_element_located((By.ID, "token")))
    driver.find_element(By.ID, "token").send_keys("vgl_" + "0" * 64)
    driver.find_element(By.ID, "login-button").click()
    try:
        wait.until(EC.visibility_of_element_located((By.ID, "login-error")))
        msg = driver.find_element(By.ID, "login-error").text
        if "refused" in msg and not driver.find_element(By.ID, "main").is_displayed() and \
                driver.execute_script("return sessionStorage.getItem('vigil.token')") is None:
            ok("a wrong token shows the login error (" + msg + ") and is not kept")
        else:
            bad("wrong token: message " + repr(msg))
    except TimeoutException:
        bad("wrong token: no login error shown")
    shot("login-error")
    # the refused request itself is the only console entry allowed here
    errs = console_errors(allowed=("401",))
    if errs:
        bad("console errors on the login page: " + str(errs)[:400])

    # 2. log in, the overview
    driver.find_element(By.ID, "token").send_keys(TOKEN)
    driver.find_element(By.ID, "login-button").click()
    page("overview")
    if driver.find_element(By.ID, "login").is_displayed() or not driver.find_element(By.ID, "nav").is_displayed():
        bad("after login the login form is still shown or the navigation hidden")
    st, ov = api("/api/v1/overview")
    m = shown_metrics()
    want_keys = ["images.scanned", "images.known", "vulnerabilities.findings", "vulnerabilities.fixable",
                 "vulnerabilities.kev_findings", "vulnerabilities.kev_images", "other.secrets",
                 "other.malware", "other.misconfigurations"] + ["severity." + s for s in SEVS]
    wrong = [(k, m.get(k), get(ov, k)) for k in want_keys if k not in m or as_int(m[k]) != get(ov, k)]
    if st == 200 and not wrong:
        ok(f"overview numbers equal GET /api/v1/overview ({len(want_keys)} numbers: "
           f"{ov['images']['scanned']} images, {ov['vulnerabilities']['findings']} findings, "
           f"{ov['vulnerabilities']['fixable']} fixable, {ov['vulnerabilities']['kev_findings']} KEV)")
    else:
        bad(f"overview numbers differ from the API: {wrong}")
    share = round(100 * ov["vulnerabilities"]["fixable"] / ov["vulnerabilities"]["findings"]) \
        if ov["vulnerabilities"]["findings"] else 0
    if m.get("fixable_share", "").strip() == f"({share}%)":
        ok(f"fixable share shown ({share}%)")
    else:
        bad(f"fixable share: {m.get('fixable_share')} want {share}%")
    risk = [r.get_attribute("data-digest") for r in rows("riskiest")]
    wide = [r.get_attribute("data-id") for r in rows("widespread")]
    if risk == [i["digest"] for i in ov["riskiest"]] and wide == [w["id"] for w in ov["widespread"]] \
            and len(risk) > 0 and len(wide) > 0:
        ok(f"riskiest images ({len(risk)}) and most widespread vulnerabilities ({len(wide)}) in the API's order")
    else:
        bad(f"riskiest/widespread lists: {risk} / {wide}")
    chart = driver.find_element(By.CSS_SELECTOR, "svg.trend-chart")
    paths = chart.find_elements(By.CSS_SELECTOR, "path")
    if int(chart.get_attribute("data-points")) == len(ov["trend"]) and len(ov["trend"]) >= 2 and paths:
        ok(f"trend chart drawn as SVG ({len(ov['trend'])} points, {len(paths)} series)")
    else:
        bad(f"trend chart: {chart.get_attribute('data-points')} points, API {len(ov['trend'])}, {len(paths)} paths")
    bars = {t.get_attribute("data-k"): t.text for t in driver.find_elements(By.CSS_SELECTOR, "svg.sev-chart text[data-k]")}
    if all(as_int(bars.get("severity." + s, "-1")) == ov["severity"][s] for s in SEVS):
        ok("severity chart labels equal the API")
    else:
        bad(f"severity chart: {bars}")
    shot("overview")
    errs = console_errors()
    if errs:
        bad("console errors on the overview: " + str(errs)[:400])

    # 3. the riskiest image: counts, layers, findings and their filters, history
    driver.find_element(By.CSS_SELECTOR, "#riskiest tbody tr a.image-link").click()
    page("image")
    digest = driver.find_element(By.ID, "image-digest").text
    st, view = api(f"/api/v1/images/{digest}/view")
    st2, hist = api(f"/api/v1/images/{digest}/history")
    m = shown_metrics()
    vulns = view["report"]["vulnerabilities"]
    checks = {f"counts.{s}": view["counts"][s] for s in SEVS}
    checks["packages"] = len(view["report"]["packages"])
    wrong = [(k, m.get(k), v) for k, v in checks.items() if k not in m or as_int(m[k]) != v]
    n_rows, n_layers, n_hist = len(rows("findings")), len(rows("layers")), \
        len(driver.find_elements(By.CSS_SELECTOR, "#history li"))
    if st == 200 and not wrong and n_rows == len(vulns) and n_layers == len(view["layers"]) \
            and n_hist == len(hist["history"]) and len(rows("packages")) == checks["packages"]:
        ok(f"image page ({digest[:19]}): counts, {n_rows} findings, {checks['packages']} packages, "
           f"{n_layers} layers, {n_hist} history entries equal the API")
    else:
        bad(f"image page differs: {wrong} rows {n_rows}/{len(vulns)} layers {n_layers}/{len(view['layers'])} "
            f"history {n_hist}/{len(hist['history'])}")
    # sorting by severity (click the header): ranks never increase down the table
    driver.find_element(By.XPATH, "//table[@id='findings']//th[text()='Severity']").click()
    ranks = [SEVS.index(r.find_elements(By.TAG_NAME, "td")[1].text) for r in rows("findings")]
    if ranks == sorted(ranks) and len(ranks) == len(vulns):
        ok(f"findings sorted by severity on a header click ({len(ranks)} rows)")
    else:
        bad(f"findings sorted by severity: {ranks}")
    sev = next((s for s in SEVS if any(v["severity"] == s for v in vulns)), None)
    Select(driver.find_element(By.ID, "f-severity")).select_by_value(sev)
    n_sev = len(visible_rows("findings"))
    Select(driver.find_element(By.ID, "f-severity")).select_by_value("")
    driver.find_element(By.ID, "f-fixable").click()
    n_fix = len(visible_rows("findings"))
    driver.find_element(By.ID, "f-fixable").click()
    driver.find_element(By.ID, "f-kev").click()
    n_kev = len(visible_rows("findings"))
    driver.find_element(By.ID, "f-kev").click()
    want = (sum(v["severity"] == sev for v in vulns), sum(v["status"] == "fixed" for v in vulns),
            sum(bool(v["known_exploited"]) for v in vulns))
    if (n_sev, n_fix, n_kev) == want and len(visible_rows("findings")) == len(vulns):
        ok(f"finding filters: {sev} {n_sev}, fixable {n_fix}, KEV {n_kev} rows, as the report says")
    else:
        bad(f"finding filters: got {(n_sev, n_fix, n_kev)} want {want}")
    shot("image")
    errs = console_errors()
    if errs:
        bad("console errors on the image page: " + str(errs)[:400])

    # 4. a vulnerability: every affected image
    driver.find_element(By.CSS_SELECTOR, "#findings tbody tr a.vuln-link").click()
    page("vuln")
    vid = driver.find_element(By.CSS_SELECTOR, "#main h1").text.split()[0]
    st, vd = api(f"/api/v1/vulnerabilities/{vid}")
    st3, vi = api(f"/api/v1/vulnerabilities/{vid}/images")
    shown = sorted({r.get_attribute("data-digest") for r in rows("affected")})
    want_rows = sum(max(1, len(i["findings"])) for i in vd["images"])
    if st == 200 and shown == sorted(i["digest"] for i in vi["images"]) and len(rows("affected")) == want_rows \
            and as_int(shown_metrics()["images"]) == vd["images_total"] == len(vd["images"]):
        ok(f"vulnerability page {vid}: {len(shown)} affected images, {want_rows} rows, as the API says")
    else:
        bad(f"vulnerability page {vid}: {shown} rows {len(rows('affected'))}/{want_rows}")
    shot("vulnerability")
    errs = console_errors()
    if errs:
        bad("console errors on the vulnerability page: " + str(errs)[:400])

    # 5. the secret image: rule and path, never the value
    driver.get(BASE + "/#/image/" + SECRET_DIGEST)
    page("image")
    secrets = [s for s in open(SECRETS).read().split("\n") if len(s) >= 8]
    st, raw = api(f"/api/v1/images/{SECRET_DIGEST}")
    redacted = {s.get("redacted") for s in raw["secrets"] if s.get("redacted")}
    src = driver.page_source
    leaks = [s[:6] for s in secrets if s in src] + [r for r in redacted if r in src]
    nsec = len(rows("secrets"))
    if nsec == len(raw["secrets"]) and nsec > 0 and not leaks:
        ok(f"secret image: {nsec} secrets listed by rule and path; no value (of {len(secrets)}) "
           f"nor redacted form (of {len(redacted)}) in the page")
    else:
        bad(f"secret image: {nsec}/{len(raw['secrets'])} rows, leaks {leaks[:3]}")
    shot("image-secrets")
    errs = console_errors()
    if errs:
        bad("console errors on the secret image page: " + str(errs)[:400])

    # 5b. the images list, sorted by a column
    st, il = api("/api/v1/images?limit=500")
    driver.get(BASE + "/#/images")
    page("images")
    shown = [r.get_attribute("data-digest") for r in rows("images")]
    driver.find_element(By.XPATH, "//table[@id='images']//th[text()='HIGH']").click()
    desc = [r.get_attribute("data-digest") for r in rows("images")]
    driver.find_element(By.XPATH, "//table[@id='images']//th[text()='HIGH']").click()
    asc = [r.get_attribute("data-digest") for r in rows("images")]
    imgs = il["images"]
    if shown == [i["digest"] for i in imgs] and \
            desc == [i["digest"] for i in sorted(imgs, key=lambda i: -i["counts"]["HIGH"])] and \
            asc == [i["digest"] for i in sorted(imgs, key=lambda i: i["counts"]["HIGH"])]:
        ok(f"images page lists the {len(imgs)} images; the HIGH column sorts them both ways")
    else:
        bad(f"images page order: {shown} / {desc} / {asc}")
    shot("images")

    # 6. admissions (empty state unless the endpoint answers), registries, webhooks
    st, adm = api("/api/v1/admissions")
    driver.get(BASE + "/#/admissions")
    page("admissions")
    if st == 200:
        lst = adm if isinstance(adm, list) else (adm.get("admissions") or adm.get("decisions") or adm.get("items") or [])
        good = len(rows("admissions")) == len(lst) if lst else bool(driver.find_elements(By.ID, "admissions-empty"))
    else:
        good = bool(driver.find_elements(By.ID, "admissions-empty"))
    (ok if good else bad)(f"admissions page (endpoint answered {st}): "
                          + ("empty state" if driver.find_elements(By.ID, "admissions-empty") else "decisions listed"))
    # the renderer of a decision as docs/admission.md shapes it (whatever the endpoint said)
    sample = {"id": 7, "time": 1700000000, "uid": "u1", "kind": "Pod", "namespace": "shop", "name": "web",
              "operation": "CREATE", "dry_run": False, "allowed": False, "message": "denied",
              "reasons": [{"container": "app", "image": "reg/app:1", "rule": "fixable-critical",
                           "detail": "CVE-2099-3002"}], "warnings": ["w"],
              "images": [{"image": "reg/app:1", "digest": ov["riskiest"][0]["digest"], "status": "scanned"}],
              "skipped": None}
    row = driver.execute_script("const r = admissionRow(arguments[0]); return [r.textContent, "
                                "r.querySelector('a') && r.querySelector('a').getAttribute('href')];", sample)
    if all(w in row[0] for w in ("denied", "Pod / shop / web", "app: fixable-critical", "CVE-2099-3002", "1 warnings")) \
            and row[1] == "#/image/" + sample["images"][0]["digest"]:
        ok("an admission decision renders with its verdict, object, reasons and a link to the scanned image")
    else:
        bad(f"admission row: {row}")
    shot("admissions")
    # only the absent endpoint's own 404 may be logged here
    errs = console_errors(allowed=("/api/v1/admissions",) if st in (404, 405) else ())
    if errs:
        bad("console errors on the admissions page: " + str(errs)[:400])
    st, reg = api("/api/v1/registries")
    driver.get(BASE + "/#/registries")
    page("registries")
    if len(rows("registries")) == len(reg["registries"]) > 0:
        ok(f"registries page: {len(reg['registries'])} registries as the API says")
    else:
        bad(f"registries page: {len(rows('registries'))} rows, API {reg}")
    shot("registries")
    st, wh = api("/api/v1/webhooks")
    driver.get(BASE + "/#/webhooks")
    page("webhooks")
    src = driver.page_source
    if len(rows("webhooks")) == len(wh["webhooks"]) > 0 and os.environ.get("HOOK_SECRET", "x") not in src:
        ok(f"webhooks page: {len(wh['webhooks'])} webhooks with their deliveries, no webhook secret shown")
    else:
        bad(f"webhooks page: {len(rows('webhooks'))} rows, API {len(wh['webhooks'])}")
    shot("webhooks")
    errs = console_errors()
    if errs:
        bad("console errors on registries/webhooks: " + str(errs)[:400])

    # 7. the token stays for the tab (reload), logging out forgets it
    driver.refresh()
    page("webhooks")
    driver.find_element(By.ID, "logout").click()
    wait.until(EC.visibility_of_element_located((By.ID, "token")))
    if driver.execute_script("return sessionStorage.getItem('vigil.token')") is None:
        ok("a reload keeps the session; log out forgets the token")
    else:
        bad("log out kept the token")
    errs = console_errors()
    if errs:
        bad("console errors at the end: " + str(errs)[:400])
except (TimeoutException, WebDriverException, KeyError, TypeError, ValueError) as e:
    try:
        shot("failure")
        bad(f"browser run stopped: {type(e).__name__}: {str(e)[:300]} "
            f"(page: {driver.find_element(By.ID, 'main').text[:200]!r})")
    except WebDriverException:
        bad(f"browser run stopped: {type(e).__name__}: {str(e)[:300]}")
finally:
    driver.quit()
sys.exit(failed)
