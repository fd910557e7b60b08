#!/usr/bin/env python3
"""Compare the expected findings of a golden scan with what `vigil scan --format json`
reported. Usage: compare.py EXPECTED.tsv VIGIL.json [--prefer PREFIX] [--ids-only] [--type TYPE]

EXPECTED.tsv: one finding per line, "package<TAB>id<TAB>fixed version" (fixed empty
when there is none), written by an expect_*.py script from the raw feeds. A finding of
Vigil is keyed the same way: the package name, the first of its id and aliases that
starts with PREFIX (default: its id), and fixed_version. An expected id may list
alternatives, "CVE-1|NSWG-ECO-2": a finding of that package whose id or aliases hold any
of them is keyed by the whole string. Two findings of one package (same name, version
and location) for one id are an error too: one vulnerability is one finding (with --ids-only, the package and id alone; with --type, only findings of packages of
that type). Prints the missing and the
extra findings (first 20 of each) and exits 1 when the sets differ."""
import json
import sys


def main():
    args = sys.argv[1:]
    prefer = ""
    if "--prefer" in args:
        k = args.index("--prefer")
        prefer = args[k + 1]
        del args[k:k + 2]
    only_type = ""
    if "--type" in args:
        k = args.index("--type")
        only_type = args[k + 1]
        del args[k:k + 2]
    ids_only = "--ids-only" in args
    if ids_only:
        args.remove("--ids-only")
    exp_path, got_path = args
    want, alts = set(), {}
    with open(exp_path) as f:
        for line in f:
            if line.strip():
                pkg, vid, fixed = line.rstrip("\n").split("\t")
                for alt in vid.split("|"):
                    alts[(pkg, alt)] = vid
                want.add((pkg, vid) if ids_only else (pkg, vid, fixed))
    with open(got_path) as f:
        doc = json.load(f)
    got, seen, dups = set(), set(), []
    for v in doc.get("vulnerabilities") or []:
        if only_type and v["package"]["type"] != only_type:
            continue
        ids = [v["id"]] + list(v.get("aliases") or [])
        name = v["package"]["name"]
        key = next((alts[(name, i)] for i in ids if (name, i) in alts), None)
        if key is None:
            key = next((i for i in ids if prefer and i.startswith(prefer)), v["id"])
        fixed = v.get("fixed_version") or ""
        one = (name, v["package"]["version"], v["package"].get("location"), key)
        if one in seen:
            dups.append((name, v["package"]["version"], key))
        seen.add(one)
        got.add((name, key) if ids_only else (name, key, fixed))
    missing, extra = sorted(want - got), sorted(got - want)
    print(f"expected {len(want)}, vigil {len(got)}, missing {len(missing)}, extra {len(extra)}"
          f", duplicates {len(dups)}")
    for title, rows in (("missing (expected, not reported)", missing),
                        ("extra (reported, not expected)", extra),
                        ("duplicates (one package, one id, several findings)", dups)):
        if rows:
            print(f"  {title}:")
            for r in rows[:20]:
                print("    " + "  ".join(r))
            if len(rows) > 20:
                print(f"    ... {len(rows) - 20} more")
    return 1 if missing or extra or dups else 0


if __name__ == "__main__":
    sys.exit(main())
