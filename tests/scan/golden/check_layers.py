#!/usr/bin/env python3
"""Check the package and layer fields of every finding of a golden scan against the OCI
layout itself, read here without Vigil. Usage: check_layers.py OCI-LAYOUT VIGIL.json

For each finding:
  * layer.diff_id is the sha256 of the uncompressed layer at layer.index (computed here
    from the blob), and layer.created_by the created_by of that layer's history entry in
    the image config (entries marked empty_layer skipped);
  * layer.index is the layer that brought the package: for a package database file
    (/var/lib/dpkg/status, /lib/apk/db/installed) the lowest layer from which every later
    copy of that file still lists the package with the same version; for any other file
    (rpmdb, Go binary, lockfile, gemspec) the last layer that wrote package.location;
  * for deb and apk packages, version, source_name and source_version are those the
    database file of the final layer holding it gives (dpkg "Source: name (version)",
    apk "o:"), and the purl starts with "pkg:<type>/".
Prints the problems (first 20) and exits 1 when there is any."""
import gzip
import hashlib
import json
import os
import re
import sys
import tarfile

DBS = {"/var/lib/dpkg/status": "deb", "/lib/apk/db/installed": "apk"}


def blob(layout, digest):
    return os.path.join(layout, "blobs", *digest.split(":", 1))


def layers(layout):
    """[(uncompressed tar bytes, created_by)] of the single image of the layout."""
    index = json.load(open(os.path.join(layout, "index.json")))
    manifest = json.load(open(blob(layout, index["manifests"][0]["digest"])))
    config = json.load(open(blob(layout, manifest["config"]["digest"])))
    history = [h for h in config.get("history", []) if not h.get("empty_layer")]
    out = []
    for i, layer in enumerate(manifest["layers"]):
        data = open(blob(layout, layer["digest"]), "rb").read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        out.append((data, history[i].get("created_by") if i < len(history) else None))
    return out


def members(data):
    """{absolute path: file bytes or None (not a regular file)} of a layer tar."""
    files = {}
    with tarfile.open(fileobj=__import__("io").BytesIO(data)) as t:
        for m in t:
            path = "/" + os.path.normpath(m.name).lstrip("./")
            files[path] = t.extractfile(m).read() if m.isfile() else None
    return files


def parse_db(kind, text):
    """{name: (version, source name, source version)}"""
    pkgs = {}
    for para in re.split(r"\n\s*\n", text):
        f = {}
        if kind == "deb":
            for line in para.splitlines():
                if ":" in line and not line.startswith(" "):
                    k, v = line.split(":", 1)
                    f[k] = v.strip()
            if "Package" not in f or "installed" not in f.get("Status", "installed"):
                continue
            src, srcver = f["Package"], f["Version"]
            if f.get("Source"):
                m = re.match(r"^(\S+)(?:\s+\((.+)\))?$", f["Source"])
                src, srcver = m.group(1), m.group(2) or srcver
            pkgs[f["Package"]] = (f["Version"], src, srcver)
        else:
            for line in para.splitlines():
                if len(line) > 2 and line[1] == ":":
                    f[line[0]] = line[2:]
            if "P" in f:
                pkgs[f["P"]] = (f["V"], f.get("o", f["P"]), f["V"])
    return pkgs


def main():
    layout, report = sys.argv[1:3]
    ls = layers(layout)
    files = [members(data) for data, _ in ls]
    diff_ids = ["sha256:" + hashlib.sha256(data).hexdigest() for data, _ in ls]
    problems = []
    doc = json.load(open(report))
    for v in doc.get("vulnerabilities") or []:
        p, lay = v["package"], v["layer"]
        what = "%s %s %s" % (p["name"], p["version"], v["id"])
        loc = p.get("location")
        want = None
        if loc in DBS:
            copies = [(i, parse_db(DBS[loc], f[loc].decode("utf-8", "replace")))
                      for i, f in enumerate(files) if f.get(loc) is not None]
            if not copies or p["name"] not in copies[-1][1]:
                problems.append("%s: not in the final %s" % (what, loc))
                continue
            final = copies[-1][1][p["name"]]
            for i, pk in reversed(copies):
                if pk.get(p["name"], (None,))[0] != final[0]:
                    break
                want = i
            got = (p["version"], p.get("source_name"), p.get("source_version"))
            if got != final:
                problems.append("%s: version/source %s, the database says %s" % (what, got, final))
        else:
            writers = [i for i, f in enumerate(files) if loc in f]
            want = writers[-1] if writers else None
        if lay.get("index") != want:
            problems.append("%s: layer %s, expected %s" % (what, lay.get("index"), want))
            continue
        if lay.get("diff_id") != diff_ids[want]:
            problems.append("%s: diff_id %s, expected %s" % (what, lay.get("diff_id"), diff_ids[want]))
        if lay.get("created_by") != ls[want][1]:
            problems.append("%s: created_by %r, expected %r" % (what, lay.get("created_by"), ls[want][1]))
        if not (p.get("purl") or "").startswith("pkg:%s/" % ("golang" if p["type"] == "golang" else p["type"])):
            problems.append("%s: purl %r" % (what, p.get("purl")))
    n = len(doc.get("vulnerabilities") or [])
    print("%d findings checked, %d problems" % (n, len(problems)))
    for pr in problems[:20]:
        print("  " + pr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
