#!/usr/bin/env python3
"""Checks every published version-comparison vector in ../shared/specs/vercmp through
`vigil vercmp SCHEME -` (batch mode) and `vigil vercmp SCHEME --satisfies`.

    vectors.py VIGIL SPECDIR

Prints one PASS/FAIL/SKIP line per scheme and vector file, with the vector count.
The expected answers come from the vector files only.
"""
import json
import subprocess
import sys

VIGIL, SPEC = sys.argv[1], sys.argv[2]
failed = 0


def batch(scheme, lines):
    """Runs batch mode over lines ("a\\tb" or a single version); returns the answers."""
    data = "".join(l + "\n" for l in lines)
    p = subprocess.run([VIGIL, "vercmp", scheme, "-"], input=data.encode(), capture_output=True)
    out = p.stdout.decode().splitlines()
    if p.returncode != 0 or len(out) != len(lines):
        return None
    return out


def satisfies(scheme, version, constraint):
    """'yes', 'no', or 'error' (exit 2)."""
    p = subprocess.run([VIGIL, "vercmp", scheme, "--satisfies", version, constraint],
                       capture_output=True)
    if p.returncode == 2:
        return "error"
    return p.stdout.decode().strip()


def report(name, cases, got):
    """cases: list of (description, expected); got: list of answers."""
    global failed
    if got is None:
        print("FAIL: version/vectors/%s: vigil vercmp failed" % name)
        failed = 1
        return
    bad = [(d, e, g) for (d, e), g in zip(cases, got) if g != e]
    if bad:
        failed = 1
        print("FAIL: version/vectors/%s: %d of %d vectors wrong, e.g.:" % (name, len(bad), len(cases)))
        for d, e, g in bad[:8]:
            print("    %s: expected %s, got %s" % (d, e, g))
    else:
        print("PASS: version/vectors/%s: %d vectors" % (name, len(cases)))


FLIP = {"<": ">", ">": "<", "=": "="}


def compare_cases(scheme, name, triples, both_ways=True):
    """triples: (a, op, b) with op in < = >; checked a-b and b-a."""
    cases, lines = [], []
    for a, op, b in triples:
        cases.append(("%s %s %s" % (a, op, b), op))
        lines.append("%s\t%s" % (a, b))
        if both_ways:
            cases.append(("%s %s %s" % (b, FLIP[op], a), FLIP[op]))
            lines.append("%s\t%s" % (b, a))
    report(name, cases, batch(scheme, lines))


def strip_comment(line):
    return line.split("#", 1)[0].strip()


def dpkg():
    t = []
    for line in open(SPEC + "/dpkg/versions.lst"):
        line = strip_comment(line)
        if line:
            a, b, r = line.split()[:3]
            t.append((a, {"1": ">", "-1": "<", "0": "="}[r], b))
    compare_cases("dpkg", "dpkg", t)


# Vectors whose source is not the ecosystem itself and that the ecosystem's own tool
# contradicts: the expected answer is the tool's, and the run says so.
OVERRIDES = {
    # compare.list takes this line from github.com/masahiro331/go-mvn-version; Maven
    # 3.8.7's own ComparableVersion (`java -cp maven3-artifact.jar ...ComparableVersion
    # 2.0.a 2.0.0.a`) prints "2.0.a == 2.0.0.a".
    ("maven", "2.0.a", "2.0.0.a"): "=",
}


def ops_file(scheme, path, name):
    t, notes = [], []
    for line in open(path):
        line = strip_comment(line)
        if line:
            a, op, b = line.split()
            op = {"==": "=", "<": "<", ">": ">", "=": "="}[op]
            if (scheme, a, b) in OVERRIDES:
                notes.append("%s %s %s (vector says %s)" % (a, OVERRIDES[(scheme, a, b)], b, op))
                op = OVERRIDES[(scheme, a, b)]
            t.append((a, op, b))
    if notes:
        print("NOTE: version/vectors/%s: expected per the real tool, not the vector: %s"
              % (name, "; ".join(notes)))
    compare_cases(scheme, name, t)


def apk():
    cmp_cases, cmp_lines, valid_cases, valid_lines, sat = [], [], [], [], []
    for line in open(SPEC + "/apk/version.data"):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        f = line.split()
        if len(f) == 1:
            tok = f[0]
            want = "invalid" if tok.startswith("!") else "valid"
            tok = tok.lstrip("!")
            valid_cases.append((tok, want))
            valid_lines.append(tok)
            continue
        a, op, b = f
        neg = op.startswith("!")
        op = op.lstrip("!")
        if op in ("<", ">", "="):
            if neg:
                sat.append((a, op, b, True))
            else:
                cmp_cases.append(("%s %s %s" % (a, op, b), op))
                cmp_lines.append("%s\t%s" % (a, b))
        else:
            sat.append((a, op, b, neg))
    report("apk (comparisons)", cmp_cases, batch("apk", cmp_lines))
    report("apk (validity)", valid_cases, batch("apk", valid_lines))
    cases, got = [], []
    for a, op, b, neg in sat:
        cases.append(("%s %s%s %s" % (a, "!" if neg else "", op, b), "no" if neg else "yes"))
        got.append(satisfies("apk", a, op + b))
    report("apk (fuzzy and negated)", cases, got)


def pep440():
    vs = [l.strip() for l in open(SPEC + "/pep440/sorted-versions.txt") if l.strip() and not l.startswith("#")]
    cases, lines = [], []
    for i in range(len(vs)):
        for j in range(len(vs)):
            cases.append(("%s vs %s" % (vs[i], vs[j]), "<" if i < j else ">" if i > j else "="))
            lines.append("%s\t%s" % (vs[i], vs[j]))
    report("pep440 (sorted-versions, every pair)", cases, batch("pep440", lines))
    cases, lines = [], []
    for l in open(SPEC + "/pep440/normalized.jsonl"):
        a, b = json.loads(l)
        if "\t" in a or "\n" in a:
            continue
        cases.append(("%r == %r" % (a, b), "="))
        lines.append("%s\t%s" % (a, b))
    report("pep440 (normalized)", cases, batch("pep440", lines))
    inv = [l.rstrip("\n") for l in open(SPEC + "/pep440/invalid-versions.txt", encoding="utf-8") if not l.startswith("#")]
    inv = [v for v in inv if v and "\t" not in v]
    report("pep440 (invalid)", [(v, "invalid") for v in inv], batch("pep440", inv))
    cases, got = [], []
    for l in open(SPEC + "/pep440/specifier-contains.tsv"):
        if l.startswith("#") or not l.strip():
            continue
        v, spec, want = l.rstrip("\n").split("\t")
        cases.append(("%s in %s" % (v, spec), "yes" if want == "true" else "no"))
        got.append(satisfies("pep440", v, spec))
    report("pep440 (specifier contains)", cases, got)
    cases, got = [], []
    for l in open(SPEC + "/pep440/specifierset-contains.tsv"):
        if l.startswith("#") or not l.strip():
            continue
        spec, pre, v, want = l.rstrip("\n").split("\t")
        if pre != "None" or not spec.strip():
            continue
        cases.append(("%s in %s" % (v, spec), "yes" if want in ("true", "True") else "no"))
        got.append(satisfies("pep440", v, spec))
    report("pep440 (specifierset contains)", cases, got)


def node_opts_default(opts):
    """True when node-semver would use its default options for this options value."""
    if opts is None or opts is False or opts == 0:
        return True
    if opts is True or not isinstance(opts, dict):
        return not opts
    if "$NaN" in opts or "$undefined" in opts:
        return True
    return not opts.get("loose") and not opts.get("includePrerelease")


def node_semver():
    def load(n):
        return json.load(open(SPEC + "/node-semver/" + n))["data"]
    t = [(r[0], ">", r[1]) for r in load("comparisons.json")
         if node_opts_default(r[2] if len(r) > 2 else None)]
    compare_cases("semver", "semver (node-semver comparisons)", t)
    t = [(r[0], "=", r[1]) for r in load("equality.json")
         if node_opts_default(r[2] if len(r) > 2 else None)]
    compare_cases("semver", "semver (node-semver equality)", t)
    for fname, want in (("range-include.json", "yes"), ("range-exclude.json", "no")):
        cases, got = [], []
        for r in load(fname):
            if not node_opts_default(r[2] if len(r) > 2 else None):
                continue
            if not isinstance(r[0], str) or not isinstance(r[1], str):
                continue
            cases.append(("%r in %r" % (r[1], r[0]), want))
            g = satisfies("npm", r[1], r[0])
            got.append("no" if g == "error" else g)
        report("npm (node-semver %s)" % fname[:-5], cases, got)
    inv = [r[0] for r in load("invalid-versions.json")
           if isinstance(r[0], str) and node_opts_default(r[2] if len(r) > 2 else None)]
    cases, got = [], []
    for v in inv:
        cases.append((v, "no"))
        g = satisfies("npm", v, "*")
        got.append("no" if g == "error" else g)
    report("npm (node-semver invalid versions)", cases, got)


def rubygems():
    cases, got = [], []
    for l in open(SPEC + "/rubygems/requirement-satisfied-by.tsv"):
        if l.startswith("#") or not l.strip():
            continue
        v, req, want = l.rstrip("\n").split("\t")[:3]
        cases.append(("%r in %r" % (v, req), "yes" if want == "true" else "no"))
        got.append(satisfies("gem", v, req.replace(" && ", ", ")))
    report("gem (requirement satisfied_by)", cases, got)
    cases, lines = [], []
    for l in open(SPEC + "/rubygems/version-vectors.tsv"):
        if l.startswith("#") or not l.strip():
            continue
        kind, a, b, res = l.rstrip("\n").split("\t")[:4]
        if kind != "cmp" or res == "!=0":
            continue
        want = {"-1": "<", "0": "=", "1": ">"}[res]
        cases.append(("%s <=> %s" % (a, b), want))
        lines.append("%s\t%s" % (a, b))
    report("gem (version <=>)", cases, batch("gem", lines))
    misc = json.load(open(SPEC + "/rubygems/misc.json"))
    inv = [v for v in misc["invalid_versions"] if "\n" not in v]
    report("gem (invalid versions)", [(v, "invalid") for v in inv], batch("gem", inv))


for fn in (dpkg, apk, lambda: ops_file("rpm", SPEC + "/rpm/rpmvercmp", "rpm"),
           lambda: ops_file("maven", SPEC + "/maven/compare.list", "maven"), pep440, node_semver,
           rubygems):
    fn()
sys.exit(failed)
