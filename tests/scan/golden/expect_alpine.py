#!/usr/bin/env python3
"""Expected findings of an Alpine golden scan, computed without Vigil.

Usage: expect_alpine.py ROOTFS VULNDATA

Installed packages: ROOTFS/lib/apk/db/installed (P: name, V: version, o: origin).
Release: the major.minor of ROOTFS/etc/alpine-release; its secdb bucket is
alpine-secdb/vX.Y/{main,community}.yaml in the raw archive (read with tarfile; a release
with no bucket has no records, so no findings). Rules (SEMANTICS.md): records are keyed
by the ORIGIN (source) package; each secfixes item's id is its first whitespace-separated
word with "CVE_" read as "CVE-"; fixed version "0" = never affected; vulnerable iff the
installed version is lower than the fixed version by apk's order (apkver.py, written
from apk-tools' rules); when one origin lists an id under several fixed versions the
highest wins. One finding per binary package and id.
Prints "binary<TAB>id<TAB>fixed" lines."""
import os
import sys
import tarfile

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apkver  # noqa: E402


def installed(root):
    pkgs, cur = [], {}
    with open(root + "/lib/apk/db/installed") as f:
        for line in f.read().split("\n") + [""]:
            if not line.strip():
                if "P" in cur:
                    pkgs.append((cur["P"], cur["V"], cur.get("o", cur["P"])))
                cur = {}
            elif len(line) > 2 and line[1] == ":":
                cur[line[0]] = line[2:]
    return pkgs


def secdb(vd, release):
    fixes = {}  # (origin, id) -> highest fixed version
    with tarfile.open(vd + "/alpine-secdb.tar.gz") as t:
        for m in t:
            parts = m.name.split("/")
            if not (m.isfile() and len(parts) == 3 and parts[1] == "v" + release
                    and parts[2].endswith(".yaml")):
                continue
            doc = yaml.safe_load(t.extractfile(m))
            for p in doc.get("packages") or []:
                name = p["pkg"]["name"]
                for fixed, ids in (p["pkg"].get("secfixes") or {}).items():
                    for item in ids or []:
                        words = str(item).split()
                        if not words:
                            continue
                        vid = words[0].replace("CVE_", "CVE-")
                        key = (name, vid)
                        fixed = str(fixed)
                        if key not in fixes or apkver.compare(fixes[key], fixed) < 0:
                            fixes[key] = fixed
    return fixes


def main():
    root, vd = sys.argv[1:3]
    with open(root + "/etc/alpine-release") as f:
        release = ".".join(f.read().strip().split(".")[:2])
    fixes = secdb(vd, release)
    rows = set()
    for name, ver, origin in installed(root):
        for (o, vid), fixed in fixes.items():
            if o == origin and fixed != "0" and apkver.compare(ver, fixed) < 0:
                rows.add((name, vid, fixed))
    for r in sorted(rows):
        print("\t".join(r))


if __name__ == "__main__":
    main()
