"""RubyGems versions and requirements, written independently in Python from the rules of
Gem::Version and Gem::Requirement (rubygems/version.rb, requirement.rb)."""
import re

VERSION = re.compile(r"^\s*[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?\s*$")
REQ = re.compile(r"^\s*(=|!=|>=|<=|>|<|~>)?\s*([0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)\s*$")


def segments(v):
    """"1.2.a3" -> [1, 2, "a", 3]; "-" stands for ".pre." as in Gem::Version.new."""
    v = v.strip().replace("-", ".pre.")
    return [int(s) if s.isdigit() else s for s in re.findall(r"[0-9]+|[a-z]+", v, re.I)]


def canonical(v):
    """Trailing zeros dropped from the release part and from the pre-release part."""
    segs = segments(v)
    k = next((i for i, s in enumerate(segs) if isinstance(s, str)), len(segs))
    rel, pre = segs[:k], segs[k:]
    while rel and rel[-1] == 0:
        rel.pop()
    while pre and pre[-1] == 0:
        pre.pop()
    return rel + pre


def compare(a, b):
    la, lb = canonical(a), canonical(b)
    for i in range(max(len(la), len(lb))):
        x = la[i] if i < len(la) else 0
        y = lb[i] if i < len(lb) else 0
        if x == y:
            continue
        if isinstance(x, str) and not isinstance(y, str):
            return -1
        if not isinstance(x, str) and isinstance(y, str):
            return 1
        return -1 if x < y else 1
    return 0


def release(v):
    """The version without its pre-release part: "1.1.pre" -> "1.1"."""
    segs = segments(v)
    k = next((i for i, s in enumerate(segs) if isinstance(s, str)), len(segs))
    return ".".join(str(s) for s in segs[:k]) or "0"


def bump(v):
    """"~> 2.2.8" upper bound: pre-release part dropped, last segment dropped (when there
    are more than one), then the new last segment incremented: 2.3."""
    segs = segments(v)
    k = next((i for i, s in enumerate(segs) if isinstance(s, str)), len(segs))
    segs = segs[:k]
    if len(segs) > 1:
        segs.pop()
    segs[-1] += 1
    return ".".join(str(s) for s in segs)


def satisfied(version, requirement):
    """A requirement string, "," separated parts ANDed: "~> 2.0.9, >= 2.0.9.1"."""
    for part in requirement.split(","):
        m = REQ.match(part)
        if not m:
            raise ValueError("bad requirement: " + requirement)
        op, r = m.group(1) or "=", m.group(2)
        c = compare(version, r)
        ok = {"=": c == 0, "!=": c != 0, ">": c > 0, "<": c < 0, ">=": c >= 0, "<=": c <= 0,
              "~>": c >= 0 and compare(release(version), bump(r)) < 0}[op]
        if not ok:
            return False
    return True
