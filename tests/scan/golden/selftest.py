#!/usr/bin/env python3
"""The Python comparators of the golden scans against published vectors.
Usage: selftest.py SPECS  (../shared/specs)

  apkver.py: every comparison of vercmp/apk/version.data (apk-tools' own test data),
    except the apk-tools 3 "~hash" versions no Alpine 3.x package carries;
  gemver.py: every row of vercmp/rubygems/requirement-satisfied-by.tsv and the "cmp"
    rows of version-vectors.tsv;
  expect_go.cmp (golang.org/x/mod/semver order): node-semver's comparisons.json rows
    that are strict SemVer 2.0.
Prints one line per comparator and exits 1 on any disagreement."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apkver  # noqa: E402
import expect_go  # noqa: E402
import gemver  # noqa: E402


def apk(specs):
    ok, bad = 0, []
    for line in open(os.path.join(specs, "vercmp/apk/version.data")):
        parts = line.split("#")[0].split()
        if len(parts) != 3 or "~" in parts[0] + parts[2]:
            continue
        a, op, b = parts
        neg = op.startswith("!")
        op = op.lstrip("!")
        if op not in ("<", ">", "="):
            continue
        c = apkver.compare(a, b)
        if {"<": c < 0, ">": c > 0, "=": c == 0}[op] != neg:
            ok += 1
        else:
            bad.append(line.strip())
    return "apkver", ok, bad


def gem(specs):
    ok, bad = 0, []
    for line in open(os.path.join(specs, "vercmp/rubygems/requirement-satisfied-by.tsv")):
        p = line.rstrip("\n").split("\t")
        if len(p) < 3 or p[2] not in ("true", "false"):
            continue
        got = all(gemver.satisfied(p[0], r) for r in p[1].split(" && "))
        if got == (p[2] == "true"):
            ok += 1
        else:
            bad.append(line.strip())
    for line in open(os.path.join(specs, "vercmp/rubygems/version-vectors.tsv")):
        p = line.rstrip("\n").split("\t")
        if len(p) >= 4 and p[0] == "cmp" and p[3] in ("-1", "0", "1"):
            if gemver.compare(p[1], p[2]) == int(p[3]):
                ok += 1
            else:
                bad.append(line.strip())
    return "gemver", ok, bad


def gosemver(specs):
    """expect_go.cmp: node-semver's comparisons.json rows without options (strict SemVer
    2.0, which is Go's order; Go's own "v" prefix is optional here)."""
    import json
    ok, bad = 0, []
    doc = json.load(open(os.path.join(specs, "vercmp/node-semver/comparisons.json")))
    for row in doc["data"]:
        if len(row) != 2 or not all(isinstance(v, str) for v in row):
            continue
        try:
            c = expect_go.cmp(row[0], row[1])
        except ValueError:
            continue  # loose forms (spaces, "=" prefix) are not Go versions
        if c > 0:
            ok += 1
        else:
            bad.append(" > ".join(row))
    return "expect_go.cmp", ok, bad


def main():
    specs = sys.argv[1]
    fail = 0
    for name, ok, bad in (apk(specs), gem(specs), gosemver(specs)):
        print("%s: %d vectors agree, %d disagree" % (name, ok, len(bad)))
        for b in bad[:10]:
            print("  " + b)
        fail |= bool(bad) or ok == 0
    return fail


if __name__ == "__main__":
    sys.exit(main())
