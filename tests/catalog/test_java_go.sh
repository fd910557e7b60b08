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

# ---- issue 20: Go build information in Mach-O and PE binaries ----
# The same module-mode program built for linux, darwin (amd64, arm64) and windows with
# GOOS/GOARCH; every build must give the packages `go version -m` lists for it.
if command -v go >/dev/null 2>&1; then
    G=$TMP/gobin
    mkdir -p "$G/src/dep" "$G/out"
    cat >"$G/src/go.mod" <<'EOF'
module example.com/crossapp

go 1.19

require example.com/dep v1.4.2

replace example.com/dep v1.4.2 => ./dep
EOF
    printf 'module example.com/dep\n\ngo 1.19\n' >"$G/src/dep/go.mod"
    printf 'package dep\n\nfunc Hello() string { return "hi" }\n' >"$G/src/dep/dep.go"
    printf 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/dep"\n)\n\nfunc main() { fmt.Println(dep.Hello()) }\n' >"$G/src/main.go"
    gocache=${VIGIL_CACHE:-$HOME/.cache/vigil}/gocache-cross
    mkdir -p "$gocache"
    ok=1
    for t in linux/amd64:crossapp darwin/amd64:crossapp-darwin darwin/arm64:crossapp-arm64 windows/amd64:crossapp.exe; do
        os=${t%%/*}; rest=${t#*/}; arch=${rest%%:*}; out=${t##*:}
        if ! (cd "$G/src" && env GOOS=$os GOARCH=$arch CGO_ENABLED=0 GOFLAGS=-mod=mod GOPROXY=off \
                GOCACHE="$gocache" GOPATH="$G/gopath" GOTOOLCHAIN=local \
                go build -trimpath -o "$G/out/$out" . ) >"$G/build.log" 2>&1; then
            fail "go $os/$arch build" "$(tail -3 "$G/build.log")"; ok=0; continue
        fi
    done
    chmod 0644 "$G/out/crossapp.exe" # a Windows layer's file: no executable bit
    # a fat (universal) Mach-O of the two darwin builds, laid out as lipo does: the fat
    # header and its arch table (big-endian), each slice at a 2^14-aligned offset
    if [ $ok = 1 ] && ! "$PY" - "$G/out/crossapp-darwin" "$G/out/crossapp-arm64" \
            "$G/out/crossapp-universal" >"$G/fat.log" 2>&1 <<'EOF'
import struct, sys
slices = [open(f, "rb").read() for f in sys.argv[1:3]]
align, off, table, body = 14, 1 << 14, b"", b""
for s in slices:
    cpu, sub = struct.unpack("<iI", s[4:12])
    table += struct.pack(">iIIII", cpu, sub, off + len(body), len(s), align)
    body += s + b"\0" * (-len(s) % (1 << align))
head = struct.pack(">II", 0xcafebabe, len(slices)) + table
with open(sys.argv[3], "wb") as f:
    f.write(head + b"\0" * (off - len(head)) + body)
EOF
    then
        fail "go fat Mach-O" "$(tail -3 "$G/fat.log")"; ok=0
    fi
    chmod 0755 "$G/out/crossapp-universal" 2>/dev/null
    chmod -R u+w "$G/gopath" 2>/dev/null
    if [ $ok = 1 ] && timeout "$TIMEOUT" "$VIGIL" sbom "fs:$G/out" --format json >"$TMP/gobin.json" 2>"$TMP/gobin.err"; then
        if msg=$("$PY" - "$TMP/gobin.json" "$G/out" <<'EOF'
import json, os, shutil, subprocess, sys
pk = json.load(open(sys.argv[1]))["packages"]
out = sys.argv[2]
for f in ("crossapp", "crossapp-darwin", "crossapp-arm64", "crossapp.exe", "crossapp-universal"):
    # what the toolchain says it wrote (go version reads no fat file: its amd64 slice)
    path = out + "/" + (f if f != "crossapp-universal" else "crossapp-darwin")
    if f.endswith(".exe"): # go version skips files without the executable bit
        shutil.copy(path, out + "/../probe.exe")
        os.chmod(out + "/../probe.exe", 0o755)
        path = out + "/../probe.exe"
    m = subprocess.run(["go", "version", "-m", path], capture_output=True, text=True).stdout
    want = []
    lines = [l.split("\t") for l in m.splitlines()]
    gov = lines[0][-1].strip().split()[-1] if lines else ""
    for l in lines[1:]:
        if len(l) >= 4 and l[1] in ("mod", "dep"):
            want.append((l[2], l[3]))
        elif len(l) >= 4 and l[1] == "=>" and want: # a replacement: the module as built
            want[-1] = (want[-1][0], l[3])
    want = set(want)
    got = {(p["name"], p["version"]) for p in pk if p["type"] == "golang"
           and p["location"] == "/" + f and p["name"] != "stdlib"}
    std = [p["version"] for p in pk if p["location"] == "/" + f and p["name"] == "stdlib"]
    if not want or got != want:
        sys.exit("%s: got %s, go version -m says %s" % (f, sorted(got), sorted(want)))
    if std != ["v" + gov.replace("go", "")]:
        sys.exit("%s: stdlib %s, toolchain %s" % (f, std, gov))
EOF
        ); then
            pass "go buildinfo from ELF, Mach-O (amd64, arm64, fat universal) and PE builds of one program"
        else
            fail "go Mach-O / PE" "$msg"
        fi
    elif [ $ok = 1 ]; then
        fail "go Mach-O / PE: sbom" "$(head -c 300 "$TMP/gobin.err")"
    fi
elif [ "${CI:-}" = true ]; then
    fail "go Mach-O / PE" "go not installed (golang-go)"
else
    skip "go Mach-O / PE" "go not installed (golang-go)"
fi

exit $failed
