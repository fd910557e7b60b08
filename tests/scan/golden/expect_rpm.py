#!/usr/bin/env python3
"""Expected findings of the RHEL 8 golden scan, computed without Vigil.

Usage: expect_rpm.py ROOTFS VULNDATA

Installed packages: `rpm -qa --dbpath ROOTFS/var/lib/rpm` (name, epoch, version,
release, arch, modularity label). Release: VERSION_ID of ROOTFS/etc/os-release, major
only ("8.5" -> AlmaLinux:8). Records: almalinux-osv advisories/almalinuxN/ALSA-*.json
from the raw archive (ALBA/ALEA are not security advisories and are left out).
Rules (SEMANTICS.md): matched by BINARY package name; fixed "[epoch:]version-release"
(missing epoch = 0; version and release split at the last "-"); vulnerable iff the
installed EVR is lower by rpm.labelCompare (python3-rpm); only x86_64/noarch packages;
a record whose fixed release is a module build (".module") applies only to packages
with a modularity label, and the rest only to packages without one; several fixed
versions of one package in one advisory: the highest wins. One finding per binary
package and advisory. Prints "name<TAB>ALSA id<TAB>fixed" lines."""
import json
import subprocess
import sys
import tarfile

import rpm


def evr(s):
    epoch, _, rest = s.rpartition(":") if ":" in s else ("0", "", s)
    ver, _, rel = rest.rpartition("-")
    return (epoch or "0", ver, rel)


def installed(root):
    out = subprocess.run(
        ["rpm", "-qa", "--dbpath", root + "/var/lib/rpm", "--define", "_db_backend sqlite",
         "--qf", "%{NAME}\t%{EPOCHNUM}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{MODULARITYLABEL}\n"],
        check=True, capture_output=True, text=True).stdout
    pkgs = []
    for line in out.splitlines():
        name, epoch, ver, rel, arch, label = line.split("\t")
        if arch in ("x86_64", "noarch"):
            pkgs.append((name, (epoch, ver, rel), label not in ("", "(none)")))
    return pkgs


def main():
    root, vd = sys.argv[1:3]
    with open(root + "/etc/os-release") as f:
        osr = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
    major = osr["VERSION_ID"].strip('"').split(".")[0]
    pkgs = installed(root)
    names = {p[0] for p in pkgs}
    fixes = {}  # (name, module?, advisory) -> highest fixed
    with tarfile.open(vd + "/almalinux-osv.tar.gz") as t:
        for m in t:
            base = m.name.rsplit("/", 1)[-1]
            if not (m.isfile() and f"/advisories/almalinux{major}/" in m.name
                    and base.startswith("ALSA-") and base.endswith(".json")):
                continue
            doc = json.load(t.extractfile(m))
            for a in doc.get("affected", []):
                p = a["package"]
                if p["ecosystem"] != "AlmaLinux:" + major or p["name"] not in names:
                    continue
                for r in a.get("ranges", []):
                    for e in r.get("events", []):
                        if "fixed" not in e:
                            continue
                        key = (p["name"], ".module" in e["fixed"], doc["id"])
                        if key not in fixes or rpm.labelCompare(evr(fixes[key]), evr(e["fixed"])) < 0:
                            fixes[key] = e["fixed"]
    rows = set()
    for name, inst, modular in pkgs:
        for (n, mod, vid), fixed in fixes.items():
            if n == name and mod == modular and rpm.labelCompare(inst, evr(fixed)) < 0:
                rows.add((name, vid, fixed))
    for r in sorted(rows):
        print("\t".join(r))


if __name__ == "__main__":
    main()
