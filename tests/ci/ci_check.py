#!/usr/bin/python3
"""Reads `vigil scan --format json` reports for tests/ci/test_ci.sh (docs/scan-json.md).

  ci_check.py oracle REPORT [SEV...]  1 when an unsuppressed finding has one of SEV (any
                                      severity without SEV), else 0: the gate computed here
  ci_check.py count REPORT            the number of unsuppressed findings
  ci_check.py kinds REPORT            the sections that hold findings, sorted
  ci_check.py key REPORT              one "kind id package severity" line per finding
"""
import json
import sys

SECTIONS = {"vulnerabilities": "vulnerability", "secrets": "secret", "malware": "malware",
            "misconfigurations": "misconfiguration", "trust": "trust"}


def findings(path):
    with open(path) as f:
        d = json.load(f)
    out = []
    for sec, kind in SECTIONS.items():
        for x in d.get(sec) or []:
            ident = x.get("id") or x.get("rule_id") or x.get("rule") or ""
            pkg = (x.get("package") or {}).get("name", "") if isinstance(x.get("package"), dict) else ""
            out.append((kind, ident, pkg, x.get("severity", "UNKNOWN")))
    return out


def main():
    cmd, path, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    fs = findings(path)
    if cmd == "oracle":
        print(1 if any(not rest or f[3] in rest for f in fs) else 0)
    elif cmd == "count":
        print(len(fs))
    elif cmd == "kinds":
        print(" ".join(sorted({f[0] for f in fs})))
    elif cmd == "key":
        for f in sorted(fs):
            print(" ".join(f))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
