#!/usr/bin/env python3
"""Checks the severity of every finding of scan reports against the raw feed it names.

usage: golden_severity.py VULNDATA REPORT.json...

Each finding says where its severity came from (`severity_source`): a feed's own word
("ubuntu-cve-tracker") or a feed's CVSS rating ("cvss:nodejs-security-wg"). The raw
archive of that feed is read here, independently of Vigil's importers, and the finding
must agree with it under one of its ids (id or aliases):

  word    the severity is one of the words the feed gives that id, mapped by the feed's
          documented scale (vendor_words.py);
  cvss    the finding's vector is one the feed gives that id (when the feed gives
          vectors), its score is the one the feed published (when it publishes scores),
          and its severity is the CVSS v3/v4 qualitative band of that score;
  none    no source: the severity is UNKNOWN.

Prints one line per report; exits 1 with the first differences.
"""
import collections
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vendor_words  # noqa: E402


def band(score):
    return ("CRITICAL" if score >= 9 else "HIGH" if score >= 7 else "MEDIUM" if score >= 4
            else "LOW" if score > 0 else None)


def words(feed, vd):
    """id -> set of severities the feed's own words give."""
    out = collections.defaultdict(set)
    for ids, want, pkg in vendor_words.FEEDS[feed](vd):
        for i in ids:
            out[i] |= pkg | ({want} if want else set())
    return out


def cvss_ubuntu(vd):
    for name, data in vendor_words.members(os.path.join(vd, "ubuntu-cve-tracker.tar.gz")):
        parts = name.split("/")
        if len(parts) < 3 or parts[-2] not in ("active", "retired"):
            continue
        for m in re.finditer(rb"^ [a-z.-]+: (CVSS:[0-9.]+/\S+) \[([0-9.]+) [A-Z]+\]", data, re.M):
            yield {parts[-1]}, m.group(1).decode(), float(m.group(2))


def cvss_node(vd):
    for name, data in vendor_words.members(os.path.join(vd, "nodejs-security-wg.tar.gz")):
        m = re.search(r"/vuln/(core|npm)/([0-9]+)\.json$", name)
        if not m:
            continue
        d = json.loads(data)
        ids = set(d.get("cve") or []) | set(d.get("cves") or [])
        ids.add(("NSWG-CORE-" if m.group(1) == "core" else "NSWG-ECO-") + m.group(2))
        if d.get("cvss_vector") or d.get("cvss_score"):
            score = d.get("cvss_score")
            yield ids, d.get("cvss_vector"), float(score) if score else None


def cvss_ruby(vd):
    for name, data in vendor_words.members(os.path.join(vd, "ruby-advisory-db.tar.gz")):
        if not name.endswith(".yml"):
            continue
        text = data.decode("utf-8", "replace")
        ids = set(re.findall(r"^(?:cve|ghsa|osvdb): *['\"]?([0-9A-Za-z-]+)", text, re.M))
        ids = {("CVE-" + i if re.match(r"^[0-9]{4}-[0-9]{4,}$", i) else
                "GHSA-" + i if re.match(r"^[0-9a-z]{4}-", i) else i) for i in ids}
        for key in ("cvss_v3", "cvss_v4"):
            m = re.search(r"^%s: *['\"]?([0-9.]+)" % key, text, re.M)
            if m:
                yield ids, None, float(m.group(1))
                break


def cvss_osv(archive):
    def read(vd):
        for name, data in vendor_words.members(os.path.join(vd, archive + ".tar.gz")):
            if not name.endswith(".json"):
                continue
            try:
                d = json.loads(data)
            except ValueError:
                continue
            ids = {d.get("id")} | set(d.get("aliases") or []) | set(d.get("upstream") or [])
            for s in d.get("severity") or []:
                if str(s.get("score", "")).startswith("CVSS:"):
                    yield ids - {None}, s["score"], None
    return read


CVSS = {"ubuntu-cve-tracker": cvss_ubuntu, "nodejs-security-wg": cvss_node,
        "ruby-advisory-db": cvss_ruby, "golang-vulndb": cvss_osv("golang-vulndb"),
        "pypa-advisory-database": cvss_osv("pypa-advisory-database"),
        "almalinux-osv": cvss_osv("almalinux-osv")}


def main():
    vd, reports = sys.argv[1], sys.argv[2:]
    cache, failed = {}, False
    for path in reports:
        vs = json.load(open(path))["vulnerabilities"]
        errs, by = [], collections.Counter()
        for v in vs:
            src, sev = v.get("severity_source"), v["severity"]
            ids = {v["id"]} | set(v.get("aliases") or [])
            by[src or "none"] += 1
            if not src:
                if sev != "UNKNOWN":
                    errs.append("%s: %s with no source" % (v["id"], sev))
                continue
            feed = src[5:] if src.startswith("cvss:") else src
            if src.startswith("cvss:"):
                if feed not in CVSS:
                    errs.append("%s: no raw CVSS reader for %s" % (v["id"], feed))
                    continue
                if src not in cache:
                    table = collections.defaultdict(list)
                    for rids, vec, score in CVSS[feed](vd):
                        for i in rids:
                            table[i].append((vec, score))
                    cache[src] = table
                raw = [r for i in ids for r in cache[src].get(i, [])]
                c = v.get("cvss") or {}
                ok = any((vec is None or vec == c.get("vector")) and
                         (score is None or score == c.get("score")) and
                         band(score if score is not None else c.get("score", 0)) == sev
                         for vec, score in raw)
                if not ok:
                    errs.append("%s: %s from %s %s; the raw feed gives %s" % (
                        v["id"], sev, src, c, raw[:3] or "nothing"))
            else:
                if feed not in vendor_words.FEEDS:
                    errs.append("%s: no raw word reader for %s" % (v["id"], feed))
                    continue
                if feed not in cache:
                    cache[feed] = words(feed, vd)
                raw = set().union(*(cache[feed].get(i, set()) for i in ids))
                if sev not in raw:
                    errs.append("%s: %s from %s; the raw feed gives %s" % (
                        v["id"], sev, src, sorted(raw) or "nothing"))
        print("%s: %d findings, %d checked against the raw feed (%s)%s" % (
            os.path.basename(path), len(vs), len(vs) - by["none"],
            ", ".join("%s %d" % kv for kv in sorted(by.items())),
            "; %d differ" % len(errs) if errs else ""))
        for e in errs[:5]:
            print("  " + e)
        failed = failed or bool(errs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
