#!/usr/bin/env bash
# rpm and chisel inventories equal the package managers' own answers:
#  - sqlite (CBL-Mariner 2.0) and BerkeleyDB (libuuid, syft) databases: Debian's
#    `rpm --dbpath COPY -qa` on a copy of the same file, and the expected lists beside
#    the samples;
#  - ndb (SLE 15 BCI): the expected list beside the sample (Debian's rpm lacks ndb);
#  - chisel: the packages and paths of the manifest itself;
# plus layer attribution (a database changed by a second layer), a database removed by
# a whiteout, and a damaged database (a warning, not a failure).
# Images are built by tests/fixtures/make-rpm-images.py into
# ${VIGIL_CACHE:-~/.cache/vigil}/rpm-<hash of the script>/. Environment: VIGIL, VIGIL_CACHE,
# VIGIL_SHARED (default: <repo>/../shared).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=${VIGIL_SHARED:-$top/../shared}
VIGIL=${VIGIL:-$top/build/vigil}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
label=$(basename "$(dirname "$VIGIL")")
[ "$label" = build ] && label= || label=" ($label)"
pass() { echo "PASS: rpm: $1$label"; }
bad() { echo "FAIL: rpm: $1$label"; fail=1; }
skip() { echo "SKIP: rpm: $1$label: $2"; }

if [ ! -d "$shared/specs/pkgdb/rpm" ]; then
  skip "all" "$shared/specs/pkgdb/rpm not found (set VIGIL_SHARED)"
  exit 0
fi

# ---- the images, built once per version of the builder ----
builder=$top/tests/fixtures/make-rpm-images.py
cache=${VIGIL_CACHE:-$HOME/.cache/vigil}
imgs=$cache/rpm-$(sha256sum "$builder" | cut -c1-12)
if [ ! -f "$imgs/done" ]; then
  mkdir -p "$cache"
  build=$(mktemp -d "$cache/rpm-build.XXXXXX")
  if ! "$PY" "$builder" "$shared" "$build" > "$tmp/build.log" 2>&1; then
    bad "building the test images failed: $(tail -c 400 "$tmp/build.log")"
    rm -rf "$build"
    exit 1
  fi
  touch "$build/done"
  rm -rf "$imgs"
  mv "$build" "$imgs" 2>/dev/null || rm -rf "$build" # another run may have won
fi

# ---- helpers ----
cat > "$tmp/check.py" <<'EOF'
"""Helpers of test_rpm.sh: canonical package lines from vigil's JSON or from rpm-style
TSV (name, epoch, version, release, arch, sourcerpm, license)."""
import json
import sys


def source(srpm, epoch):
    for suffix in (".src.rpm", ".nosrc.rpm"):
        if srpm.endswith(suffix):
            srpm = srpm[: -len(suffix)]
    parts = srpm.rsplit("-", 2)
    if len(parts) != 3 or not all(parts):
        return "", ""
    return parts[0], epoch + parts[1] + "-" + parts[2]


def from_tsv(path):
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        f = [("" if x == "(none)" else x) for x in line.rstrip("\n").split("\t")]
        name, epoch, ver, rel, arch, srpm, lic = f
        e = epoch + ":" if epoch else ""
        sname, sver = source(srpm, e)
        print("\t".join([name, e + ver + "-" + rel, arch, sname, sver, lic]))


def from_json(path, ptype):
    for p in json.load(open(path, encoding="utf-8"))["packages"]:
        if p["type"] != ptype:
            continue
        print("\t".join(p.get(k) or "" for k in
                        ("name", "version", "arch", "source_name", "source_version",
                         "license")))


def layers(path, facts_path):
    """Checks the two-layer image: prints problems, nothing when all is well."""
    facts = json.load(open(facts_path))
    pkgs = [p for p in json.load(open(path))["packages"] if p["type"] == "rpm"]
    names = {p["name"]: p for p in pkgs}
    if len(pkgs) != 128:
        print("expected 128 packages, found %d" % len(pkgs))
    if facts["deleted"] in names:
        print("%s was deleted by layer 1 but is listed" % facts["deleted"])
    ch = names.get(facts["changed"])
    if not ch or not ch["version"].endswith("-" + facts["new_release"]) or ch["layer"] != 1:
        print("%s should have release %s from layer 1: %s" % (facts["changed"],
                                                            facts["new_release"], ch))
    wrong = [p["name"] for p in pkgs if p["name"] != facts["changed"] and p["layer"] != 0]
    if wrong:
        print("unchanged packages not attributed to layer 0: %s" % wrong[:5])


def chisel(path, manifest):
    """Prints "name version arch files" for each package of a plain jsonwall, and
    (with path=None) the same lines from vigil's JSON."""
    if manifest:
        recs = [json.loads(l) for l in open(manifest, encoding="utf-8") if l.strip()][1:]
        for r in recs:
            if r.get("kind") != "package":
                continue
            files = sum(1 for p in recs if p.get("kind") == "path" and
                        not p["path"].endswith("/") and
                        any(s.rsplit("_", 1)[0] == r["name"] for s in p["slices"]))
            print(r["name"], r["version"], r["arch"], files)
    else:
        for p in json.load(open(path))["packages"]:
            if p["type"] == "deb" and p["cataloger"] == "chisel":
                print(p["name"], p["version"], p.get("arch"), p.get("files", 0))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "tsv":
        from_tsv(sys.argv[2])
    elif cmd == "json":
        from_json(sys.argv[2], sys.argv[3])
    elif cmd == "layers":
        layers(sys.argv[2], sys.argv[3])
    elif cmd == "chisel":
        chisel(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
EOF
CHECK="$PY $tmp/check.py"

sbom() { # sbom IMAGE OUT: vigil's inventory JSON (stderr in OUT.err)
  "$VIGIL" sbom -q "$1" --format json > "$2" 2> "$2.err" || {
    bad "vigil sbom $1 failed: $(head -c 300 "$2.err")"; return 1; }
}

same() { # same NAME EXPECTED ACTUAL
  if [ ! -s "$2" ]; then
    bad "$1: the expected list is empty"
  elif diff -q "$2" "$3" > /dev/null; then
    pass "$1 ($(wc -l < "$2") packages matched)"
  else
    bad "$1: differs ($(wc -l < "$2") expected, $(wc -l < "$3") found)"
    diff "$2" "$3" | head -10 | sed 's/^/      /'
  fi
}

QF='%{NAME}\t%|EPOCH?{%{EPOCH}}:{}|\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\t%{LICENSE}\n'
rpm_qa() { # rpm_qa DBFILE BASENAME BACKEND OUT: rpm's answer on a private copy
  local d
  d=$(mktemp -d "$tmp/rpmdb.XXXXXX")
  cp "$1" "$d/$2" && chmod u+w "$d/$2"
  rpm --dbpath "$d" --define "_db_backend $3" -qa --qf "$QF" > "$d/qa" 2> "$d/qa.err" &&
    [ -s "$d/qa" ] && $CHECK tsv "$d/qa" | sort > "$4"
}

# ---- 1. sqlite and BerkeleyDB: rpm -qa, and the expected lists ----
for c in "sqlite sqlite-cbl-mariner-2.0 rpmdb.sqlite sqlite" \
         "bdb-libuuid bdb-libuuid Packages bdb_ro" "bdb-syft bdb-syft Packages bdb_ro"; do
  read -r img sample file backend <<< "$c"
  src=$shared/specs/pkgdb/rpm/$sample
  sbom "$imgs/$img" "$tmp/$img.json" || continue
  $CHECK json "$tmp/$img.json" rpm | sort > "$tmp/$img.got"
  if ! command -v rpm > /dev/null; then
    skip "$img vs rpm -qa" "rpm is not installed (scripts/deps.d/rpm.txt)"
  elif rpm_qa "$src/$file" "$file" "$backend" "$tmp/$img.rpm"; then
    same "$img vs rpm -qa" "$tmp/$img.rpm" "$tmp/$img.got"
  else
    bad "$img: rpm -qa could not read the sample"
  fi
  $CHECK tsv "$src/expected-packages.tsv" | sort > "$tmp/$img.tsv"
  same "$img vs expected-packages.tsv" "$tmp/$img.tsv" "$tmp/$img.got"
done

# purls: distro from os-release, epoch as a qualifier
if grep -q '"purl":"pkg:rpm/mariner/ca-certificates-base@2.0.0-1.cm2?arch=noarch&epoch=1&distro=mariner-2.0"' "$tmp/sqlite.json" 2> /dev/null; then
  pass "rpm purl carries epoch and distro"
else
  bad "rpm purl of ca-certificates-base not as expected"
fi

# ---- 2. ndb: the expected list (Debian's rpm cannot read ndb) ----
if sbom "$imgs/ndb" "$tmp/ndb.json"; then
  $CHECK json "$tmp/ndb.json" rpm | sort > "$tmp/ndb.got"
  $CHECK tsv "$shared/specs/pkgdb/rpm/ndb-sle15-bci/expected-packages.tsv" | sort > "$tmp/ndb.tsv"
  same "ndb vs expected-packages.tsv" "$tmp/ndb.tsv" "$tmp/ndb.got"
fi

# ---- 3. chisel: the manifest's own packages and their paths ----
if sbom "$imgs/chisel" "$tmp/chisel.json"; then
  $CHECK chisel - "$shared/specs/pkgdb/chisel/manifest.wall.uncompressed" | sort > "$tmp/chisel.want"
  $CHECK chisel "$tmp/chisel.json" | sort > "$tmp/chisel.got"
  same "chisel manifest (name, version, arch, files)" "$tmp/chisel.want" "$tmp/chisel.got"
fi

# ---- 4. layers ----
if sbom "$imgs/layers" "$tmp/layers.json"; then
  problems=$($CHECK layers "$tmp/layers.json" "$imgs/layers.json")
  if [ -z "$problems" ]; then
    pass "layer attribution: changed package in layer 1, deleted one gone, rest in layer 0"
  else
    bad "layer attribution: ${problems//$'\n'/; }"
  fi
fi
if sbom "$imgs/removed" "$tmp/removed.json"; then
  n=$($CHECK json "$tmp/removed.json" rpm | wc -l)
  [ "$n" -eq 0 ] && pass "a database deleted by a later layer lists nothing" ||
    bad "a deleted database still lists $n packages"
fi

# ---- 5. a damaged database: a warning, the scan goes on ----
if sbom "$imgs/corrupt" "$tmp/corrupt.json"; then
  n=$($CHECK json "$tmp/corrupt.json" rpm | wc -l)
  if [ "$n" -eq 0 ] && grep -q 'rpmdb.sqlite.*cannot be read as rpm' "$tmp/corrupt.json.err"; then
    pass "damaged rpmdb.sqlite: warning, no packages, exit 0"
  else
    bad "damaged rpmdb.sqlite: $n packages, stderr: $(head -c 200 "$tmp/corrupt.json.err")"
  fi
fi

exit $fail
