#!/usr/bin/env python3
"""Seeded generator of random but realistic version pairs for the agreement tests.

    gen_pairs.py dpkg|rpm|pep440|semver|npmrange|maven COUNT [SEED]

Prints COUNT lines "A<TAB>B" (for rpm also "<TAB>E1<TAB>V1<TAB>R1<TAB>E2<TAB>V2<TAB>R2",
the label tuples, with "-" for an absent field; for npmrange "VERSION<TAB>RANGE"). About half the pairs are near-equal:
B is A with one small change (a digit bumped, a '~' or '^' part added or dropped, a
trailing ".0", leading zeros, a letter, the epoch or the revision changed), because
that is where comparators go wrong. Same seed, same output.
"""
import random
import sys

WORDS = ["rc", "beta", "alpha", "pre", "dfsg", "ds", "git", "svn", "really", "b", "a", "p",
         "deb", "ubuntu", "build", "bpo", "el", "fc", "mga", "post", "z", "Z", "A"]


def number(r):
    k = r.random()
    if k < 0.55:
        return str(r.randint(0, 9))
    if k < 0.8:
        return str(r.randint(10, 99))
    if k < 0.9:
        return "0" * r.randint(1, 2) + str(r.randint(0, 9))
    if k < 0.97:
        return str(r.randint(100, 20251231))
    return str(r.randint(10**18, 10**22))


def word(r):
    return r.choice(WORDS)


def upstream(r, seps, tilde=True, caret=False):
    """A realistic upstream version: numbers joined by separators, maybe letters,
    maybe a '~' pre-release, maybe a '^' post-release snapshot (rpm)."""
    parts = [number(r)]
    for _ in range(r.choice([0, 1, 1, 2, 2, 3, 4])):
        parts.append(r.choice(seps))
        parts.append(number(r))
    s = "".join(parts)
    if r.random() < 0.15:
        s += r.choice("abcxyz")
    if tilde and r.random() < 0.25:
        s += "~" + word(r) + (number(r) if r.random() < 0.7 else "")
    if r.random() < 0.15:
        s += r.choice(["+", "."]) + word(r) + (number(r) if r.random() < 0.6 else "")
    if caret and r.random() < 0.2:
        s += "^" + r.choice(["", "git", "20230101git"]) + number(r)
    return s


def mutate(r, s, alphabet):
    """One small edit of s, keeping it within `alphabet`."""
    k = r.randrange(9)
    digits = [i for i, c in enumerate(s) if c.isdigit()]
    if k == 0 and digits:
        i = r.choice(digits)
        return s[:i] + str((int(s[i]) + r.choice([1, 9])) % 10) + s[i + 1:]
    if k == 1:
        return s + ".0"
    if k == 2 and "~" in alphabet:
        return s + "~" + r.choice(["", "rc1", "1", "~"])
    if k == 3 and "^" in alphabet:
        return s + "^" + r.choice(["", "1", "git1"])
    if k == 4 and digits:
        i = r.choice(digits)
        return s[:i] + "0" + s[i:]
    if k == 5:
        return s + r.choice("abz")
    if k == 6 and len(s) > 1:
        return s[:-1]
    if k == 7:
        return s + r.choice(alphabet.replace("~", "").replace("^", "")) + number(r)
    return s


def dpkg_version(r):
    s = upstream(r, [".", ".", ".", "+", "~"], tilde=True)
    rev = None
    if r.random() < 0.75:
        rev = r.choice(["1", "2", "0", "1ubuntu1", "0+deb12u1", "1~bpo11+1", "3.1",
                        "1build2", "10", "0ubuntu0.22.04.1"]) if r.random() < 0.6 else \
            number(r) + (r.choice(["", "ubuntu" + number(r), "+b" + number(r), "~" + word(r)]))
    if rev is not None:
        s += "-" + rev
    if r.random() < 0.2:
        s = str(r.choice([0, 1, 1, 2, 3, 10])) + ":" + s
    return s


def dpkg_pair(r):
    a = dpkg_version(r)
    if r.random() < 0.5:
        return a, dpkg_version(r)
    epoch, rest = (a.split(":", 1) + [None])[:2] if ":" in a else (None, a)
    up, _, rev = rest.rpartition("-") if "-" in rest else (rest, "", None)
    what = r.randrange(4)
    if what == 0 or rev is None:
        up = mutate(r, up, ".+~")
    elif what == 1:
        rev = mutate(r, rev, ".+~")
    elif what == 2:
        epoch = str(int(epoch or "0") + r.choice([0, 1])) if r.random() < 0.7 else None
    else:
        up = up + r.choice(["", "~", "+"]) if not up.endswith(("~", "+", ".")) else up
    b = ((epoch + ":") if epoch is not None else "") + up + (("-" + rev) if rev else "")
    return a, b


def rpm_label(r):
    e = None if r.random() < 0.7 else str(r.choice([0, 1, 2, 10]))
    v = upstream(r, [".", ".", ".", "_", "+"], tilde=True, caret=True)
    rel = None if r.random() < 0.1 else (
        r.choice(["1", "2", "1.el9", "3.fc39", "0.1.rc1", "1.el8_4", "14.mga9", "1~pre1",
                  "2^20230101git1"]) if r.random() < 0.5 else mutate(r, number(r), "._~^"))
    return [e, v, rel]


def rpm_pair(r):
    a = rpm_label(r)
    if r.random() < 0.5:
        return a, rpm_label(r)
    b = list(a)
    what = r.randrange(3)
    if what == 0:
        b[1] = mutate(r, b[1], "._+~^")
    elif what == 1:
        b[2] = mutate(r, b[2] or "1", "._~^") if r.random() < 0.9 else None
    else:
        b[0] = r.choice([None, "0", "1", "00"])
    return a, b


def rpm_str(t):
    e, v, rel = t
    return ((e + ":") if e is not None else "") + v + (("-" + rel) if rel is not None else "")


def pep440_version(r):
    """A PEP 440 version in any spelling packaging accepts."""
    s = "v" if r.random() < 0.05 else ""
    if r.random() < 0.1:
        s += str(r.randint(0, 3)) + "!"
    s += ".".join(str(r.choice([0, 0, 1, 2, 3, 10, r.randint(0, 30)])) for _ in range(r.randint(1, 4)))
    if r.random() < 0.35:
        s += r.choice(["", ".", "-", "_"]) + r.choice(["a", "alpha", "b", "beta", "c", "rc", "pre", "preview"])
        s += r.choice(["", "", ".", "-"]) + str(r.randint(0, 12)) if r.random() < 0.8 else ""
    if r.random() < 0.25:
        if r.random() < 0.3:
            s += "-" + str(r.randint(0, 5))
        else:
            s += r.choice(["", ".", "-", "_"]) + r.choice(["post", "rev", "r"])
            s += (r.choice(["", "."]) + str(r.randint(0, 5))) if r.random() < 0.8 else ""
    if r.random() < 0.25:
        s += r.choice(["", ".", "-", "_"]) + "dev" + (str(r.randint(0, 9)) if r.random() < 0.8 else "")
    if r.random() < 0.12:
        segs = [r.choice(["ubuntu", "abc", "1", "2", "10", "cpu", "cu118", "x"]) for _ in range(r.randint(1, 3))]
        s += "+" + "".join(seg + r.choice([".", "-", "_"]) for seg in segs[:-1]) + segs[-1]
    if r.random() < 0.1:
        s = s.upper()
    return s


def pep440_pair(r):
    a = pep440_version(r)
    if r.random() < 0.4:
        return a, pep440_version(r)
    base = a.split("+")[0]
    k = r.randrange(5)
    if k == 0:
        return a, base + ".0"
    if k == 1:
        return a, base + r.choice([".post1", ".dev0", "a1", "+local", ".post0.dev1", "rc1"])
    if k == 2:
        return a, base
    if k == 3:
        return a, mutate(r, base, ".")
    return a, a.lower()


def semver_version(r):
    s = "%d.%d.%d" % (r.choice([0, 1, 2, 10]), r.choice([0, 1, 2, 9, 10]), r.choice([0, 1, 3, 10]))
    if r.random() < 0.4:
        ids = [r.choice(["alpha", "beta", "rc", "0", "1", "2", "11", "x-1", "beta2", "pre", "A", "a"])
               for _ in range(r.randint(1, 3))]
        s += "-" + ".".join(ids)
    if r.random() < 0.15:
        s += "+" + r.choice(["build.1", "sha.abc", "001", "x"])
    return s


def semver_pair(r):
    a = semver_version(r)
    if r.random() < 0.5:
        return a, semver_version(r)
    core, _, pre = a.split("+")[0].partition("-")
    k = r.randrange(4)
    if k == 0:
        return a, core
    if k == 1:
        return a, core + "-" + (pre + ".1" if pre else "0")
    if k == 2:
        return a, a.split("+")[0] + "+other"
    nums = core.split(".")
    i = r.randrange(3)
    nums[i] = str(int(nums[i]) + r.choice([1, -1 if nums[i] != "0" else 1]))
    return a, ".".join(nums) + (("-" + pre) if pre and r.random() < 0.5 else "")


def npm_partial(r):
    parts = [str(r.choice([0, 1, 2, 3])) for _ in range(3)]
    n = r.choice([1, 2, 3, 3, 3])
    parts = parts[:n]
    if n < 3 and r.random() < 0.3:
        parts.append(r.choice(["x", "X", "*"]))
    s = ".".join(parts)
    if n == 3 and r.random() < 0.2:
        s += "-" + r.choice(["beta", "rc.1", "0", "alpha.2"])
    return s


def npm_comparator(r):
    op = r.choice(["", "=", "^", "~", ">", ">=", "<", "<=", "~>", "v"])
    return op + (" " if op and op != "v" and r.random() < 0.1 else "") + npm_partial(r)


def npm_range(r):
    sets = []
    for _ in range(r.choice([1, 1, 1, 2, 3])):
        k = r.random()
        if k < 0.15:
            sets.append("%s - %s" % (npm_partial(r), npm_partial(r)))
        elif k < 0.2:
            sets.append(r.choice(["*", "", "x"]))
        else:
            sets.append(" ".join(npm_comparator(r) for _ in range(r.choice([1, 1, 2]))))
    return " || ".join(sets)


def npm_pair(r):
    v = "%d.%d.%d" % (r.choice([0, 1, 2, 3, 4]), r.choice([0, 1, 2, 3, 4]), r.choice([0, 1, 2, 3, 4]))
    if r.random() < 0.3:
        v += "-" + r.choice(["beta", "rc.1", "0", "alpha.2", "alpha"])
    return v, npm_range(r)


MAVEN_WORDS = ["alpha", "beta", "milestone", "rc", "cr", "snapshot", "SNAPSHOT", "ga", "final",
               "Final", "release", "sp", "foo", "a", "b", "m", "jre", "android", "RELEASE", "x"]


def maven_version(r):
    """Maven versions: numbers, qualifiers, '.'/'-' and digit-letter transitions."""
    s = str(r.choice([0, 1, 1, 2, 10, r.randint(0, 40)]))
    for _ in range(r.choice([0, 1, 1, 2, 2, 3, 4])):
        k = r.random()
        sep = r.choice([".", ".", "-", ""])
        if k < 0.55:
            s += (sep or ".") + r.choice(["0", "1", "2", "00", "10", str(r.randint(0, 99))])
        else:
            w = r.choice(MAVEN_WORDS)
            s += sep + w
            if r.random() < 0.5:
                s += r.choice(["", "-", "."]) + str(r.randint(0, 12))
    if r.random() < 0.03:
        s += r.choice(["-", ".", ".."])
    return s


def maven_pair(r):
    a = maven_version(r)
    if r.random() < 0.5:
        return a, maven_version(r)
    k = r.randrange(6)
    if k == 0:
        return a, a + r.choice([".0", "-0", ".0.0", "-ga", ".final", "-SNAPSHOT", "-sp", "-1"])
    if k == 1:
        return a, a.upper()
    if k == 2:
        return a, a.replace("-", ".", 1)
    if k == 3:
        return a, a.replace(".", "-", 1)
    if k == 4:
        return a, mutate(r, a, ".-")
    return a, a + r.choice(MAVEN_WORDS)


def main():
    scheme, count = sys.argv[1], int(sys.argv[2])
    r = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 20261124)
    out = sys.stdout
    for _ in range(count):
        if scheme == "dpkg":
            a, b = dpkg_pair(r)
            out.write("%s\t%s\n" % (a, b))
        elif scheme == "rpm":
            a, b = rpm_pair(r)
            f = [x if x is not None else "-" for x in a + b]
            out.write("%s\t%s\t%s\n" % (rpm_str(a), rpm_str(b), "\t".join(f)))
        elif scheme in ("pep440", "semver", "npmrange", "maven"):
            a, b = {"pep440": pep440_pair, "semver": semver_pair, "npmrange": npm_pair,
                    "maven": maven_pair}[scheme](r)
            out.write("%s\t%s\n" % (a, b))
        else:
            sys.exit("unknown scheme " + scheme)


if __name__ == "__main__":
    main()
