#!/usr/bin/env python3
"""Pushes an estate of distinct images to a registry (Distribution API over plain HTTP).

usage: push_estate.py REGISTRY(host:port) COUNT REPOS PREFIX LAYOUT [LAYOUT...]

Image i is built from LAYOUT[i % len(LAYOUTS)] (an OCI image layout): the same layers
(pushed once per repository, so every image shares its base), and a config that differs
only by the label vigil.test.index=PREFIX-i, which gives every image its own manifest
digest. Repositories are PREFIX/r0 .. PREFIX/r{REPOS-1}. Prints one line per image:
"REPOSITORY DIGEST".
"""
import hashlib
import json
import os
import sys
import urllib.request

reg, count, nrepos, prefix = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
layouts = sys.argv[5:]
base = f"http://{reg}/v2/"


def blob(layout, digest):
    with open(os.path.join(layout, "blobs", *digest.split(":")), "rb") as f:
        return f.read()


def req(method, url, data=None, headers=None):
    r = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    with urllib.request.urlopen(r, timeout=60) as resp:
        return resp.status, resp.headers, resp.read()


def have(repo, digest):
    try:
        return req("HEAD", f"{base}{repo}/blobs/{digest}")[0] == 200
    except urllib.error.HTTPError:
        return False


def put_blob(repo, digest, data):
    if have(repo, digest):
        return
    _, h, _ = req("POST", f"{base}{repo}/blobs/uploads/")
    loc = h["Location"]
    if loc.startswith("/"):
        loc = f"http://{reg}{loc}"
    sep = "&" if "?" in loc else "?"
    req("PUT", f"{loc}{sep}digest={digest}", data,
        {"Content-Type": "application/octet-stream", "Content-Length": str(len(data))})


images = []
for lay in layouts:
    idx = json.load(open(os.path.join(lay, "index.json")))
    man = json.loads(blob(lay, idx["manifests"][0]["digest"]))
    images.append((lay, man, json.loads(blob(lay, man["config"]["digest"]))))

for i in range(count):
    lay, man, cfg = images[i % len(images)]
    repo = f"{prefix}/r{i % nrepos}"
    for layer in man["layers"]:
        put_blob(repo, layer["digest"], blob(lay, layer["digest"]))
    c = json.loads(json.dumps(cfg))
    c.setdefault("config", {}).setdefault("Labels", {})
    c["config"]["Labels"] = dict(c["config"]["Labels"] or {}, **{"vigil.test.index": f"{prefix}-{i}"})
    cdata = json.dumps(c, separators=(",", ":")).encode()
    cdig = "sha256:" + hashlib.sha256(cdata).hexdigest()
    put_blob(repo, cdig, cdata)
    m = json.loads(json.dumps(man))
    m["config"] = dict(m["config"], digest=cdig, size=len(cdata))
    mdata = json.dumps(m, separators=(",", ":")).encode()
    mdig = "sha256:" + hashlib.sha256(mdata).hexdigest()
    mt = m.get("mediaType", "application/vnd.oci.image.manifest.v1+json")
    req("PUT", f"{base}{repo}/manifests/t{i}", mdata, {"Content-Type": mt})
    print(repo, mdig, flush=True)
