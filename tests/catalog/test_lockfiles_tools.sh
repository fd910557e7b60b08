#!/usr/bin/env bash
# Lockfiles written by the real package managers (docs/lockfiles.md, "Fixtures written by
# the real tools"): tests/fixtures/make-lockfiles-tools.sh runs yarn v1 (Debian's yarnpkg),
# yarn berry and pnpm (from the npm registry), bundler, composer, maven, poetry, pipenv, pdm
# (Debian's, offline against Debian's packaged gems / a path repository / /usr/share/maven-repo
# / a simple index on 127.0.0.1), and keeps
# each tool's own listing of the project. For every tool, the packages `vigil sbom fs:`
# reports for its lockfile must be exactly the ones the tool lists (name and version), with
# the direct / dev / optional flags the tool's listing shows where the format records them.
#
# One PASS or FAIL per tool; a tool that cannot run here is a SKIP naming the reason (a
# FAIL with CI=true). Environment: VIGIL (default build/vigil), VIGIL_CACHE, PYTHON, CI.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VIGIL=${VIGIL:-$ROOT/build/vigil}
case $VIGIL in /*) ;; *) VIGIL=$ROOT/$VIGIL ;; esac
PY=${PYTHON:-python3}
VARIANT=$(basename "$(dirname "$VIGIL")")
failed=0
pass() { echo "PASS: lockfiles-tools: $1 ($VARIANT)"; }
fail() { echo "FAIL: lockfiles-tools: $1 ($VARIANT): $2"; failed=1; }
skip() {
    if [ "${CI:-}" = true ]; then fail "$1" "$2"; else echo "SKIP: lockfiles-tools: $1 ($VARIANT): $2"; fi
}

if [ ! -x "$VIGIL" ]; then
    fail "binary" "$VIGIL not found or not executable (run make)"
    exit 1
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-lockfiles-tools.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
if ! FIX=$(bash "$ROOT/tests/fixtures/make-lockfiles-tools.sh" 2>"$TMP/fix.log"); then
    fail "fixture" "make-lockfiles-tools.sh failed: $(tail -3 "$TMP/fix.log")"
    exit 1
fi
if ! "$VIGIL" sbom "fs:$FIX/tree" -q --format json >"$TMP/sbom.json" 2>"$TMP/err"; then
    fail "sbom" "vigil sbom fs: exited non-zero: $(head -c 300 "$TMP/err")"
    exit 1
fi

# check TOOL: compares vigil's packages of the tool's lockfile with the tool's listing
# (the Python below knows each listing's format); prints the PASS detail or the problem
check() {
    local t=$1 st
    st=$(cat "$FIX/status/$t" 2>/dev/null || echo "no status (fixture incomplete)")
    if [ "$st" != ok ]; then
        skip "$t" "$st"
        return
    fi
    if "$PY" - "$t" "$TMP/sbom.json" "$FIX/lists" >"$TMP/$t.out" 2>&1 <<'PYEOF'; then
import json, os, re, sys
tool, sbom, lists = sys.argv[1:]
pkgs = json.load(open(sbom))["packages"]

def flags(p):
    s = ""
    if "direct" in p:
        s += "D" if p["direct"] else "I"
    if p.get("dev"):
        s += "v"
    if p.get("optional"):
        s += "o"
    return s or "-"

def vigil(loc, withflags=False):
    out = {}
    for p in pkgs:
        if p["location"] != loc:
            continue
        name = p["name"] if not p.get("group") else p["group"] + (":" if p["type"] == "maven" else "/") + p["name"]
        out[(name, p["version"])] = flags(p)
    return out if withflags else set(out)

def same(loc, tool_set, what):
    got = vigil(loc)
    if got != tool_set:
        sys.exit("%s: vigil only %s; %s only %s" % (loc, sorted(got - tool_set), what,
                                                   sorted(tool_set - got)))
    return len(got)

def npm_tree(node, out):
    for key in ("dependencies", "devDependencies", "optionalDependencies"):
        for name, d in (node.get(key) or {}).items():
            out.add((name, d["version"]))
            npm_tree(d, out)

if tool == "yarn-v1":
    # yarn list --json: {"type":"tree","data":{"trees":[{"name":"n@v","children":[...]}]}}
    want = set()
    def walk(trees):
        for t in trees:
            n, _, v = t["name"].rpartition("@")
            want.add((n, v))
            walk(t.get("children") or [])
    for line in open(os.path.join(lists, "yarn-v1.json")):
        doc = json.loads(line)
        if doc.get("type") == "tree":
            walk(doc["data"]["trees"])
    n = same("/srv/yarn-v1/yarn.lock", want, "yarn list")
    print("yarn.lock v1 by yarn %s: %d packages, as `yarn list --json`" % ("1.22", n))
elif tool == "yarn-berry":
    want = set()
    for line in open(os.path.join(lists, "yarn-berry.ndjson")):
        v = json.loads(line)["value"]
        if "@workspace:" in v:
            continue
        n, _, ver = v.rpartition("@npm:")
        want.add((n, ver))
    n = same("/srv/yarn-berry/yarn.lock", want, "yarn info")
    print("yarn.lock (berry, __metadata version 10): %d packages, as `yarn info --all --recursive --json`" % n)
elif tool == "pnpm":
    root = json.load(open(os.path.join(lists, "pnpm.json")))[0]
    want = set()
    npm_tree(root, want)
    loc = "/srv/pnpm/pnpm-lock.yaml"
    n = same(loc, want, "pnpm list")
    # direct = the importer's own dependencies; dev and optional as pnpm lists them
    got = vigil(loc, True)
    exp = {}
    for key, f in (("dependencies", "D"), ("devDependencies", "Dv"), ("optionalDependencies", "Do")):
        for name, d in (root.get(key) or {}).items():
            exp[(name, d["version"])] = f
    bad = ["%s@%s: %s, pnpm list says %s" % (k[0], k[1], got[k], exp.get(k, "I"))
           for k in sorted(got) if got[k] != exp.get(k, "I")]
    if bad:
        sys.exit("; ".join(bad))
    print("pnpm-lock.yaml (lockfileVersion 9.0): %d packages and their direct/dev/optional flags, as `pnpm list --depth Infinity --json`" % n)
elif tool == "bundler":
    want = set()
    for line in open(os.path.join(lists, "bundler.txt")):
        m = re.match(r"\s+\*\s+(\S+)\s+\((\S+)\)", line)
        if m:
            want.add((m.group(1), m.group(2)))
    loc = "/srv/bundler/Gemfile.lock"
    n = same(loc, want, "bundle list")
    got = vigil(loc, True)
    gemfile = {"rack-test", "mustermann"}
    bad = ["%s: %s" % (k[0], got[k]) for k in got if got[k] != ("D" if k[0] in gemfile else "I")]
    if bad:
        sys.exit("direct flags (Gemfile: %s): %s" % (sorted(gemfile), "; ".join(bad)))
    print("Gemfile.lock by bundle lock --local: %d gems and their direct flags, as `bundle list`" % n)
elif tool == "composer":
    locked = json.load(open(os.path.join(lists, "composer-locked.json")))["locked"]
    nodev = {p["name"] for p in json.load(open(os.path.join(lists, "composer-locked-nodev.json")))["locked"]}
    want = {(p["name"], p["version"]) for p in locked}
    loc = "/srv/composer/composer.lock"
    n = same(loc, want, "composer show")
    got = vigil(loc, True)
    bad = ["%s: %s" % (k[0], got[k]) for k in got if ("v" in got[k]) != (k[0] not in nodev)]
    if bad:
        sys.exit("dev flags (composer show --no-dev lists %s): %s" % (sorted(nodev), "; ".join(bad)))
    print("composer.lock by composer update: %d packages and their dev flags, as `composer show --locked`" % n)
elif tool == "poetry":
    # poetry show: "name (!) version description" ((!): not installed)
    def show(f):
        out = set()
        for line in open(os.path.join(lists, f)):
            w = [x for x in line.split() if x != "(!)"]
            if len(w) >= 2:
                out.add((w[0], w[1]))
        return out
    allp, main = show("poetry.txt"), show("poetry-main.txt")
    loc = "/srv/poetry/poetry.lock"
    n = same(loc, allp, "poetry show")
    got = vigil(loc, True)
    bad = ["%s: %s" % (k[0], got[k]) for k in got if ("v" in got[k]) != (k not in main)]
    if bad:
        sys.exit("dev flags (poetry show --only main lists %s): %s" % (sorted(main), "; ".join(bad)))
    print("poetry.lock by poetry lock: %d packages and their dev flags, as `poetry show`" % n)
elif tool == "pipenv":
    # pipenv requirements [--dev-only]: "name==version[; markers]" lines
    def reqs(f):
        out = set()
        for line in open(os.path.join(lists, f)):
            m = re.match(r"([A-Za-z0-9_.-]+)==([^;\s]+)", line.strip())
            if m:
                out.add((m.group(1).lower(), m.group(2)))
        return out
    default, dev = reqs("pipenv.txt"), reqs("pipenv-dev.txt")
    loc = "/srv/pipenv/Pipfile.lock"
    n = same(loc, default | dev, "pipenv requirements")
    got = vigil(loc, True)
    bad = ["%s: %s" % (k[0], got[k]) for k in got if ("v" in got[k]) != (k in dev)]
    if bad:
        sys.exit("dev flags (pipenv requirements --dev-only lists %s): %s" % (sorted(dev), "; ".join(bad)))
    print("Pipfile.lock by pipenv lock: %d packages and their dev flags, as `pipenv requirements [--dev-only]`" % n)
elif tool == "pdm":
    # pdm export -G :all -f requirements: every locked package (pdm 2.2's lock records
    # no groups, so no dev flags to compare)
    want = set()
    for line in open(os.path.join(lists, "pdm.txt")):
        m = re.match(r"([A-Za-z0-9_.-]+)==([^;\s]+)", line.strip())
        if m:
            want.add((m.group(1).lower(), m.group(2)))
    n = same("/srv/pdm/pdm.lock", want, "pdm export")
    print("pdm.lock by pdm lock (2.2): %d packages, as `pdm export -G :all`" % n)
elif tool == "maven":
    # mvn dependency:list: "   group:artifact:type:version:scope" (the resolved graph);
    # vigil reads the module's declared dependencies, whose versions come from the
    # parent POM (a property, dependencyManagement) and the BOM it imports: each must be
    # at the version mvn resolved
    resolved = {}
    for line in open(os.path.join(lists, "maven.txt")):
        f = line.strip().split(" ")[0].split(":")
        if len(f) >= 5:
            resolved[f[0] + ":" + f[1]] = f[-2]
    got = vigil("/srv/maven/app/pom.xml", True)
    declared = {"com.fasterxml.jackson.core:jackson-databind", "commons-io:commons-io",
                "commons-cli:commons-cli"}
    if {k[0] for k in got} != declared:
        sys.exit("module pom.xml: vigil %s, declared %s (mvn: %s)" % (sorted(got), sorted(declared), sorted(resolved.items())))
    bad = ["%s@%s (mvn: %s)" % (k[0], k[1], resolved.get(k[0])) for k in got
           if resolved.get(k[0]) != k[1] or got[k] != "D"]
    if bad:
        sys.exit("declared dependencies not as mvn resolved them: " + "; ".join(bad))
    if vigil("/srv/maven/pom.xml"):
        sys.exit("the parent pom.xml declares no dependency, vigil reports %s" % sorted(vigil("/srv/maven/pom.xml")))
    print("pom.xml module: %d declared dependencies, versions from the parent POM and an imported BOM, as `mvn dependency:list` resolves them (%d in its graph)" % (len(got), len(resolved)))
PYEOF
        pass "$t: $(cat "$TMP/$t.out")"
    else
        fail "$t" "$(tail -3 "$TMP/$t.out")"
    fi
}

for t in yarn-v1 yarn-berry pnpm bundler composer maven poetry pipenv pdm; do
    check "$t"
done

# Maven inheritance on hostile trees (no tool needed): a parent cycle, a chain deeper than
# the 8 POMs followed, a BOM importing itself, a property bomb across the chain. The scan
# must end with exit 0, resolve what is resolvable and warn once per file about the rest.
H=$TMP/hostile-pom
mkdir -p "$H/cyc/a" "$H/cyc/b" "$H/deep" "$H/bom" "$H/bomb/m"
pomf() { # file groupId artifactId version parent-xml props-xml managed-xml deps-xml
    printf '<project><modelVersion>4.0.0</modelVersion>%s<groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version><properties>%s</properties><dependencyManagement><dependencies>%s</dependencies></dependencyManagement><dependencies>%s</dependencies></project>\n' \
        "$5" "$2" "$3" "$4" "$6" "$7" "$8" >"$1"
}
dep() { printf '<dependency><groupId>%s</groupId><artifactId>%s</artifactId>%s</dependency>' "$1" "$2" "${3:+<version>$3</version>}"; }
par() { printf '<parent><groupId>h</groupId><artifactId>%s</artifactId><version>1</version>%s</parent>' "$1" "${2:+<relativePath>$2</relativePath>}"; }
pomf "$H/cyc/a/pom.xml" h a 1 "$(par b ../b/pom.xml)" "" "" "$(dep x cyc-ok 1.0)$(dep x cyc-missing '${nowhere}')"
pomf "$H/cyc/b/pom.xml" h b 1 "$(par a ../a/pom.xml)" "" "" ""
# deep/p0 .. p11, each the parent of the next; p11 declares a property only p0 defines
for i in $(seq 0 11); do
    mkdir -p "$H/deep/p$i"
    pomf "$H/deep/p$i/pom.xml" h "p$i" 1 "$([ "$i" -gt 0 ] && par "p$((i - 1))" "../p$((i - 1))/pom.xml")" \
        "$([ "$i" = 0 ] && echo '<top.version>9.9</top.version>')$([ "$i" = 10 ] && echo '<near.version>1.2</near.version>')" "" \
        "$([ "$i" = 11 ] && dep x deep-near '${near.version}')$([ "$i" = 11 ] && dep x deep-top '${top.version}')"
done
# a BOM importing itself, and a module using it
pomf "$H/bom/pom.xml" h bomself 1 "" "" \
    "<dependency><groupId>h</groupId><artifactId>bomself</artifactId><version>1</version><type>pom</type><scope>import</scope></dependency>$(dep x bom-ok 3.0)" \
    "$(dep x bom-ok)$(dep x bom-missing)"
# a property bomb: each level doubles the one below
props=""
for i in $(seq 1 30); do props="$props<b$i>\${b$((i - 1))}\${b$((i - 1))}</b$i>"; done
pomf "$H/bomb/pom.xml" h bombp 1 "" "<b0>x</b0>$props" "" ""
pomf "$H/bomb/m/pom.xml" h bombm 1 "$(par bombp)" "" "" "$(dep x bomb-dep '${b30}')$(dep x bomb-ok '${b0}')"
if timeout 120 "$VIGIL" sbom "fs:$H" --format json -o "$TMP/hostile.json" 2>"$TMP/hostile.err"; then
    if msg=$("$PY" - "$TMP/hostile.json" "$TMP/hostile.err" <<'PYEOF'
import json, sys
got = sorted((p["name"], p["version"]) for p in json.load(open(sys.argv[1]))["packages"])
want = [("bom-ok", "3.0"), ("bomb-ok", "x"), ("cyc-ok", "1.0"), ("deep-near", "1.2")]
if got != want:
    sys.exit("packages %s, expected %s" % (got, want))
err = open(sys.argv[2]).read()
for f in ("cyc/a/pom.xml", "deep/p11/pom.xml", "bom/pom.xml", "bomb/m/pom.xml"):
    if err.count(f + " (layer") != 1:
        sys.exit("expected one warning naming %s: %s" % (f, err[:400]))
print("%d resolved, 4 files warned about" % len(got))
PYEOF
    ); then
        pass "maven inheritance on hostile trees: parent cycle, 12-deep chain, self-importing BOM, property bomb ($msg)"
    else
        fail "maven hostile" "$msg"
    fi
else
    fail "maven hostile" "vigil sbom exited non-zero or timed out: $(head -c 300 "$TMP/hostile.err")"
fi

# direct / dev / optional flags carried through Vigil's CycloneDX and SPDX output: CycloneDX
# scope (excluded = dev, optional) and vigil:package:* properties, SPDX DEV_ / OPTIONAL_
# DEPENDENCY_OF relationships and sourceInfo; `vigil scan sbom:` of either must give every
# package back with the flags `vigil sbom --format json` has
for fmt in cyclonedx spdx; do
    if ! "$VIGIL" sbom "fs:$FIX/tree" -q --format "$fmt" -o "$TMP/out.$fmt.json" 2>"$TMP/err" ||
        ! "$VIGIL" scan "sbom:$TMP/out.$fmt.json" --scanners secret --format json \
            >"$TMP/back.$fmt.json" 2>"$TMP/err"; then
        fail "flags through $fmt" "$(head -c 300 "$TMP/err")"
        continue
    fi
    if "$PY" - "$fmt" "$TMP/sbom.json" "$TMP/out.$fmt.json" "$TMP/back.$fmt.json" >"$TMP/rt" 2>&1 <<'PYEOF'; then
import json, sys
fmt, orig, doc, back = sys.argv[1:]
def key(p):
    f = ("D" if p["direct"] else "I") if "direct" in p else ""
    f += "v" if p.get("dev") else ""
    f += "o" if p.get("optional") else ""
    return (p["purl"], p["location"], f or "-")
a = sorted(key(p) for p in json.load(open(orig))["packages"])
b = sorted(key(p) for p in json.load(open(back))["packages"])
if a != b:
    sys.exit("only in vigil sbom: %s; only after the round trip: %s" %
             (sorted(set(a) - set(b))[:6], sorted(set(b) - set(a))[:6]))
dev = sum(1 for k in a if "v" in k[2])
opt = sum(1 for k in a if "o" in k[2] and "v" not in k[2])
d = json.load(open(doc))
if fmt == "cyclonedx":
    sc = [c.get("scope") for c in d["components"]]
    got = (sc.count("excluded"), sc.count("optional"))
else:
    rel = [r["relationshipType"] for r in d["relationships"]]
    got = (rel.count("DEV_DEPENDENCY_OF"), rel.count("OPTIONAL_DEPENDENCY_OF"))
if got != (dev, opt):
    sys.exit("%s marks %d dev and %d optional packages, expected %d and %d" % ((fmt,) + got + (dev, opt)))
flagged = sum(1 for k in a if k[2] != "-")
print("%d packages, %d with flags (%d dev, %d optional)" % (len(a), flagged, dev, opt))
PYEOF
        pass "direct/dev/optional flags through $fmt and back with scan sbom: ($(cat "$TMP/rt"))"
    else
        fail "flags through $fmt" "$(tail -3 "$TMP/rt")"
    fi
done
exit $failed
