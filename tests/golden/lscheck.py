#!/usr/bin/env python3
"""Check `vigil ls --format json` output against a reference listing (stdlib only).

  lscheck.py compare VIGIL.json REF.json [--image-arg ARG] [--loose-hardlinks]
      REF.json comes from umoci_list.py --inodes (umoci's unpacked rootfs, or a plain
      directory). Compares every field but "layer". A vigil "hardlink" entry equals a
      regular file on disk that shares its inode with the link target. Unless
      --loose-hardlinks (for rootfs: sources), names sharing an inode on disk must be
      one "file" plus "hardlink" entries pointing into the same set.
  lscheck.py layers VIGIL.json EXPECT.json KEY
      The "layer" of the paths listed in EXPECT.json[KEY]["layers"].
  lscheck.py all-layers VIGIL_ALL.json VIGIL.json EXPECT.json KEY
      `--all-layers` output: statuses, removed_by, the present entries equal the plain
      listing, and the removed versions listed in EXPECT.json[KEY]["removed"].

Prints nothing and exits 0 when all is well; otherwise prints a one-line summary and
then indented details (the first differences of each kind) and exits 1.
"""

import json
import re
import sys

TYPES = {"file", "dir", "symlink", "hardlink", "char", "block", "fifo"}
STATUSES = {"present", "deleted", "overwritten"}
FIELDS = ("type", "mode", "uid", "gid", "size", "link")
MAX_SHOWN = 25
MODE_RE = re.compile(r"^[0-7]{4}$")


class Failure(Exception):
    pass


def key(p):
    return p.encode("utf-8", "surrogateescape")


def load(path, what):
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise Failure("cannot read %s output: %s" % (what, e))
    try:
        doc = json.loads(raw)
    except ValueError as e:
        raise Failure("%s output is not JSON (%s); it starts with %r" % (what, e, raw[:200]))
    if not isinstance(doc, dict) or not isinstance(doc.get("files"), list):
        raise Failure('%s output has no "files" array; top-level keys: %s'
                      % (what, sorted(doc) if isinstance(doc, dict) else type(doc).__name__))
    for i, e in enumerate(doc["files"]):
        if not isinstance(e, dict) or not isinstance(e.get("path"), str):
            raise Failure("%s output: files[%d] has no string path: %r" % (what, i, e))
    return doc


def show(e, skip=("path",)):
    return " ".join("%s=%s" % (k, e[k]) for k in ("type", "mode", "uid", "gid", "size", "link",
                                                   "layer", "status", "removed_by")
                    if k in e and k not in skip)


class Report:
    def __init__(self):
        self.sections = []

    def add(self, title, lines):
        if lines:
            self.sections.append((title, lines))

    def count(self):
        return sum(len(lines) for _, lines in self.sections)

    def fail_if_any(self, summary):
        if not self.sections:
            return
        out = [summary + ": " + ", ".join("%d %s" % (len(l), t) for t, l in self.sections)]
        for title, lines in self.sections:
            out.append("  %s (%d):" % (title, len(lines)))
            for line in lines[:MAX_SHOWN]:
                out.append("    " + line)
            if len(lines) > MAX_SHOWN:
                out.append("    ... and %d more" % (len(lines) - MAX_SHOWN))
        raise Failure("\n".join(out))


def shape_problems(files, all_layers):
    """Contract checks on the entries themselves (types, formats, order)."""
    probs = []
    prev = None
    seen = set()
    for e in files:
        p = e["path"]
        if all_layers:
            ident = (p, e.get("layer"))
        else:
            ident = p
        if ident in seen:
            probs.append("%s: listed twice%s" % (p, " for layer %s" % e.get("layer") if all_layers
                                                   else ""))
        seen.add(ident)
        if prev is not None and key(p) < key(prev):
            probs.append("%s: out of order (comes after %s; contract: sorted by path, bytewise)"
                         % (p, prev))
        prev = p
        if p == "/" or not p.startswith("/") or p.endswith("/") or "//" in p or \
                "/./" in p + "/" or "/../" in p + "/":
            probs.append("%r: not a clean absolute path (the root itself is not listed)" % p)
        t = e.get("type")
        if t not in TYPES:
            probs.append("%s: type %r is not one of %s" % (p, t, sorted(TYPES)))
        if not isinstance(e.get("mode"), str) or not MODE_RE.match(e["mode"]):
            probs.append("%s: mode %r is not a 4-digit octal string" % (p, e.get("mode")))
        for f in ("uid", "gid", "size"):
            if not isinstance(e.get(f), int) or isinstance(e.get(f), bool) or e[f] < 0:
                probs.append("%s: %s %r is not a non-negative integer" % (p, f, e.get(f)))
        if t in ("symlink", "hardlink"):
            if not isinstance(e.get("link"), str):
                probs.append("%s: %s without a string link" % (p, t))
        elif "link" in e:
            probs.append("%s: link %r on a %s (contract: only symlinks and hardlinks)"
                         % (p, e["link"], t))
        if t == "hardlink" and isinstance(e.get("link"), str) and not e["link"].startswith("/"):
            probs.append("%s: hardlink target %r is not an absolute in-image path" % (p, e["link"]))
        if t != "file" and isinstance(e.get("size"), int) and e["size"] != 0:
            probs.append("%s: size %d on a %s (contract: bytes for files, 0 otherwise)"
                         % (p, e["size"], t))
        if not all_layers and ("status" in e or "removed_by" in e):
            probs.append("%s: status/removed_by without --all-layers" % p)
    return probs


def cmd_compare(args):
    vigil_path, ref_path = args[0], args[1]
    image_arg, loose = None, False
    rest = args[2:]
    while rest:
        a = rest.pop(0)
        if a == "--image-arg":
            image_arg = rest.pop(0)
        elif a == "--loose-hardlinks":
            loose = True
        else:
            raise Failure("lscheck: unknown option %s" % a)
    vdoc = load(vigil_path, "vigil")
    rdoc = load(ref_path, "reference")
    rep = Report()
    if image_arg is not None and vdoc.get("image") != image_arg:
        rep.add("wrong image field", ['"image" is %r, expected the argument %r'
                                      % (vdoc.get("image"), image_arg)])
    rep.add("contract violations", shape_problems(vdoc["files"], False))
    vig = {e["path"]: e for e in vdoc["files"]}
    ref = {e["path"]: e for e in rdoc["files"]}
    rep.add("missing from vigil (umoci has them)",
            ["%s (umoci: %s)" % (p, show(ref[p])) for p in sorted(set(ref) - set(vig), key=key)])
    rep.add("extra in vigil (umoci does not have them)",
            ["%s (vigil: %s)" % (p, show(vig[p])) for p in sorted(set(vig) - set(ref), key=key)])
    diffs = []
    for p in sorted(set(vig) & set(ref), key=key):
        v, r = vig[p], ref[p]
        if v.get("type") == "hardlink":
            diffs.extend(hardlink_diffs(p, v, r, ref))
            continue
        for f in FIELDS:
            if v.get(f) != r.get(f):
                diffs.append("%s: %s: vigil %s, umoci %s"
                             % (p, f, fmt(v.get(f)), fmt(r.get(f))))
    rep.add("differing entries", diffs)
    if not loose:
        rep.add("hardlink groups", group_problems(vig, ref))
    rep.fail_if_any("%d vigil entries vs %d umoci entries" % (len(vig), len(ref)))


def fmt(x):
    return "(absent)" if x is None else json.dumps(x, ensure_ascii=False)


def hardlink_diffs(p, v, r, ref):
    """A vigil hardlink entry against the on-disk entry of the same path."""
    out = []
    target = v.get("link")
    if r["type"] != "file":
        return ["%s: type: vigil hardlink (-> %s), umoci %s" % (p, target, r["type"])]
    t = ref.get(target)
    if t is None:
        out.append("%s: vigil says hardlink to %s, which umoci's tree does not have (on disk %s "
                   "is a regular file of %d bytes)" % (p, target, p, r["size"]))
    elif t["type"] != "file" or (t.get("dev"), t.get("ino")) != (r.get("dev"), r.get("ino")):
        out.append("%s: vigil says hardlink to %s, but on disk they are different objects "
                   "(%s: %d bytes; %s: %s, %d bytes)"
                   % (p, target, p, r["size"], target, t["type"], t["size"]))
    for f in ("mode", "uid", "gid"):
        if v.get(f) != r.get(f):
            out.append("%s: %s: vigil %s, umoci %s (hardlink entry)"
                       % (p, f, fmt(v.get(f)), fmt(r.get(f))))
    if v.get("size") != 0:
        out.append("%s: size: vigil %s on a hardlink entry (contract: 0 for non-file types; "
                   "umoci file size %d)" % (p, fmt(v.get("size")), r["size"]))
    return out


def group_problems(vig, ref):
    """Names that share an inode on disk: one vigil "file", the rest hardlinks into the set."""
    groups = {}
    for p, e in ref.items():
        if e["type"] == "file" and e.get("nlink", 1) > 1 and "ino" in e:
            groups.setdefault((e["dev"], e["ino"]), []).append(p)
    out = []
    for names in groups.values():
        names = sorted((n for n in names if n in vig), key=key)
        if len(names) < 2:
            continue
        files = [n for n in names if vig[n].get("type") == "file"]
        links = [n for n in names if vig[n].get("type") == "hardlink"]
        if len(files) != 1:
            out.append("%s share one inode on disk; vigil lists %d of them as type file (%s), "
                       "expected exactly one file and hardlinks to it"
                       % (", ".join(names), len(files), ", ".join(files) or "none"))
        for n in links:
            if vig[n].get("link") not in names:
                out.append("%s: hardlink to %s, outside its on-disk inode group %s"
                           % (n, vig[n].get("link"), ", ".join(names)))
    return out


def load_expect(path, name):
    with open(path) as f:
        exp = json.load(f)
    if name not in exp:
        raise Failure("lscheck: no expectations for %r in %s" % (name, path))
    return exp[name]


def cmd_layers(args):
    vdoc = load(args[0], "vigil")
    exp = load_expect(args[1], args[2])
    vig = {e["path"]: e for e in vdoc["files"]}
    rep = Report()
    lines = []
    for p, layer in sorted(exp["layers"].items()):
        e = vig.get(p)
        if e is None:
            lines.append("%s: not listed by vigil (expected layer %d)" % (p, layer))
        elif e.get("layer") != layer:
            lines.append("%s: layer: vigil %s, expected %d" % (p, fmt(e.get("layer")), layer))
    rep.add("wrong layer", lines)
    rep.fail_if_any("%d paths checked" % len(exp["layers"]))


def cmd_all_layers(args):
    adoc = load(args[0], "vigil --all-layers")
    pdoc = load(args[1], "vigil")
    exp = load_expect(args[2], args[3])
    rep = Report()
    files = adoc["files"]
    rep.add("contract violations", shape_problems(files, True))
    status_probs = []
    present = {}
    versions = {}
    for e in files:
        p, st = e["path"], e.get("status")
        versions[(p, e.get("layer"))] = e
        if st not in STATUSES:
            status_probs.append("%s (layer %s): status %r is not one of %s"
                                % (p, e.get("layer"), st, sorted(STATUSES)))
            continue
        if st == "present":
            if "removed_by" in e:
                status_probs.append("%s: present but has removed_by %s" % (p, e["removed_by"]))
            if p in present:
                status_probs.append("%s: present in layers %s and %s"
                                    % (p, present[p].get("layer"), e.get("layer")))
            present[p] = e
        else:
            rb = e.get("removed_by")
            if not isinstance(rb, int) or not isinstance(e.get("layer"), int) or rb <= e["layer"]:
                status_probs.append("%s (layer %s): %s with removed_by %s (must be a later layer)"
                                    % (p, e.get("layer"), st, fmt(rb)))
    rep.add("bad status fields", status_probs)
    plain = {e["path"]: e for e in pdoc["files"]}
    same = []
    for p in sorted(set(plain) | set(present), key=key):
        a, b = present.get(p), plain.get(p)
        if a is None:
            same.append("%s: in plain ls (%s) but has no present version in --all-layers"
                        % (p, show(b)))
        elif b is None:
            same.append("%s: present in --all-layers (%s) but not in plain ls" % (p, show(a)))
        else:
            a2 = {k: v for k, v in a.items() if k != "status"}
            if a2 != b:
                same.append("%s: --all-layers present version {%s} differs from plain ls {%s}"
                            % (p, show(a2), show(b)))
    rep.add("present versions differing from plain ls", same)
    removed = []
    for x in exp["removed"]:
        e = versions.get((x["path"], x["layer"]))
        want = x["status"] if isinstance(x["status"], list) else [x["status"]]
        if e is None:
            removed.append("%s: no version from layer %d (expected %s, removed_by %d)"
                           % (x["path"], x["layer"], "|".join(want), x["removed_by"]))
        elif e.get("status") not in want or e.get("removed_by") != x["removed_by"]:
            removed.append("%s (layer %d): vigil status=%s removed_by=%s, expected status=%s "
                           "removed_by=%d" % (x["path"], x["layer"], fmt(e.get("status")),
                                              fmt(e.get("removed_by")), "|".join(want),
                                              x["removed_by"]))
    rep.add("removed versions not as expected", removed)
    rep.fail_if_any("%d --all-layers entries" % len(files))


def main():
    cmds = {"compare": (cmd_compare, 2), "layers": (cmd_layers, 3),
            "all-layers": (cmd_all_layers, 4)}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds or len(sys.argv) - 2 < cmds[sys.argv[1]][1]:
        sys.stderr.write(__doc__)
        sys.exit(2)
    fn, _ = cmds[sys.argv[1]]
    try:
        fn(sys.argv[2:])
    except Failure as e:
        print(str(e))
        sys.exit(1)


if __name__ == "__main__":
    main()
