#!/usr/bin/env python3
"""Expected findings of the Go golden scan, computed without Vigil.

Usage: expect_go.py VULNDATA BINARY...

Modules: `go version -m BINARY` (the Go version as module "stdlib", each "dep" line; a
"=>" replacement line replaces the module before it; "(devel)" is not a version).
Records: golang-vulndb data/osv/GO-*.json of the raw archive, withdrawn ones left out.
Rules (SEMANTICS.md): ecosystem "Go", package name = module path; SEMVER ranges: each
"introduced" opens a range ("0" = no lower bound), "fixed" closes it exclusively,
"last_affected" inclusively; ranges are ORed; versions compare by golang.org/x/mod/semver
(below, written here: numeric major.minor.patch, a pre-release sorts before its release,
build metadata such as "+incompatible" is ignored); OSV versions carry no "v" and the Go
version is "1.19.8" for "go1.19.8". The fixed version of a finding is the "fixed" event
closing the range that holds the installed version (empty for an open range or a
last_affected one). One finding per module and GO id.
Prints "module<TAB>GO id<TAB>fixed" lines."""
import json
import re
import subprocess
import sys
import tarfile

SEMVER = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


def key(v):
    m = SEMVER.match(v)
    if not m:
        raise ValueError("not a semantic version: " + v)
    nums = tuple(int(x or 0) for x in m.group(1, 2, 3))
    pre = m.group(4)
    if pre is None:
        return nums + ((1,),)
    ids = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return nums + ((0,) + ids,)


def cmp(a, b):
    ka, kb = key(a), key(b)
    return (ka > kb) - (ka < kb)


def modules(binary):
    out = subprocess.run(["go", "version", "-m", binary], check=True, capture_output=True,
                         text=True).stdout
    mods = []
    for line in out.splitlines()[0:1]:
        gover = line.rsplit(" ", 1)[-1]
        mods.append(["stdlib", gover[2:] if gover.startswith("go") else gover])
    for line in out.splitlines()[1:]:
        f = line.strip().split("\t")
        if f[0] in ("mod", "dep") and len(f) >= 3:
            mods.append([f[1], f[2]])
        elif f[0] == "=>" and len(f) >= 3 and mods:
            mods[-1] = [f[1], f[2]]
    return [(m, v[1:] if v.startswith("v") else v) for m, v in mods if v != "(devel)"]


def affected_fix(version, ranges):
    """(True, fixed) when version lies in a range; (False, None) otherwise."""
    for r in ranges:
        if r.get("type") != "SEMVER":
            continue
        lo = None
        for e in r.get("events", []):
            if "introduced" in e:
                lo = e["introduced"]
            elif lo is not None and ("fixed" in e or "last_affected" in e):
                inside = lo == "0" or cmp(version, lo) >= 0
                if "fixed" in e and inside and cmp(version, e["fixed"]) < 0:
                    return True, e["fixed"]
                if "last_affected" in e and inside and cmp(version, e["last_affected"]) <= 0:
                    return True, ""
                lo = None
        if lo is not None and (lo == "0" or cmp(version, lo) >= 0):
            return True, ""
    return False, None


def main():
    vd, binaries = sys.argv[1], sys.argv[2:]
    mods = set()
    for b in binaries:
        mods.update(modules(b))
    names = {m for m, _ in mods}
    rows = set()
    with tarfile.open(vd + "/golang-vulndb.tar.gz") as t:
        for m in t:
            parts = m.name.split("/")
            if not (m.isfile() and parts[1:3] == ["data", "osv"] and len(parts) == 4
                    and m.name.endswith(".json")):
                continue
            doc = json.load(t.extractfile(m))
            if "withdrawn" in doc:
                continue
            for a in doc.get("affected", []):
                p = a.get("package", {})
                if p.get("ecosystem") != "Go" or p.get("name") not in names:
                    continue
                for mod, ver in mods:
                    if mod != p["name"]:
                        continue
                    hit, fixed = affected_fix(ver, a.get("ranges", []))
                    if hit:
                        rows.add((mod, doc["id"], fixed))
    for r in sorted(rows):
        print("\t".join(r))


if __name__ == "__main__":
    main()
