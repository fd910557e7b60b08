#!/usr/bin/env python3
"""Build the images of tests/hostile/test_evasion.sh: ways to hide content from a scanner.

Python 3 standard library only; every image is an OCI image layout (a directory) or a
docker-archive tarball, built from scratch into the directory given as the only argument
(a temporary directory of the test). One line per case goes to OUTDIR/CASES.

Cases (the names are the directories):
  json-*       keys that Go's encoding/json (containerd, Docker, umoci) reads differently
               from a case-sensitive reader: "layers" then "Layers", U+017F in a key, ...
  size-*       descriptor sizes that do not match the blob (0, -1, 10, too big, missing)
  pad-dpkg     a dpkg status whose packages hide after 257 MB of blank lines
  pad-apk      the same for apk's installed database
  bigline-dpkg a dpkg status with one 100 MB field before the real fields
  rpm-big      an rpm database larger than the --max-file-size the test passes
  link-*       the package database behind symlinked directories (relative, absolute,
               chains, leaving the root, loops)
  env-secret   a config Env value that the secret scanner redacts (the token is made at
               run time and written to OUTDIR/env-secret.token)

Usage: make-evasion.py OUTDIR [CASE...]
"""

import gzip
import hashlib
import io
import json
import os
import secrets
import string
import sys
import tarfile
import zlib

MTIME = 1700000000
MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"

# five packages that the Debian feeds know as vulnerable in bookworm's first release
DPKG_PKGS = [("openssl", "3.0.9-1"), ("libssl3", "3.0.9-1"), ("curl", "7.88.1-10"),
             ("libcurl4", "7.88.1-10"), ("zlib1g", "1:1.2.13.dfsg-1")]
APK_PKGS = [("busybox", "1.36.1-r0"), ("musl", "1.2.4-r0"), ("openssl", "3.1.0-r0"),
            ("zlib", "1.2.13-r0"), ("apk-tools", "2.14.0-r0")]


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def dpkg_status(pkgs):
    out = []
    for name, ver in pkgs:
        out.append("Package: %s\nStatus: install ok installed\nPriority: optional\n"
                   "Architecture: amd64\nVersion: %s\nDescription: %s\n" % (name, ver, name))
    return "\n".join(out).encode()


def apk_installed(pkgs):
    return "".join("C:Q1abc=\nP:%s\nV:%s\nA:x86_64\no:%s\n\n" % (n, v, n)
                   for n, v in pkgs).encode()


class Layer:
    """A tar layer built in memory; entries: (path, kind, payload)."""

    def __init__(self, entries):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
            for path, kind, payload in entries:
                ti = tarfile.TarInfo(path)
                ti.mtime = MTIME
                if kind == "d":
                    ti.type, ti.mode = tarfile.DIRTYPE, 0o755
                    t.addfile(ti)
                elif kind == "l":
                    ti.type, ti.linkname, ti.mode = tarfile.SYMTYPE, payload, 0o777
                    t.addfile(ti)
                elif kind == "big":  # (head bytes, filler byte, filler length, tail bytes)
                    head, fill, n, tail = payload
                    ti.size, ti.mode = len(head) + n + len(tail), 0o644
                    t.addfile(ti, _Chain(head, fill, n, tail))
                else:
                    data = payload if isinstance(payload, bytes) else payload.encode()
                    ti.size, ti.mode = len(data), 0o644
                    t.addfile(ti, io.BytesIO(data))
        self.tar = buf.getvalue()
        self.blob = _gzip(self.tar)


class _Chain(io.RawIOBase):
    """head + n filler bytes + tail, read in chunks (never held whole)."""

    def __init__(self, head, fill, n, tail):
        self.parts = [(head, 1), (fill, n), (tail, 1)]
        self.i, self.left = 0, None

    def read(self, size=-1):
        out = bytearray()
        want = size if size and size > 0 else 1 << 20
        while len(out) < want and self.i < len(self.parts):
            unit, count = self.parts[self.i]
            if len(unit) == 1 and count > 1:
                if self.left is None:
                    self.left = count
                k = min(self.left, want - len(out))
                out += unit * k
                self.left -= k
                if self.left == 0:
                    self.i, self.left = self.i + 1, None
            else:
                out += unit
                self.i += 1
        return bytes(out)


def _gzip(data):
    c = zlib.compressobj(6, zlib.DEFLATED, 31)
    return c.compress(data) + c.flush()


def config_doc(layers, env=None, extra=None, rename=None):
    cfg = {"architecture": "amd64", "os": "linux", "created": "2023-11-14T22:13:20Z",
           "config": {"Env": env or ["PATH=/usr/bin:/bin"], "Cmd": ["/bin/sh"]},
           "rootfs": {"type": "layers", "diff_ids": [sha(l.tar) for l in layers]},
           "history": [{"created_by": "layer %d" % i} for i in range(len(layers))]}
    return cfg


def write_oci(out, name, layers, cfg=None, manifest_text=None, config_text=None,
              index_text=None, sizes=None):
    """An OCI layout. *_text override the JSON documents: they are format strings in which
    {L0} {L1}... are layer digests, {S0}... layer sizes, {C}/{CS} the config digest/size,
    {D0}... diff_ids, {M}/{MS} the manifest digest/size."""
    d = os.path.join(out, name)
    os.makedirs(os.path.join(d, "blobs", "sha256"), exist_ok=True)
    subs = {}
    for i, l in enumerate(layers):
        subs["L%d" % i], subs["S%d" % i], subs["D%d" % i] = sha(l.blob), len(l.blob), sha(l.tar)
        _blob(d, l.blob)
    if config_text is not None:
        cfgb = config_text.format(**subs).encode()
    else:
        cfgb = json.dumps(cfg or config_doc(layers)).encode()
    subs["C"], subs["CS"] = sha(cfgb), len(cfgb)
    _blob(d, cfgb)
    if manifest_text is not None:
        manb = manifest_text.format(**subs).encode()
    else:
        manb = json.dumps({"schemaVersion": 2, "mediaType": MT_MANIFEST,
                           "config": {"mediaType": MT_CONFIG, "digest": subs["C"],
                                      "size": subs["CS"]},
                           "layers": [{"mediaType": MT_LAYER, "digest": sha(l.blob),
                                       "size": len(l.blob)} for l in layers]}).encode()
    subs["M"], subs["MS"] = sha(manb), len(manb)
    _blob(d, manb)
    if index_text is not None:
        idx = index_text.format(**subs).encode()
    else:
        idx = json.dumps({"schemaVersion": 2, "manifests": [
            {"mediaType": MT_MANIFEST, "digest": subs["M"], "size": subs["MS"],
             "annotations": {"org.opencontainers.image.ref.name": "latest"}}]}).encode()
    with open(os.path.join(d, "index.json"), "wb") as f:
        f.write(idx)
    with open(os.path.join(d, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')


def _blob(d, b):
    with open(os.path.join(d, "blobs", "sha256", sha(b)[7:]), "wb") as f:
        f.write(b)


def write_docker(out, name, layers, manifest_text, cfg_layers=None):
    """A docker-archive: manifest.json from manifest_text ({C} config name, {L0}... layer
    names), config 'config.json' (diff_ids of cfg_layers, default all), layers
    '<i>/layer.tar'."""
    cfgb = json.dumps(config_doc(cfg_layers or layers)).encode()
    buf = io.BytesIO()
    subs = {"C": "config.json"}
    members = [("config.json", cfgb)]
    for i, l in enumerate(layers):
        subs["L%d" % i] = "%d/layer.tar" % i
        members.append(("%d/layer.tar" % i, l.tar))
    members.append(("manifest.json", manifest_text.format(**subs).encode()))
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for n, data in members:
            ti = tarfile.TarInfo(n)
            ti.size, ti.mtime = len(data), MTIME
            t.addfile(ti, io.BytesIO(data))
    with open(os.path.join(out, name + ".tar"), "wb") as f:
        f.write(buf.getvalue())


BENIGN = None
EVIL = None


def base_layers():
    global BENIGN, EVIL
    if BENIGN is None:
        BENIGN = Layer([("benign.txt", "f", "nothing to see\n")])
        EVIL = Layer([("evil.txt", "f", "the layer the scanner never saw\n")])
    return BENIGN, EVIL


def man_text(cfg_key="config", pieces=None):
    return ('{{"schemaVersion":2,"mediaType":"%s","%s":{{"mediaType":"%s","digest":"{C}",'
            '"size":{CS}}},%s}}' % (MT_MANIFEST, cfg_key, MT_CONFIG, pieces))


def ldesc(i, size=None):
    return '{{"mediaType":"%s","digest":"{L%d}","size":%s}}' % (
        MT_LAYER, i, "{S%d}" % i if size is None else size)


CFG_TWO = ('{{"architecture":"amd64","os":"linux","config":{{"Env":["PATH=/bin"]}},'
           '"rootfs":{{"type":"layers",%s}}}}')


def json_cases(out, cases):
    b, e = base_layers()
    L = [b, e]
    # manifest: "layers" (benign) then "Layers" (evil): Go keeps the last
    cases.append(("json-layers-case", "refuse",
                  "manifest \"layers\":[benign] then \"Layers\":[evil]"))
    write_oci(out, "json-layers-case", L,
              manifest_text=man_text(pieces='"layers":[%s],"Layers":[%s]' % (ldesc(0), ldesc(1))),
              config_text=CFG_TWO % '"diff_ids":["{D1}"]')
    cases.append(("json-layers-longs", "refuse",
                  "manifest \"layers\" then \"layer\\u017f\" (Go folds U+017F to s)"))
    write_oci(out, "json-layers-longs", L,
              manifest_text=man_text(pieces='"layers":[%s],"layer\u017f":[%s]' % (ldesc(0), ldesc(1))),
              config_text=CFG_TWO % '"diff_ids":["{D1}"]')
    cases.append(("json-layers-upper", "read",
                  "manifest with only \"LAYERS\": Go reads it as layers"))
    write_oci(out, "json-layers-upper", L,
              manifest_text=man_text(pieces='"LAYERS":[%s]' % ldesc(1)),
              config_text=CFG_TWO % '"diff_ids":["{D1}"]')
    cases.append(("json-layers-dup", "refuse", "manifest \"layers\" twice (Go keeps the last)"))
    write_oci(out, "json-layers-dup", L,
              manifest_text=man_text(pieces='"layers":[%s],"layers":[%s]' % (ldesc(0), ldesc(1))),
              config_text=CFG_TWO % '"diff_ids":["{D1}"]')
    cases.append(("json-diffids-case", "refuse",
                  "config \"diff_ids\" then \"Diff_ids\""))
    write_oci(out, "json-diffids-case", [e],
              manifest_text=man_text(pieces='"layers":[%s]' % ldesc(0)),
              config_text=CFG_TWO % '"diff_ids":["{D0}"],"Diff_ids":["{D0}"]')
    cases.append(("json-config-case", "read",
                  "manifest with \"Config\" for the config descriptor"))
    write_oci(out, "json-config-case", [e],
              manifest_text=man_text(cfg_key="Config", pieces='"layers":[%s]' % ldesc(0)),
              config_text=CFG_TWO % '"diff_ids":["{D0}"]')
    cases.append(("json-digest-kelvin", "refuse",
                  "config descriptor \"mediaType\" and \"MEDIATYPE\" (differ in case)"))
    write_oci(out, "json-digest-kelvin", [e],
              manifest_text=('{{"schemaVersion":2,"config":{{"mediaType":"%s","MEDIATYPE":"x",'
                             '"digest":"{C}","size":{CS}}},"layers":[%s]}}' % (MT_CONFIG, ldesc(0))),
              config_text=CFG_TWO % '"diff_ids":["{D0}"]')
    cases.append(("json-index-case", "refuse",
                  "index \"manifests\":[] then \"Manifests\":[image]"))
    write_oci(out, "json-index-case", [e],
              manifest_text=man_text(pieces='"layers":[%s]' % ldesc(0)),
              config_text=CFG_TWO % '"diff_ids":["{D0}"]',
              index_text=('{{"schemaVersion":2,"manifests":[],"Manifests":[{{"mediaType":"%s",'
                          '"digest":"{M}","size":{MS},"annotations":{{'
                          '"org.opencontainers.image.ref.name":"latest"}}}}]}}' % MT_MANIFEST))
    cases.append(("json-labels-case", "read",
                  "config labels \"a\" and \"A\" (a Go map: both kept, not a collision)"))
    write_oci(out, "json-labels-case", [e],
              manifest_text=man_text(pieces='"layers":[%s]' % ldesc(0)),
              config_text=('{{"architecture":"amd64","os":"linux","config":{{"Labels":'
                           '{{"a":"1","A":"2"}}}},"rootfs":{{"type":"layers","diff_ids":["{D0}"]}}}}'))
    # docker-archive manifest.json
    cases.append(("da-layers-case", "refuse",
                  "docker-archive manifest.json \"Layers\" then \"layers\""))
    write_docker(out, "da-layers-case", [b, e],
                 '[{{"Config":"{C}","RepoTags":["x:1"],"Layers":["{L0}"],"layers":["{L1}"]}}]',
                 cfg_layers=[e])
    cases.append(("da-config-lower", "read",
                  "docker-archive manifest.json with \"config\" and \"layers\" in lower case"))
    write_docker(out, "da-config-lower", [b, e],
                 '[{{"config":"{C}","RepoTags":["x:1"],"layers":["{L0}","{L1}"]}}]')


def size_cases(out, cases):
    b, e = base_layers()
    for tag, val in (("0", "0"), ("neg", "-1"), ("10", "10"), ("big", str(len(e.blob) + 1000)),
                     ("float", "%d.0" % len(e.blob))):
        n = "size-layer-" + tag
        cases.append((n, "refuse", "layer descriptor size %s" % val))
        write_oci(out, n, [e], manifest_text=man_text(pieces='"layers":[%s]' % ldesc(0, val)),
                  config_text=CFG_TWO % '"diff_ids":["{D0}"]')
    cases.append(("size-layer-missing", "refuse", "layer descriptor without size"))
    write_oci(out, "size-layer-missing", [e],
              manifest_text=man_text(pieces='"layers":[{{"mediaType":"%s","digest":"{L0}"}}]' % MT_LAYER),
              config_text=CFG_TWO % '"diff_ids":["{D0}"]')
    cases.append(("size-config-10", "refuse", "config descriptor size 10"))
    write_oci(out, "size-config-10", [e],
              manifest_text=('{{"schemaVersion":2,"config":{{"mediaType":"%s","digest":"{C}",'
                             '"size":10}},"layers":[%s]}}' % (MT_CONFIG, ldesc(0))),
              config_text=CFG_TWO % '"diff_ids":["{D0}"]')
    for tag, val in (("0", "0"), ("neg", "-1"), ("10", "10")):
        n = "size-manifest-" + tag
        cases.append((n, "refuse", "manifest descriptor size %s in index.json" % val))
        write_oci(out, n, [e], manifest_text=man_text(pieces='"layers":[%s]' % ldesc(0)),
                  config_text=CFG_TWO % '"diff_ids":["{D0}"]',
                  index_text='{{"schemaVersion":2,"manifests":[{{"mediaType":"%s","digest":"{M}",'
                             '"size":%s,"annotations":{{"org.opencontainers.image.ref.name":'
                             '"latest"}}}}]}}' % (MT_MANIFEST, val))


PAD = 257 << 20


def pad_cases(out, cases):
    status = dpkg_status(DPKG_PKGS)
    cases.append(("pad-dpkg", "packages", "dpkg status: 257 MB of blank lines, then 5 packages"))
    write_oci(out, "pad-dpkg", [Layer([
        ("var", "d", None), ("var/lib", "d", None), ("var/lib/dpkg", "d", None),
        ("var/lib/dpkg/status", "big", (b"", b"\n", PAD, b"\n" + status))])])
    cases.append(("pad-apk", "packages", "apk installed: 257 MB of blank lines, then 5 packages"))
    write_oci(out, "pad-apk", [Layer([
        ("lib", "d", None), ("lib/apk", "d", None), ("lib/apk/db", "d", None),
        ("lib/apk/db/installed", "big", (b"", b"\n", PAD, b"\n" + apk_installed(APK_PKGS)))])])
    cases.append(("bigline-dpkg", "packages",
                  "dpkg status: one 100 MB field in the first package's record"))
    first = status.split(b"\n\n")[0]
    rest = b"\n\n".join(status.split(b"\n\n")[1:])
    write_oci(out, "bigline-dpkg", [Layer([
        ("var", "d", None), ("var/lib", "d", None), ("var/lib/dpkg", "d", None),
        ("var/lib/dpkg/status", "big", (first + b"\nX-Padding: ", b"A", 100 << 20,
                                        b"\n\n" + rest))])])
    cases.append(("rpm-big", "refuse-big", "rpm database over --max-file-size"))
    write_oci(out, "rpm-big", [Layer([
        ("var", "d", None), ("var/lib", "d", None), ("var/lib/rpm", "d", None),
        ("var/lib/rpm/rpmdb.sqlite", "f", b"SQLite format 3\0" + b"\0" * 8192)])])


def link_cases(out, cases):
    status = dpkg_status(DPKG_PKGS)
    dirs = [("var", "d", None), ("var/lib", "d", None)]
    cases.append(("link-abs", "packages", "/var/lib/dpkg -> /opt/db (absolute)"))
    write_oci(out, "link-abs", [
        Layer(dirs + [("var/lib/dpkg", "l", "/opt/db")]),
        Layer([("opt", "d", None), ("opt/db", "d", None), ("opt/db/status", "f", status)])])
    cases.append(("link-rel", "packages", "/var/lib -> ../opt/lib (relative)"))
    write_oci(out, "link-rel", [
        Layer([("var", "d", None), ("var/lib", "l", "../opt/lib"), ("opt", "d", None),
               ("opt/lib", "d", None), ("opt/lib/dpkg", "d", None),
               ("opt/lib/dpkg/status", "f", status)])])
    cases.append(("link-chain", "packages", "/var/lib/dpkg -> /a -> b/c -> ../d (a chain)"))
    write_oci(out, "link-chain", [
        Layer(dirs + [("var/lib/dpkg", "l", "/a"), ("a", "l", "b/c"), ("b", "d", None),
                      ("b/c", "l", "../d"), ("d", "d", None), ("d/status", "f", status)])])
    cases.append(("link-escape", "packages",
                  "/var/lib/dpkg -> ../../../../../../srv/db (clamped at the image root)"))
    write_oci(out, "link-escape", [
        Layer(dirs + [("var/lib/dpkg", "l", "../../../../../../srv/db"), ("srv", "d", None),
                      ("srv/db", "d", None), ("srv/db/status", "f", status)])])
    cases.append(("link-file", "packages", "/var/lib/dpkg/status -> /usr/share/st (the file)"))
    write_oci(out, "link-file", [
        Layer(dirs + [("var/lib/dpkg", "d", None), ("var/lib/dpkg/status", "l", "/usr/share/st"),
                      ("usr", "d", None), ("usr/share", "d", None),
                      ("usr/share/st", "f", status)])])
    cases.append(("link-statusd", "packages",
                  "/var/lib/dpkg -> /opt/db with distroless /opt/db/status.d/<package> files"))
    write_oci(out, "link-statusd", [
        Layer(dirs + [("var/lib/dpkg", "l", "/opt/db"), ("opt", "d", None), ("opt/db", "d", None),
                      ("opt/db/status.d", "d", None)] +
              [("opt/db/status.d/" + n, "f", dpkg_status([(n, v)])) for n, v in DPKG_PKGS])])
    cases.append(("link-loop", "refuse-loop", "/var/lib/dpkg -> /x, /x -> /var/lib/dpkg"))
    write_oci(out, "link-loop", [
        Layer(dirs + [("var/lib/dpkg", "l", "/x"), ("x", "l", "/var/lib/dpkg")])])
    cases.append(("link-apk", "packages", "/lib/apk -> /opt/apk (apk)"))
    write_oci(out, "link-apk", [
        Layer([("lib", "d", None), ("lib/apk", "l", "/opt/apk"), ("opt", "d", None),
               ("opt/apk", "d", None), ("opt/apk/db", "d", None),
               ("opt/apk/db/installed", "f", apk_installed(APK_PKGS))])])


def gh_token():
    # "ghp_", 30 random characters and their checksum (CRC-32, base62, 6 digits)
    al = string.ascii_letters + string.digits
    body = "".join(secrets.choice(al) for _ in range(30))
    d, c, cs = string.digits + string.ascii_uppercase + string.ascii_lowercase, zlib.crc32(body.encode()), ""
    for _ in range(6):
        c, r = divmod(c, 62)
        cs = d[r] + cs
    return "ghp_" + body + cs


def env_cases(out, cases):
    alnum = string.ascii_letters + string.digits
    token = gh_token()
    with open(os.path.join(out, "env-secret.token"), "w") as f:
        f.write(token)
    _, e = base_layers()
    cfg = config_doc([e], env=["PATH=/usr/bin", "GITHUB_TOKEN=" + token])
    cfg["history"] = [{"created_by": "RUN echo " + token + " > /dev/null"}]
    cases.append(("env-secret", "inspect", "a GitHub token in Env and in history"))
    write_oci(out, "env-secret", [e], cfg=cfg)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    want = set(sys.argv[2:])
    os.makedirs(out, exist_ok=True)
    cases = []
    for group, fn in (("json", json_cases), ("size", size_cases), ("pad", pad_cases),
                      ("link", link_cases), ("env", env_cases)):
        if not want or group in want:
            fn(out, cases)
    with open(os.path.join(out, "CASES"), "w") as f:
        for name, expect, what in cases:
            f.write("%s\t%s\t%s\n" % (name, expect, what))


if __name__ == "__main__":
    main()
