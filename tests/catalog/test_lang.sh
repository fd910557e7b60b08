#!/usr/bin/env bash
# Language packages in a real image: `vigil sbom --format json` of the image that
# tests/fixtures/make-appimages-lang.sh builds must list exactly the expected npm, yarn,
# Python, gem, Composer and NuGet packages (name, version, location, layer, purl), leave
# out what later layers deleted or replaced, and leave out the Python packages and gems
# that dpkg owns unless --keep-os-owned is given. See docs/TESTING-CONTRACT.md.
#
# Environment:
#   VIGIL        binary under test (default build/vigil)
#   VIGIL_CACHE  fixture cache (default $HOME/.cache/vigil)
#   PYTHON       python3 used for the JSON checks
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VIGIL=${VIGIL:-$ROOT/build/vigil}
case $VIGIL in /*) ;; *) VIGIL=$ROOT/$VIGIL ;; esac
PY=${PYTHON:-python3}
VARIANT=$(basename "$(dirname "$VIGIL")")
failed=0
pass() { echo "PASS: lang: $1 ($VARIANT)"; }
fail() { echo "FAIL: lang: $1 ($VARIANT): $2"; failed=1; }
skip() { echo "SKIP: lang: $1 ($VARIANT): $2"; }

if [ ! -x "$VIGIL" ]; then
    fail "binary" "$VIGIL not found or not executable (run make)"
    exit 1
fi
for t in npm umoci mmdebstrap apt-get dpkg-deb "$PY"; do
    if ! command -v "$t" >/dev/null; then
        skip "fixture image" "$t is not installed (scripts/deps.d/lang.txt; make deps)"
        exit 0
    fi
done
if ! FIX=$(bash "$ROOT/tests/fixtures/make-appimages-lang.sh"); then
    fail "fixture image" "make-appimages-lang.sh failed"
    exit 1
fi
IMG="$FIX/oci"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-lang.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# sbom NAME OUT ARGS...: runs vigil sbom; FAIL line and non-zero return on error
sbom() {
    local name=$1 out=$2
    shift 2
    if ! "$VIGIL" sbom "$IMG" -q "$@" >"$out" 2>"$TMP/err"; then
        fail "$name" "vigil sbom $* exited non-zero: $(head -c 300 "$TMP/err")"
        return 1
    fi
}

# The language packages of the final filesystem, one per line:
# type, name, version, location, layer, purl.
cat >"$TMP/expected.tsv" <<'EOF'
composer	guzzle	7.4.0	/var/www/html/vendor/composer/installed.json	2	pkg:composer/guzzlehttp/guzzle@7.4.0
composer	phpmailer	v6.4.0	/var/www/html/vendor/composer/installed.json	2	pkg:composer/phpmailer/phpmailer@v6.4.0
gem	rack	2.0.8	/usr/local/bundle/specifications/rack-2.0.8.gemspec	2	pkg:gem/rack@2.0.8
npm	@babel/traverse	7.22.5	/srv/yarn-app/yarn.lock	2	pkg:npm/%40babel/traverse@7.22.5
npm	@types/lodash	4.14.149	/app/node_modules/@types/lodash/package.json	2	pkg:npm/%40types/lodash@4.14.149
npm	@types/lodash	4.14.149	/app/package-lock.json	2	pkg:npm/%40types/lodash@4.14.149
npm	axios	0.21.1	/srv/yarn-app/yarn.lock	2	pkg:npm/axios@0.21.1
npm	follow-redirects	1.14.7	/srv/yarn-app/yarn.lock	2	pkg:npm/follow-redirects@1.14.7
npm	lodash	4.17.15	/app/node_modules/lodash/package.json	2	pkg:npm/lodash@4.17.15
npm	lodash	4.17.15	/app/package-lock.json	2	pkg:npm/lodash@4.17.15
npm	minimist	0.0.8	/app/node_modules/mkdirp/node_modules/minimist/package.json	2	pkg:npm/minimist@0.0.8
npm	minimist	0.0.8	/app/package-lock.json	2	pkg:npm/minimist@0.0.8
npm	minimist	1.2.0	/app/node_modules/minimist/package.json	2	pkg:npm/minimist@1.2.0
npm	minimist	1.2.0	/app/package-lock.json	2	pkg:npm/minimist@1.2.0
npm	mkdirp	0.5.1	/app/node_modules/mkdirp/package.json	2	pkg:npm/mkdirp@0.5.1
npm	mkdirp	0.5.1	/app/package-lock.json	2	pkg:npm/mkdirp@0.5.1
npm	ms	2.0.0	/opt/tool/node_modules/ms/package.json	3	pkg:npm/ms@2.0.0
nuget	Newtonsoft.Json	12.0.1	/opt/webapp/WebApp.deps.json	2	pkg:nuget/Newtonsoft.Json@12.0.1
nuget	System.Text.Encodings.Web	4.5.0	/opt/webapp/WebApp.deps.json	2	pkg:nuget/System.Text.Encodings.Web@4.5.0
nuget	WebApp	1.0.0	/opt/webapp/WebApp.deps.json	2	pkg:nuget/WebApp@1.0.0
pypi	Jinja2	2.10	/usr/local/lib/python3.11/site-packages/Jinja2-2.10.dist-info/METADATA	2	pkg:pypi/jinja2@2.10
pypi	simplejson	3.8.0	/usr/local/lib/python3.11/dist-packages/simplejson-3.8.0-py3.11.egg-info	2	pkg:pypi/simplejson@3.8.0
pypi	zope.interface	5.4.0	/usr/local/lib/python3.11/site-packages/zope.interface-5.4.0.dist-info/METADATA	2	pkg:pypi/zope-interface@5.4.0
EOF

# compare NAME JSON EXPECTED.tsv [EXTRA.tsv]: the non-deb packages of JSON must be
# exactly the lines of the TSV files (the layer and purl columns are optional in EXTRA).
compare() {
    "$PY" - "$@" <<'EOF'
import json, sys
name, doc, files = sys.argv[1], sys.argv[2], sys.argv[3:]
pkgs = json.load(open(doc))["packages"]
got = {}
for p in pkgs:
    if p["type"] == "deb":
        continue
    key = (p["type"], p["name"], p["version"], p["location"])
    got[key] = p
want = {}
for f in files:
    for line in open(f):
        if not line.strip():
            continue
        cols = line.rstrip("\n").split("\t")
        want[tuple(cols[:4])] = cols[4:]
problems = []
for key in sorted(set(want) - set(got)):
    problems.append("missing %s" % "|".join(key))
for key in sorted(set(got) - set(want)):
    problems.append("unexpected %s" % "|".join(key))
for key, extra in sorted(want.items()):
    p = got.get(key)
    if not p:
        continue
    if len(extra) > 0 and str(p.get("layer")) != extra[0]:
        problems.append("%s: layer %s, expected %s" % (key[1], p.get("layer"), extra[0]))
    if len(extra) > 1 and p.get("purl") != extra[1]:
        problems.append("%s: purl %s, expected %s" % (key[1], p.get("purl"), extra[1]))
if problems:
    print("; ".join(problems[:8]) + ("; ..." if len(problems) > 8 else ""))
    sys.exit(1)
EOF
}

if sbom "sbom json" "$TMP/default.json" --format json; then
    if why=$(compare default "$TMP/default.json" "$TMP/expected.tsv"); then
        pass "sbom json lists exactly the expected language packages"
    else
        fail "sbom json lists exactly the expected language packages" "$why"
    fi
    # the Debian packages themselves are there, attributed to their layer
    if why=$("$PY" - "$TMP/default.json" <<'EOF'
import json, sys
pkgs = json.load(open(sys.argv[1]))["packages"]
deb = {p["name"]: p for p in pkgs if p["type"] == "deb"}
bad = []
for n in ("python3-yaml", "python3-chardet", "python3-requests", "ruby-rack"):
    if n not in deb:
        bad.append("no deb " + n)
    elif deb[n]["layer"] != 1:
        bad.append("%s in layer %s" % (n, deb[n]["layer"]))
if "bash" not in deb or deb["bash"]["layer"] != 0:
    bad.append("base packages missing")
print("; ".join(bad))
sys.exit(1 if bad else 0)
EOF
    ); then
        pass "dpkg packages of the language layer"
    else
        fail "dpkg packages of the language layer" "$why"
    fi
    if grep -q 'package-lock.json",' "$TMP/default.json" &&
        ! grep -q '/node_modules/.package-lock.json' "$TMP/default.json" &&
        ! grep -q '/opt/old/' "$TMP/default.json"; then
        pass "hidden lockfile and deleted packages are not reported"
    else
        fail "hidden lockfile and deleted packages are not reported" \
            "node_modules/.package-lock.json or /opt/old listed"
    fi
fi

if "$VIGIL" sbom "$IMG" -q --format json --keep-os-owned >"$TMP/keep.json" 2>"$TMP/err"; then
    if why=$(compare keep "$TMP/keep.json" "$TMP/expected.tsv" "$FIX/os-owned.tsv"); then
        pass "--keep-os-owned adds the dpkg-owned Python packages and gem"
    else
        fail "--keep-os-owned adds the dpkg-owned Python packages and gem" "$why"
    fi
else
    fail "--keep-os-owned adds the dpkg-owned Python packages and gem" \
        "vigil sbom exited non-zero: $(head -c 300 "$TMP/err")"
fi

if sbom "sbom cyclonedx" "$TMP/cdx.json" --format cyclonedx; then
    missing=
    for purl in pkg:npm/lodash@4.17.15 pkg:npm/%40types/lodash@4.14.149 pkg:pypi/jinja2@2.10 \
        pkg:gem/rack@2.0.8 pkg:composer/guzzlehttp/guzzle@7.4.0 pkg:nuget/Newtonsoft.Json@12.0.1; do
        grep -qF "\"$purl\"" "$TMP/cdx.json" || missing="$missing $purl"
    done
    if [ -z "$missing" ]; then
        pass "cyclonedx carries the language purls"
    else
        fail "cyclonedx carries the language purls" "missing:$missing"
    fi
fi

exit $failed
