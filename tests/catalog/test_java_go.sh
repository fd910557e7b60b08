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

# ---- issue 20: archives as real projects ship them, built here with python zipfile ----
# fat jars nested five deep, a shaded jar, OSGi bundles, jars named with and without
# versions, MANIFEST values that need cleaning; each with its groupId:artifactId@version
J=$TMP/jars
mkdir -p "$J"
"$PY" - "$J" <<'EOF'
import io, sys, zipfile
out = sys.argv[1]

def jar(entries):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(name, data)
    return b.getvalue()

def pom(g, a, v, where=None):
    return (where or "META-INF/maven/%s/%s/pom.properties" % (g, a),
            "groupId=%s\nartifactId=%s\nversion=%s\n" % (g, a, v))

def mf(**kv):
    return ("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n" +
            "".join("%s: %s\r\n" % (k.replace("_", "-"), v) for k, v in kv.items()))

def write(name, data):
    open(out + "/" + name, "wb").write(data)

# five deep: app.jar > BOOT-INF/lib/level1 > lib/level2 > lib/level3 > lib/level4 > lib/level5
inner = jar([pom("org.deep", "level5", "5.0.0")])
for lvl in (4, 3, 2, 1):
    inner = jar([pom("org.deep", "level%d" % lvl, "%d.0.0" % lvl),
                 ("lib/level%d-%d.0.0.jar" % (lvl + 1, lvl + 1), inner)])
write("app-1.0.0.jar", jar([mf(Main_Class="org.springframework.boot.loader.JarLauncher"),
                            pom("com.acme", "app", "1.0.0"),
                            ("BOOT-INF/lib/level1-1.0.0.jar", inner)]))
# shaded: the jar's own pom plus the shaded dependencies' poms, one moved out of META-INF/maven
write("tool-shaded-2.1.jar", jar([pom("com.acme", "tool-shaded", "2.1"),
                                  pom("com.google.guava", "guava", "31.1-jre"),
                                  pom("org.slf4j", "slf4j-api", "1.7.36",
                                      "shaded/org/slf4j/pom.properties")]))
# OSGi bundles: group from Bundle-SymbolicName, version from Bundle-Version
write("org.apache.felix.scr-2.2.6.jar", jar([mf(Bundle_SymbolicName="org.apache.felix.scr; singleton:=true",
                                               Bundle_Version="2.2.6", Bundle_Name="%pluginName")]))
write("commons-io.jar", jar([mf(Bundle_SymbolicName="org.apache.commons.io",
                                Bundle_Version="2.11.0", Implementation_Title="Apache Commons IO")]))
# named with and without versions; manifest values to clean
write("jdom.jar", jar([mf(Implementation_Title="jdom", Implementation_Version="1.4 1855 April 22 2006")]))
write("elasticsearch-8.14.3.jar", jar([mf(Implementation_Title="org.elasticsearch#server;8.14.3")]))
write("netty-codec-4.1.100.Final.jar", jar([mf(Implementation_Title="Netty/Codec",
                                               Implementation_Version="4.1",
                                               Implementation_Vendor_Id="io.netty")]))
write("noversion.jar", jar([mf(Implementation_Title="noversion")]))
EOF
expect_java() {
    cat <<'EOF'
com.acme:app@1.0.0
org.deep:level1@1.0.0
org.deep:level2@2.0.0
org.deep:level3@3.0.0
org.deep:level4@4.0.0
org.deep:level5@5.0.0
com.acme:tool-shaded@2.1
com.google.guava:guava@31.1-jre
org.slf4j:slf4j-api@1.7.36
org.apache.felix:org.apache.felix.scr@2.2.6
org.apache.commons:commons-io@2.11.0
-:jdom@1.4
org.elasticsearch:server@8.14.3
io.netty:netty-codec@4.1.100.Final
EOF
}
if timeout "$TIMEOUT" "$VIGIL" sbom "fs:$J" --format json >"$TMP/jars.json" 2>"$TMP/jars.err"; then
    if msg=$("$PY" - "$TMP/jars.json" <(expect_java) <<'EOF'
import json, sys
pk = json.load(open(sys.argv[1]))["packages"]
got = sorted("%s:%s@%s" % (p.get("group") or "-", p["name"], p["version"]) for p in pk if p["type"] == "maven")
want = sorted(l.strip() for l in open(sys.argv[2]) if l.strip())
if got != want:
    sys.exit("missing %s; unexpected %s" % (sorted(set(want) - set(got)), sorted(set(got) - set(want))))
if any(not p["version"] for p in pk):
    sys.exit("a package with an empty version")
deep = [p["location"] for p in pk if p["name"] == "level5"]
if deep != ["/app-1.0.0.jar!/BOOT-INF/lib/level1-1.0.0.jar!/lib/level2-2.0.0.jar!/lib/level3-3.0.0.jar!/lib/level4-4.0.0.jar!/lib/level5-5.0.0.jar"]:
    sys.exit("five-deep location: %s" % deep)
EOF
    ); then
        pass "java archives: five-deep fat jar, shaded, OSGi, with and without versions, cleaned manifests"
    else
        fail "java archives" "$msg"
    fi
else
    fail "java archives: sbom fs:" "exit $?: $(head -c 300 "$TMP/jars.err")"
fi

exit $failed
