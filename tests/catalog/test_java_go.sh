#!/usr/bin/env bash
# Java and Go catalogers on a real image (tests/fixtures/make-appimages-java-go.sh): jars,
# wars, an ear and a Spring Boot jar assembled from Debian's jars, Go programs built from
# Debian's sources, and Debian packages installed by dpkg. Checks `vigil sbom --format
# json` against what the fixture builder recorded:
#   - maven packages: groupId, artifactId, version from pom.properties, nested locations
#     ("a.war!/WEB-INF/lib/b.jar"), manifest / file-name packages for the outer archives
#   - golang packages: modules, replacements and stdlib as `go version -m` shows them
#   - language packages in files listed by a dpkg info/*.list are dropped, and come back
#     with --keep-os-owned
# Prints PASS/FAIL/SKIP lines; exits non-zero on a failure.
# Environment: VIGIL (default build/vigil), VIGIL_CACHE, PYTHON, VIGIL_TIMEOUT (300 s).
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VIGIL=${VIGIL:-$ROOT/build/vigil}
case $VIGIL in /*) ;; *) VIGIL=$ROOT/$VIGIL ;; esac
PY=${PYTHON:-python3}
TIMEOUT=${VIGIL_TIMEOUT:-300}
VARIANT=$(basename "$(dirname "$VIGIL")")
failed=0
pass() { echo "PASS: java-go: $1 ($VARIANT)"; }
fail() { echo "FAIL: java-go: $1 ($VARIANT): $2"; failed=1; }
skip() { echo "SKIP: java-go: $1 ($VARIANT): $2"; }

if [ ! -x "$VIGIL" ]; then
    fail "binary" "$VIGIL not found or not executable (run make)"
    exit 1
fi
if ! FX=$(bash "$ROOT/tests/fixtures/make-appimages-java-go.sh"); then
    fail "fixture" "make-appimages-java-go.sh failed (see scripts/deps.d/java-go.txt)"
    exit 1
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-java-go.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# sbom OUT ARGS...: vigil sbom on the fixture; 0 on success
sbom() {
    local out=$1
    shift
    timeout "$TIMEOUT" "$VIGIL" sbom "$FX/oci" "$@" >"$out" 2>"$out.err"
}

# check NAME MODE JSON: compares JSON with the fixture's expectations (python, below)
check() {
    local msg
    if msg=$("$PY" - "$2" "$3" "$FX" <<'EOF'
import json, sys
mode, path, fx = sys.argv[1:4]
pkgs = json.load(open(path))["packages"]

def tsv(name):
    return {tuple(l.rstrip("\n").split("\t")) for l in open(fx + "/" + name) if l.strip()}

def rows(kind):
    return {(p.get("group") or "-", p["name"], p["version"], p["location"])
            for p in pkgs if p["type"] == kind}

def diff(got, want):
    return "missing %s; unexpected %s" % (sorted(want - got)[:5], sorted(got - want)[:5])

owned = {(r[0], r[1], r[2], r[3], r[4]) for r in tsv("expect-owned.tsv")}
owned_locs = {r[4] for r in owned}
if mode == "maven":
    got = {r for r in rows("maven") if r[3] not in owned_locs}
    want = tsv("expect-maven.tsv")
    if got != want:
        sys.exit(diff(got, want))
elif mode == "golang":
    got = {(r[1], r[2], r[3]) for r in rows("golang") if r[3] not in owned_locs}
    want = tsv("expect-golang.tsv")
    if got != want:
        sys.exit(diff(got, want))
elif mode == "dropped":
    bad = sorted(p["location"] for p in pkgs if p["location"].split("!")[0] in owned_locs)
    if bad:
        sys.exit("reported although dpkg owns them: %s" % bad[:5])
    debs = {p["name"] for p in pkgs if p["type"] == "deb"}
    need = {"libcommons-lang3-java", "liblog4j2-java", "fzf"}
    if not need <= debs:
        sys.exit("deb packages missing: %s" % sorted(need - debs))
elif mode == "kept":
    got = {(p["type"], p.get("group") or "-", p["name"], p["version"], p["location"])
           for p in pkgs}
    if not owned <= got:
        sys.exit("not brought back: %s" % sorted(owned - got)[:5])
elif mode == "details":
    purls = {p["purl"] for p in pkgs}
    for want in ("pkg:maven/org.apache.logging.log4j/log4j-core@2.19.0",
                 "pkg:maven/com.example/service@2.3.0",
                 "pkg:golang/github.com/google/uuid@v1.3.0", "pkg:golang/stdlib@v1.19.8"):
        if want not in purls:
            sys.exit("purl %s missing" % want)
    for p in pkgs:
        want = {"maven": 1, "golang": 2, "deb": 0}.get(p["type"])
        if want is not None and p["layer"] != want:
            sys.exit("%s %s at %s: layer %d, not %d" % (p["type"], p["name"], p["location"],
                                                      p["layer"], want))
    by_cat = {(p["type"], p["cataloger"]) for p in pkgs}
    if not {("maven", "java"), ("golang", "gobin")} <= by_cat:
        sys.exit("catalogers: %s" % sorted(by_cat))
elif mode == "cyclonedx":
    doc = json.load(open(path.replace(".json", ".cdx")))
    purls = {c.get("purl") for c in doc.get("components", [])}
    if "pkg:maven/org.apache.commons/commons-lang3@3.12.0" not in purls:
        sys.exit("commons-lang3 not among the CycloneDX components")
EOF
    ); then
        pass "$1"
    else
        fail "$1" "$msg"
    fi
}

if sbom "$TMP/default.json" --format json; then
    check "maven packages from pom.properties, manifests and file names, nested locations" \
        maven "$TMP/default.json"
    check "golang modules, replacements and stdlib as go version -m shows them" \
        golang "$TMP/default.json"
    check "packages in dpkg-owned files are dropped" dropped "$TMP/default.json"
    check "purls, layers and catalogers" details "$TMP/default.json"
else
    fail "sbom --format json" "exit $?: $(head -c 400 "$TMP/default.json.err")"
fi

if sbom "$TMP/default.cdx" --format cyclonedx; then
    check "CycloneDX lists the nested jars" cyclonedx "$TMP/default.json"
else
    fail "sbom --format cyclonedx" "exit $?: $(head -c 400 "$TMP/default.cdx.err")"
fi

if sbom "$TMP/kept.json" --format json --keep-os-owned; then
    check "--keep-os-owned brings dpkg-owned jars and binaries back" kept "$TMP/kept.json"
elif grep -qE "unrecognized option|unknown option" "$TMP/kept.json.err"; then
    skip "--keep-os-owned" "the CLI does not accept the option yet: $(head -c 200 "$TMP/kept.json.err" | tr '\n' ' ')"
else
    fail "sbom --keep-os-owned" "exit $?: $(head -c 400 "$TMP/kept.json.err")"
fi

exit $failed
