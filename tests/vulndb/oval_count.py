#!/usr/bin/env python3
"""Independent reading of the OVAL fixtures for test_feeds_distros.sh: prints one JSON
object {"records": N, "skipped": N, "rows": [[ecosystem, package, fixed], ...]} for the
files given as FLAVOUR:PATH (flavour rhel, oracle, suse, leap; the release of rhel/suse/
leap files comes from the file name, as the upstream names them).

Written from the formats' documentation, not from Vigil's importer: a definition of
class patch or vulnerability is a record (an RHSA/ELSA reference, else its CVE); its
statements are the rpminfo tests whose state has an evr "less than" (fixed there), each
under the release named by the nearest preceding "Oracle Linux N is installed" /
"SUSE Linux Enterprise ... N[ SPn] is installed" criterion of its criteria or an
enclosing one (Red Hat and Leap: the file's release), and prefixed "NAME:STREAM::" under
a "Module NAME:STREAM is enabled" criterion. A record without statements is skipped."""
import json, re, sys, xml.etree.ElementTree as ET


def local(tag):
    return tag.rsplit("}", 1)[-1]


def kids(el, name):
    return [c for c in el if local(c.tag) == name]


records = skipped = 0
rows = set()
for arg in sys.argv[1:]:
    flavour, path = arg.split(":", 1)
    root = ET.parse(path).getroot()
    sec = {local(s.tag): {c.get("id"): c for c in s} for s in root if local(s.tag) in ("tests", "objects", "states")}
    base = path.rsplit("/", 1)[-1]
    file_rel = {"rhel": lambda: "rhel:" + re.match(r"rhel-(\d+)\.oval\.xml", base).group(1),
                "suse": lambda: "sles:" + re.match(r"suse\.linux\.enterprise\.server\.(\d+)\.xml", base).group(1),
                "leap": lambda: "opensuse-leap:" + re.match(r"opensuse\.leap\.([\d.]+)\.xml", base).group(1),
                "oracle": lambda: ""}[flavour]()
    major = file_rel.split(":")[1] if flavour == "suse" else None

    def pkg_row(crit):
        t = sec.get("tests", {}).get(crit.get("test_ref"))
        if t is None or local(t.tag) != "rpminfo_test":
            return None
        o = next((sec.get("objects", {}).get(c.get("object_ref")) for c in t if local(c.tag) == "object"), None)
        s = next((sec.get("states", {}).get(c.get("state_ref")) for c in t if local(c.tag) == "state"), None)
        evr = None if s is None else next((c for c in s if local(c.tag) == "evr"), None)
        if o is None or evr is None or evr.get("operation") != "less than":
            return None
        return next(c.text for c in o if local(c.tag) == "name"), evr.text

    def walk(node, rel, module, out):
        for k in node:
            if local(k.tag) == "criteria":
                walk(k, rel, module, out)
                continue
            if local(k.tag) != "criterion":
                continue
            cm = k.get("comment", "")
            m = re.match(r"Oracle Linux (\d+) is installed$", cm)
            if flavour == "oracle" and m:
                rel = "ol:" + m.group(1)
                continue
            m = re.match(r"SUSE Linux Enterprise \D*?(\d+)( SP(\d+))?.* is installed$", cm)
            if flavour == "suse" and m:
                rel = "" if m.group(1) != major else "sles:" + m.group(1) + ("." + m.group(3) if m.group(3) and m.group(3) != "0" else "")
                continue
            m = re.match(r"Module (\S+:\S+) is enabled$", cm)
            if m:
                module = m.group(1)
                continue
            r = pkg_row(k)
            if r and rel:
                out.add((rel, (module + "::" if module else "") + r[0], r[1]))

    for d in root.iter():
        if local(d.tag) != "definition" or d.get("class") not in ("patch", "vulnerability"):
            continue
        meta = kids(d, "metadata")[0]
        refs = kids(meta, "reference")
        adv = [r for r in refs if r.get("source") in ("RHSA", "elsa")] if flavour in ("rhel", "oracle") else []
        cves = [r for r in refs if r.get("source") == "CVE"]
        if not adv and not cves:
            skipped += 1
            continue
        records += 1
        out = set()
        for c in kids(d, "criteria"):
            walk(c, file_rel, "", out)
        if not out:
            skipped += 1
        rows |= out
print(json.dumps({"records": records, "skipped": skipped, "rows": sorted(rows)}))
