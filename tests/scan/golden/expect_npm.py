#!/usr/bin/env python3
"""Expected npm findings of the golden scans, computed without Vigil.

Usage: expect_npm.py VULNDATA LOCKFILE...

Packages: the "packages" of each package-lock.json (v2/v3; the root "" and "link"
entries are the application itself), name = the part after the last "node_modules/".
Records: nodejs-security-wg vuln/npm/<n>.json of the raw archive (module_name,
vulnerable_versions, patched_versions, cves). Rule (the feed's own meaning, SEMANTICS.md
node-semver): vulnerable iff the version satisfies vulnerable_versions and does not
satisfy patched_versions, decided by node-semver itself (npm's bundled `semver` module
run by `node`). The id: the advisory's only CVE, else NSWG-ECO-<id>; the expected line
lists both ("CVE|NSWG-ECO-n") and compare.py accepts either among Vigil's id and aliases.
The fixed column is the patched_versions range as written (Vigil shows a version taken
from it, so the golden test compares (package, id) only for this feed).
Prints "name<TAB>ids<TAB>patched" lines."""
import json
import os
import subprocess
import sys
import tarfile

SEMVER_JS = r"""
const semver = require(process.argv[1]);
const pairs = JSON.parse(require('fs').readFileSync(0, 'utf8'));
console.log(JSON.stringify(pairs.map(([v, r]) => r ? semver.satisfies(v, r) : false)));
"""
SEMVER_DIRS = ["/usr/lib/node_modules/npm/node_modules/semver",
               "/usr/share/nodejs/semver", "/usr/local/lib/node_modules/npm/node_modules/semver"]


def satisfies_many(pairs):
    mod = next(d for d in SEMVER_DIRS if os.path.isdir(d))
    out = subprocess.run(["node", "-e", SEMVER_JS, mod], input=json.dumps(pairs),
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def packages(lockfile):
    with open(lockfile) as f:
        doc = json.load(f)
    out = set()
    for path, p in (doc.get("packages") or {}).items():
        if not path or p.get("link") or "node_modules/" not in path or "version" not in p:
            continue
        out.add((path.rsplit("node_modules/", 1)[1], p["version"]))
    return out


def main():
    vd, locks = sys.argv[1], sys.argv[2:]
    pkgs = set()
    for lock in locks:
        pkgs |= packages(lock)
    names = {n for n, _ in pkgs}
    advs = []
    with tarfile.open(vd + "/nodejs-security-wg.tar.gz") as t:
        for m in t:
            parts = m.name.split("/")
            if not (m.isfile() and parts[1:3] == ["vuln", "npm"] and len(parts) == 4
                    and parts[3][:-5].isdigit() and parts[3].endswith(".json")):
                continue
            doc = json.load(t.extractfile(m))
            if doc.get("module_name") in names and doc.get("vulnerable_versions"):
                advs.append(doc)
    jobs, keys = [], []
    for doc in advs:
        for name, ver in pkgs:
            if name == doc["module_name"]:
                jobs += [[ver, doc["vulnerable_versions"]], [ver, doc.get("patched_versions") or ""]]
                keys.append((name, doc))
    res = satisfies_many(jobs)
    rows = set()
    for k, (name, doc) in enumerate(keys):
        if res[2 * k] and not res[2 * k + 1]:
            cves = [c for c in doc.get("cves") or [] if c.startswith("CVE-")]
            ids = ([cves[0]] if len(cves) == 1 else []) + ["NSWG-ECO-%s" % doc["id"]]
            rows.add((name, "|".join(ids), doc.get("patched_versions") or ""))
    for r in sorted(rows):
        print("\t".join(r))


if __name__ == "__main__":
    main()
