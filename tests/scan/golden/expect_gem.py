#!/usr/bin/env python3
"""Expected RubyGems findings of the golden scans, computed without Vigil.

Usage: expect_gem.py VULNDATA SPECIFICATIONS-DIR...

Gems: RubyGems' own listing of installed gems, the file names
<name>-<version>.gemspec in each specifications/ directory (the version is the part
after the last "-" that starts with a digit). Records: ruby-advisory-db
gems/<gem>/*.yml of the raw archive. Rule (SEMANTICS.md): vulnerable iff the version
satisfies none of patched_versions and none of unaffected_versions (RubyGems
requirement strings, "," = AND), decided by gemver.py (Gem::Version / Gem::Requirement
rules written here, checked on ../shared/specs/vercmp/rubygems). The id: "CVE-<cve>",
"GHSA-<ghsa>" and the file's name, as alternatives. The fixed column is the
patched_versions list as written (compared by (package, id) only).
Prints "gem<TAB>ids<TAB>patched" lines."""
import os
import re
import sys
import tarfile

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gemver  # noqa: E402


def gems(dirs):
    out = set()
    for d in dirs:
        for f in os.listdir(d):
            m = re.match(r"^(.+)-([0-9][^-]*)\.gemspec$", f)
            if m:
                out.add((m.group(1), m.group(2)))
    return out


def main():
    vd, dirs = sys.argv[1], sys.argv[2:]
    installed = gems(dirs)
    names = {n for n, _ in installed}
    rows = set()
    with tarfile.open(vd + "/ruby-advisory-db.tar.gz") as t:
        for m in t:
            parts = m.name.split("/")
            if not (m.isfile() and len(parts) == 4 and parts[1] == "gems"
                    and parts[2] in names and parts[3].endswith(".yml")):
                continue
            doc = yaml.safe_load(t.extractfile(m))
            patched = doc.get("patched_versions") or []
            unaffected = doc.get("unaffected_versions") or []
            ids = []
            if doc.get("cve"):
                ids.append("CVE-%s" % doc["cve"])
            if doc.get("ghsa"):
                ids.append("GHSA-%s" % doc["ghsa"])
            ids.append(parts[3][:-4])
            for name, ver in installed:
                if name != doc.get("gem"):
                    continue
                if any(gemver.satisfied(ver, r) for r in list(patched) + list(unaffected)):
                    continue
                rows.add((name, "|".join(dict.fromkeys(ids)), ", ".join(patched)))
    for r in sorted(rows):
        print("\t".join(r))


if __name__ == "__main__":
    main()
