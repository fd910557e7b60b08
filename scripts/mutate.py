#!/usr/bin/env python3
"""Mutation testing: applies each deliberate bug of tests/mutate/mutations.txt, one at a
time, to a copy of the working tree, rebuilds it (normal build only) and runs the test
suites the mutation names; a mutation is *caught* when one of them fails.

    make mutate                       every mutation
    scripts/mutate.py --only ID,ID    some of them
    scripts/mutate.py --list          the list, without running anything
    scripts/mutate.py --keep          keep the copy (its path is printed)

The copy lives in a temporary directory next to a link to ../shared, so the suites see the
same data as in the tree; the fixture cache ($VIGIL_CACHE) is shared. The tree itself is
never modified. Exit status: 0 when every mutation was caught, 1 otherwise, 2 on a bad list
(a mutation whose text is not found exactly once, or that does not compile, is a bad list:
it proves nothing).

Format of mutations.txt: blocks separated by blank lines,
    [id] what the bug is
    file src/...
    tests FILTER [FILTER...]        suites for tests/run.sh, tried in order
    - original line
    + replacement line
Lines are compared without their leading whitespace (the file is written with spaces, the
sources with tabs); a replacement line takes the indentation of the original line at the
same position (the last one when there are more new lines than old).
"""
import argparse, os, re, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse(path):
    muts, cur = [], None
    for ln, line in enumerate(open(path, encoding="utf-8").read().split("\n"), 1):
        if line.startswith("#") and cur is None:
            continue
        if not line.strip():
            if cur:
                muts.append(cur)
            cur = None
            continue
        if cur is None:
            m = re.match(r"\[([a-z0-9-]+)\]\s+(.*)$", line)
            if not m:
                sys.exit(f"{path}:{ln}: a block starts with [id] description")
            cur = {"id": m.group(1), "what": m.group(2), "file": None, "tests": [],
                   "old": [], "new": [], "line": ln}
        elif line.startswith("file "):
            cur["file"] = line[5:].strip()
        elif line.startswith("tests "):
            cur["tests"] = line[6:].split()
        elif line.startswith("- ") or line == "-":
            cur["old"].append(line[2:])
        elif line.startswith("+ ") or line == "+":
            cur["new"].append(line[2:])
        else:
            sys.exit(f"{path}:{ln}: unexpected line: {line!r}")
    if cur:
        muts.append(cur)
    ids = set()
    for m in muts:
        if not m["file"] or not m["tests"] or not m["old"]:
            sys.exit(f"{path}:{m['line']}: [{m['id']}] needs file, tests and '- ' lines")
        if m["id"] in ids:
            sys.exit(f"{path}:{m['line']}: duplicate id {m['id']}")
        ids.add(m["id"])
    return muts


def find(src_lines, old):
    """Indexes where the stripped old lines occur consecutively in src_lines."""
    want = [o.strip() for o in old]
    k = len(want)
    strip = [l.strip() for l in src_lines]
    return [i for i in range(len(strip) - k + 1) if strip[i:i + k] == want]


def apply(src, m):
    lines = src.split("\n")
    at = find(lines, m["old"])[0]
    k = len(m["old"])
    ind = [l[:len(l) - len(l.lstrip())] for l in lines[at:at + k]]
    new = [ind[min(j, k - 1)] + n.strip() for j, n in enumerate(m["new"])]
    return "\n".join(lines[:at] + new + lines[at + k:])


def run(cmd, cwd, log, env=None):
    with open(log, "ab") as f:
        return subprocess.run(cmd, cwd=cwd, stdout=f, stderr=subprocess.STDOUT, env=env).returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", help="comma-separated mutation ids")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--file", default=os.path.join(ROOT, "tests/mutate/mutations.txt"))
    a = ap.parse_args()
    muts = parse(a.file)
    if a.only:
        want = set(a.only.split(","))
        unknown = want - {m["id"] for m in muts}
        if unknown:
            sys.exit(f"unknown mutation ids: {', '.join(sorted(unknown))}")
        muts = [m for m in muts if m["id"] in want]
    # every mutation must apply exactly once to the tree as it is
    bad = 0
    for m in muts:
        src = open(os.path.join(ROOT, m["file"]), encoding="utf-8").read()
        n = len(find(src.split("\n"), m["old"]))
        if n != 1:
            print(f"BAD: [{m['id']}] {m['file']}: the original text occurs {n} times (want 1)")
            bad += 1
    if a.list or bad:
        for m in muts:
            print(f"[{m['id']}] {m['file']}: {m['what']} (tests: {' '.join(m['tests'])})")
        print(f"{len(muts)} mutations" + (f", {bad} bad" if bad else ""))
        return 2 if bad else 0

    top = tempfile.mkdtemp(prefix="vigil-mutate.")
    copy = os.path.join(top, "main")
    shared = os.path.realpath(os.path.join(ROOT, "..", "shared"))
    if os.path.isdir(shared):
        os.symlink(shared, os.path.join(top, "shared"))
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    for f in files:
        if not f:
            continue
        f = f.decode()
        s, d = os.path.join(ROOT, f), os.path.join(copy, f)
        if not os.path.lexists(s):
            continue
        os.makedirs(os.path.dirname(d), exist_ok=True)
        shutil.copy2(s, d, follow_symlinks=False)
    log = os.path.join(top, "log")
    env = dict(os.environ, VIGIL_SKIP_ASAN="1", CI="true")
    print(f"copy: {copy} (log: {log})", flush=True)
    if run(["make", "-j2", "tests-bin"], copy, log) != 0:
        print("the unmutated copy does not build; see the log")
        return 2
    caught, survived, invalid = [], [], []
    for i, m in enumerate(muts, 1):
        path = os.path.join(copy, m["file"])
        orig = open(path, encoding="utf-8").read()
        t0 = time.time()
        with open(path, "w", encoding="utf-8") as f:
            f.write(apply(orig, m))
        verdict, by = None, ""
        with open(log, "a") as f:
            f.write(f"\n===== [{m['id']}] {m['what']}\n")
        if run(["make", "-j2", "tests-bin"], copy, log) != 0:
            verdict = "INVALID (does not compile)"
            invalid.append(m)
        else:
            for flt in m["tests"]:
                out = subprocess.run(["bash", "tests/run.sh", flt], cwd=copy, env=env,
                                     capture_output=True, text=True)
                with open(log, "a") as f:
                    f.write(out.stdout[-20000:])
                fails = [l for l in out.stdout.splitlines() if l.startswith("FAIL: ")]
                if out.returncode != 0 or fails:
                    verdict, by = "CAUGHT", (fails[0][6:] if fails else f"{flt}: exit {out.returncode}")
                    break
            if not verdict:
                verdict = "SURVIVED"
                survived.append(m)
            else:
                caught.append(m)
        with open(path, "w", encoding="utf-8") as f:
            f.write(orig)
        print(f"[{i}/{len(muts)}] {verdict}: [{m['id']}] {m['what']} "
              f"({time.time() - t0:.0f} s){': ' + by[:150] if by else ''}", flush=True)
    run(["make", "-j2", "tests-bin"], copy, log)
    print(f"\n{len(caught)} caught, {len(survived)} survived, {len(invalid)} invalid "
          f"of {len(muts)} mutations")
    for m in survived:
        print(f"  SURVIVED: [{m['id']}] {m['file']}: {m['what']}")
    if a.keep:
        print(f"kept: {top}")
    else:
        shutil.rmtree(top, ignore_errors=True)
    return 0 if not survived and not invalid else 1


if __name__ == "__main__":
    sys.exit(main())
