#!/usr/bin/env python3
"""Checks every vendor severity word the database holds against the raw feed.

usage: vendor_words.py DB VULNDATA

For each feed that rates vulnerabilities in words, the raw archive under VULNDATA is read
here (independently of Vigil's importers) and each record's word is mapped by the scale
the feed documents:

  ubuntu-cve-tracker   "Priority:" of each CVE file (Ubuntu's CVE priorities: negligible,
                       low, medium, high, critical; "untriaged" is no rating yet)
  azurelinux-oval      <severity> of each OVAL definition (Critical, High, Medium, Low)
  nodejs-security-wg   "severity" of each advisory (critical, high, medium, low;
                       "unknown" is no rating)
  almalinux-osv        the word before the colon of each errata summary (Red Hat's scale:
                       Critical, Important, Moderate, Low)
  debian-security-tracker  the urgency in the notes of each package line of the DSA, DLA
                       and DTSA lists ("(low; bug #1)"; unimportant, low, medium, high,
                       a trailing "*" or "**" only says how sure); a vulnerability's
                       rating is the highest urgency of its package lines

The database's ratings of kind 0 (a feed's own words) must be exactly these: every raw
word present under one of the record's ids, and no rating the raw feed does not give (a
feed's word is stored once as the record's and once as the highest of its package
statements, which for Ubuntu may be a package's own "Priority_PACKAGE:"; both count).
Prints one summary line per feed; exits 1 with the first differences.
"""
import collections
import json
import os
import re
import sqlite3
import sys
import tarfile

UBUNTU = {"negligible": "NEGLIGIBLE", "low": "LOW", "medium": "MEDIUM", "high": "HIGH",
          "critical": "CRITICAL"}
AZURE = {"Critical": "CRITICAL", "High": "HIGH", "Medium": "MEDIUM", "Low": "LOW"}
NODE = {"critical": "CRITICAL", "high": "HIGH", "medium": "MEDIUM", "low": "LOW"}
REDHAT = {"Critical": "CRITICAL", "Important": "HIGH", "Moderate": "MEDIUM", "Low": "LOW"}


def members(path):
    with tarfile.open(path) as t:
        for m in t:
            if m.isfile():
                yield m.name, t.extractfile(m).read()


def ubuntu(vd):
    """(ids, word, package words) per CVE file of active/ and retired/ (ignored/ holds
    CVEs Ubuntu never tracked)."""
    for name, data in members(os.path.join(vd, "ubuntu-cve-tracker.tar.gz")):
        parts = name.split("/")
        if len(parts) < 3 or parts[-2] not in ("active", "retired") or not parts[-1].startswith("CVE-"):
            continue
        m = re.search(rb"^Priority: *([a-z]+)", data, re.M)
        pkg = {UBUNTU.get(w.decode()) for w in re.findall(rb"^Priority_[^:]+: *([a-z]+)", data, re.M)}
        yield {parts[-1]}, UBUNTU.get(m.group(1).decode()) if m else None, pkg - {None}


def azure(vd):
    for name, data in members(os.path.join(vd, "azurelinux-oval.tar.gz")):
        if not name.endswith(".xml"):
            continue
        for d in re.finditer(rb"<definition .*?</definition>", data, re.S):
            body = d.group(0)
            cve = re.search(rb'<reference [^>]*ref_id="(CVE-[0-9]+-[0-9]+)"', body)
            sev = re.search(rb"<severity>([^<]*)</severity>", body)
            if cve:
                yield {cve.group(1).decode()}, AZURE.get(sev.group(1).decode()) if sev else None, set()


def node(vd):
    for name, data in members(os.path.join(vd, "nodejs-security-wg.tar.gz")):
        m = re.search(r"/vuln/(core|npm)/([0-9]+)\.json$", name)
        if not m:
            continue
        d = json.loads(data)
        ids = set(d.get("cve") or [])
        ids.add(("NSWG-CORE-" if m.group(1) == "core" else "NSWG-ECO-") + m.group(2))
        yield ids, NODE.get(str(d.get("severity", "")).lower()), set()


def alma(vd):
    for name, data in members(os.path.join(vd, "almalinux-osv.tar.gz")):
        if not name.endswith(".json"):
            continue
        d = json.loads(data)
        if not d.get("id", "").startswith("ALSA-"):
            continue
        ids = {d["id"]} | set(d.get("aliases") or []) | set(d.get("upstream") or [])
        word = d.get("summary", "").split(":", 1)[0]
        yield ids, REDHAT.get(word), set()


DEBIAN = {"unimportant": "NEGLIGIBLE", "low": "LOW", "medium": "MEDIUM", "high": "HIGH"}
RANK = ["NEGLIGIBLE", "LOW", "MEDIUM", "HIGH", "CRITICAL"]


def debian(vd):
    """One (ids, highest urgency) per vulnerability named by the advisory lists: a block
    is an advisory line, its {CVE ...} line and its package lines; the urgency of a block
    rates each of its CVEs (the advisory itself when it names none)."""
    best = {}
    for name, data in members(os.path.join(vd, "debian-security-tracker.tar.gz")):
        if not re.search(r"/data/(DSA|DLA|DTSA)/list$", name):
            continue
        for block in re.split(rb"\n(?=\[)", data):
            head = re.match(rb"\[[^\]]*\] *([A-Z]+-[0-9-]+)", block)
            if not head:
                continue
            cves = re.findall(rb"CVE-[0-9]+-[0-9]+", (re.search(rb"\{([^}]*)\}", block) or
                                                     re.match(rb"", b"")).group(0))
            ids = [c.decode() for c in cves] or [head.group(1).decode()]
            for notes in re.findall(rb"^\s+(?:\[[a-z-]+\] )?- \S+[^(\n]*\(([^)\n]*)\)", block, re.M):
                for w in notes.split(b";"):
                    sev = DEBIAN.get(w.strip().rstrip(b"*").decode("utf-8", "replace"))
                    for i in ids if sev else ():
                        if RANK.index(sev) > RANK.index(best.get(i, sev)) or i not in best:
                            best[i] = sev
    for i, sev in sorted(best.items()):
        yield {i}, sev, set()


FEEDS = {"ubuntu-cve-tracker": ubuntu, "azurelinux-oval": azure,
         "nodejs-security-wg": node, "almalinux-osv": alma,
         "debian-security-tracker": debian}


def main():
    db, vd = sys.argv[1], sys.argv[2]
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    failed = False
    for feed, reader in FEEDS.items():
        stored = collections.defaultdict(set)
        rows = 0
        for vid, sev in con.execute(
                "SELECT v.vuln_id, r.severity FROM ratings r JOIN vulns v ON v.id = r.vuln "
                "JOIN names n ON n.id = r.feed WHERE r.kind = 0 AND n.name = ?", (feed,)):
            stored[vid].add(sev)
            rows += 1
        words, allowed = collections.Counter(), collections.defaultdict(set)
        missing, records, rated = [], 0, 0
        for ids, want, pkg in reader(vd):
            records += 1
            for i in ids:
                allowed[i] |= pkg | ({want} if want else set())
            if want is None:
                continue
            rated += 1
            words[want] += 1
            if not any(want in stored.get(i, ()) for i in ids):
                missing.append("%s: %s not in the database (it has %s)" % (
                    "/".join(sorted(ids)), want,
                    {i: sorted(stored[i]) for i in ids if i in stored} or "nothing"))
        extra = ["%s: %s, which the raw feed does not give" % (i, s)
                 for i, ss in stored.items() for s in ss if s not in allowed.get(i, ())]
        print("%s: %d records, %d rated (%s); database: %d ratings, %d missing, %d extra" % (
            feed, records, rated, ", ".join("%s %d" % kv for kv in sorted(words.items())),
            rows, len(missing), len(extra)))
        if records == 0 or rated == 0 or missing or extra:
            failed = True
            for line in (missing + extra)[:5]:
                print("  " + line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
