#!/usr/bin/env python3
"""Expected findings of the Debian golden scan, computed without Vigil.

Usage: expect_debian.py ROOTFS VULNDATA RELEASE [--tracker]

Installed packages: `dpkg-query --admindir ROOTFS/var/lib/dpkg` (binary name, source
name, source version; status "installed" only). Records: the raw archives of
../shared/vulndata, read with tarfile:
  * debian-changelog-osv: OSV records of ecosystem "Debian:RELEASE"; the package is the
    SOURCE package; the id is the record's CVE alias (x_DEBCL ids are derived records);
    the fixed version is the ECOSYSTEM range's "fixed" event;
  * with --tracker, debian-security-tracker data/DSA/list and data/DLA/list: the lines
    "[codename] - srcpkg version" of advisories (codename of RELEASE: data/config.json's
    "major-version", else SEMANTICS.md's map, bullseye = 11), one statement per CVE of the advisory ("{CVE-...}"), or the
    advisory id itself when it names none; "<...>" kinds carry no version and are
    skipped.
Rules: within one feed, per (source package, CVE), the highest fixed version of its
statements wins (SEMANTICS.md: a DSA/DLA overrides only if newer); fixed "0" = not
affected; a feed says "affected" iff the installed SOURCE version is lower than its fixed
version (or it knows no fix), compared by `dpkg --compare-versions`. Across feeds, a feed
that says the installed version is fixed wins: the tracker's "[bullseye] - xz-utils
5.2.5-2.1~deb11u1" (DSA-5123-1) is the fix bullseye got, while the changelog-derived
record names 5.2.5-2.1, the sid upload whose entry the backport carried. An installed
version that is Debian's rebuild of the fixed version for a stable release or backports
(`X~debNuM`, `X~bpoN+M`) has its fixes: not affected. The fixed version shown is the
highest of the feeds'. One finding per binary package and CVE.
Prints "binary<TAB>id<TAB>fixed" lines."""
import functools
import json
import re
import subprocess
import sys
import tarfile


# The release map of SEMANTICS.md (vunnel), used when data/config.json gives no
# "major-version" (the copy here has none).
CODENAMES = {"duke": "15", "forky": "14", "trixie": "13", "bookworm": "12", "bullseye": "11",
             "buster": "10", "stretch": "9", "jessie": "8", "wheezy": "7"}


@functools.lru_cache(maxsize=None)
def dpkg_lt(a, b):
    return subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0


def rebuild_of(ver, fixed):
    """Debian's stable-release or backports rebuild of the fixed version itself
    (`X~deb12u6`, `X~bpo12+1`: the Debian developer's reference, "stable updates" and
    backports versioning): it has X's fixes although dpkg sorts it just below X."""
    return re.fullmatch(re.escape(fixed) + r"~(deb[0-9]+u[0-9]+|bpo[0-9]+\+[0-9]+)", ver) is not None


def dpkg_max(a, b):
    return b if dpkg_lt(a, b) else a


def installed(root):
    out = subprocess.run(
        ["dpkg-query", "--admindir", root + "/var/lib/dpkg", "-W", "-f",
         "${Package}\t${db:Status-Status}\t${source:Package}\t${source:Version}\n"],
        check=True, capture_output=True, text=True).stdout
    pkgs = []
    for line in out.splitlines():
        name, status, src, srcver = line.split("\t")
        if status == "installed":
            pkgs.append((name, src, srcver))
    return pkgs


def changelog_records(vd, release, sources, stmts):
    eco = "Debian:" + release
    with tarfile.open(vd + "/debian-changelog-osv.tar.gz") as t:
        for m in t:
            if not (m.isfile() and m.name.endswith(".json") and f"/Debian-{release}/" in m.name):
                continue
            doc = json.load(t.extractfile(m))
            vid = doc["id"]
            if vid.startswith("x_") and doc.get("aliases"):
                vid = doc["aliases"][0]
            for a in doc.get("affected", []):
                p = a["package"]
                if p["ecosystem"] != eco or p["name"] not in sources:
                    continue
                fixed = None
                for r in a.get("ranges", []):
                    for e in r.get("events", []):
                        if "fixed" in e:
                            fixed = e["fixed"]
                stmts.append(("changelog", p["name"], vid, fixed))


def tracker_records(vd, release, sources, stmts):
    with tarfile.open(vd + "/debian-security-tracker.tar.gz") as t:
        config = json.load(t.extractfile("debian-security-tracker/data/config.json"))
        names = [n for n, d in config["distributions"].items()
                 if str(d.get("major-version")) == release]
        names = names or [n for n, v in CODENAMES.items() if v == release]
        if not names:
            sys.exit("expect_debian.py: no codename for Debian " + release)
        for lst in ("DSA", "DLA"):
            text = t.extractfile(f"debian-security-tracker/data/{lst}/list").read().decode()
            adv, cves = None, []
            for line in text.splitlines():
                head = re.match(r"^\[[^\]]+\]\s+(D[SL]A-\S+)", line)
                if head:
                    adv, cves = head.group(1), []
                    continue
                ids = re.match(r"^\s+\{(.*)\}", line)
                if ids:
                    cves = ids.group(1).split()
                    continue
                fix = re.match(r"^\s+\[(\S+)\]\s+-\s+(\S+)\s+(\S+)", line)
                if fix and adv and fix.group(1) in names and fix.group(2) in sources:
                    if fix.group(3).startswith("<"):
                        continue
                    for vid in cves or [adv]:
                        stmts.append(("tracker", fix.group(2), vid, fix.group(3)))


def main():
    root, vd, release = sys.argv[1:4]
    pkgs = installed(root)
    sources = {src for _, src, _ in pkgs}
    stmts = []
    changelog_records(vd, release, sources, stmts)
    if "--tracker" in sys.argv[4:]:
        tracker_records(vd, release, sources, stmts)
    best = {}  # (source, id) -> {feed: highest fixed version ("" = no fix known)}
    for feed, src, vid, fixed in stmts:
        per = best.setdefault((src, vid), {})
        if fixed is None or per.get(feed) == "":
            per[feed] = ""
        elif feed not in per:
            per[feed] = fixed
        else:
            per[feed] = dpkg_max(per[feed], fixed)
    srcver_of = {src: ver for _, src, ver in pkgs}
    verdict = {}  # (source, id) -> fixed version shown, for the vulnerable ones
    for (src, vid), per in best.items():
        ver = srcver_of[src]
        if all(f != "0" and (f == "" or (dpkg_lt(ver, f) and not rebuild_of(ver, f)))
               for f in per.values()):
            fixes = [f for f in per.values() if f]
            shown = ""
            for f in fixes:
                shown = f if not shown else dpkg_max(shown, f)
            verdict[(src, vid)] = shown
    rows = set()
    for name, src, _ in pkgs:
        for (s, vid), fixed in verdict.items():
            if s == src:
                rows.add((name, vid, fixed))
    for r in sorted(rows):
        print("\t".join(r))


if __name__ == "__main__":
    main()
