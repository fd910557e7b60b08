"""apk version comparison, written independently in Python from apk-tools' rules
(src/version.c of apk-tools 2.x): tokens are digits, letters, suffixes (_alpha _beta
_pre _rc sort below the release, _cvs _svn _git _hg _p above) with their numbers, and
the -rN revision; a component with leading zeros compares as a decimal fraction
(0 < 001 < 0015 < 002 < 1), as apk-tools 3 orders them."""

from decimal import Decimal

DIGIT_OR_ZERO, DIGIT, LETTER, SUFFIX, SUFFIX_NO, REVISION_NO, END, INVALID = 0, 1, 2, 3, 4, 5, 6, -1
PRE = ["alpha", "beta", "pre", "rc"]
POST = ["cvs", "svn", "git", "hg", "p"]


def _next(t, s, i):
    """Type of the token starting at s[i] after a token of type t; returns (type, i)."""
    if i >= len(s):
        return END, i
    c = s[i]
    if t in (DIGIT, DIGIT_OR_ZERO) and c.islower():
        n = LETTER
    elif t == LETTER and c.isdigit():
        n = DIGIT
    elif t == SUFFIX and c.isdigit():
        n = SUFFIX_NO
    else:
        n = INVALID
        if c == ".":
            n = DIGIT_OR_ZERO
        elif c == "_":
            n = SUFFIX
        elif c == "-":
            if i + 1 < len(s) and s[i + 1] == "r":
                n = REVISION_NO
                i += 1
        i += 1
    if n < t and not ((n == DIGIT_OR_ZERO and t == DIGIT) or
                      (n == SUFFIX and t == SUFFIX_NO) or
                      (n == DIGIT and t == LETTER)):
        n = INVALID
    return n, i


def _get(t, s, i):
    """Value of the token of type t at s[i]; returns (value, next type, next i)."""
    if i >= len(s):
        return 0, END, i
    v, j, nt = 0, i, None
    if t == DIGIT_OR_ZERO and s[j] == "0" and j + 1 < len(s) and s[j + 1].isdigit():
        # a component with leading zeros is a decimal fraction: 0015 < 002 < 1
        while j < len(s) and s[j].isdigit():
            j += 1
        v = Decimal("0." + s[i:j])
    elif t in (DIGIT_OR_ZERO, DIGIT, SUFFIX_NO, REVISION_NO):
        while j < len(s) and s[j].isdigit():
            v = v * 10 + int(s[j])
            j += 1
    elif t == LETTER:
        v, j = ord(s[j]), j + 1
    elif t == SUFFIX:
        rest = s[j:]
        for k, name in enumerate(PRE):
            if rest.startswith(name):
                v, j = k - len(PRE), j + len(name)
                break
        else:
            for k, name in enumerate(POST):
                if rest.startswith(name):
                    v, j = k, j + len(name)
                    break
            else:
                return 0, INVALID, j
    else:
        return 0, INVALID, j
    if j >= len(s):
        return v, END, j
    if nt is not None:
        return v, nt, j
    nt, j = _next(t, s, j)
    return v, nt, j


def compare(a, b):
    """-1, 0 or 1 as apk orders versions a and b."""
    at = bt = DIGIT
    ai = bi = 0
    av = bv = 0
    while at == bt and at not in (END, INVALID) and av == bv:
        av, at, ai = _get(at, a, ai)
        bv, bt, bi = _get(bt, b, bi)
    if av < bv:
        return -1
    if av > bv:
        return 1
    if at == bt:
        return 0
    if at == SUFFIX and _get(at, a, ai)[0] < 0:
        return -1
    if bt == SUFFIX and _get(bt, b, bi)[0] < 0:
        return 1
    if at > bt:
        return -1
    if bt > at:
        return 1
    return 0
