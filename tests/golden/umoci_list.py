#!/usr/bin/env python3
"""List a directory tree in the JSON shape of `vigil ls --format json`.

Usage: umoci_list.py [--inodes] [--image NAME] ROOT

Used on a bundle that `umoci unpack` made (BUNDLE/rootfs) and on plain root
directories. The walk uses lstat only and never follows a symbolic link. On disk a
hard link is just a second name for the same inode, so every entry is typed file,
dir, symlink, char, block or fifo (never hardlink); with --inodes each entry also
carries "dev", "ino" and "nlink" so that a comparer can match vigil's hardlink
entries. "layer" is not known here and is not emitted.
"""

import json
import os
import stat
import sys

TYPES = (
    (stat.S_ISREG, "file"),
    (stat.S_ISDIR, "dir"),
    (stat.S_ISLNK, "symlink"),
    (stat.S_ISCHR, "char"),
    (stat.S_ISBLK, "block"),
    (stat.S_ISFIFO, "fifo"),
    (stat.S_ISSOCK, "socket"),
)


def entry_type(mode):
    for test, name in TYPES:
        if test(mode):
            return name
    return "unknown"


def path_key(p):
    """Bytewise order of the UTF-8 (or raw) path."""
    return p.encode("utf-8", "surrogateescape")


def walk(root, inodes=False):
    """Yield one dict per object below root (root itself excluded)."""
    stack = [("", root)]
    while stack:
        rel, full = stack.pop()
        with os.scandir(full) as it:
            names = [e.name for e in it]
        for name in names:
            p = os.path.join(full, name)
            st = os.lstat(p)
            kind = entry_type(st.st_mode)
            e = {
                "path": rel + "/" + name,
                "type": kind,
                "mode": "%04o" % stat.S_IMODE(st.st_mode),
                "uid": st.st_uid,
                "gid": st.st_gid,
                "size": st.st_size if kind == "file" else 0,
            }
            if kind == "symlink":
                e["link"] = os.readlink(p)
            if inodes:
                e["dev"], e["ino"], e["nlink"] = st.st_dev, st.st_ino, st.st_nlink
            yield e
            if kind == "dir":
                stack.append((rel + "/" + name, p))


def main():
    args = sys.argv[1:]
    inodes = False
    image = None
    while args and args[0].startswith("--"):
        opt = args.pop(0)
        if opt == "--inodes":
            inodes = True
        elif opt == "--image" and args:
            image = args.pop(0)
        else:
            sys.exit("usage: umoci_list.py [--inodes] [--image NAME] ROOT")
    if len(args) != 1:
        sys.exit("usage: umoci_list.py [--inodes] [--image NAME] ROOT")
    root = args[0]
    files = sorted(walk(root, inodes), key=lambda e: path_key(e["path"]))
    json.dump({"image": image if image is not None else root, "files": files}, sys.stdout,
              indent=None, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
