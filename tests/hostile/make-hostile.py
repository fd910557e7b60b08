#!/usr/bin/env python3
"""Build the hostile image fixtures for tests/hostile/test_hostile.sh.

Python 3 standard library only. Every tar header is written by hand (tarfile refuses or
"fixes" most of what these fixtures need), every blob is content-addressed with a correct
digest unless the case is about a wrong one, and every OCI layout has a proper oci-layout,
index.json, manifest and config (rootfs.diff_ids) around its one hostile property.

Output: ${VIGIL_CACHE:-$HOME/.cache/vigil}/hostile-<first 12 hex of sha256 of this script>/
  <case>/        an OCI image layout
  <case>.tar     a docker-archive (docker save) tarball
  CASES          one line per case: name and what is hostile about it
The directory is built under a temporary name and renamed into place when complete; if it
already exists it is reused. The path is printed on stdout.

Usage: make-hostile.py [--force]
"""

import gzip
import hashlib
import io
import json
import os
import shutil
import struct
import sys
import zlib

SCRIPT = os.path.abspath(__file__)
MTIME = 1700000000  # fixed mtime in every tar header: fixtures are byte-for-byte reproducible
CREATED = "2023-11-14T22:13:20Z"

MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER_GZ = "application/vnd.oci.image.layer.v1.tar+gzip"
MT_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------------------------
# tar, by hand


def _num(value, width):
    """A numeric tar field: octal with a NUL, or GNU base-256 when it does not fit."""
    digits = width - 1
    if 0 <= value < 8 ** digits:
        return b"%0*o\0" % (digits, value)
    if value >= 0:  # base-256: first byte 0x80, big-endian value in the rest
        return b"\x80" + value.to_bytes(width - 1, "big")
    raise ValueError("negative tar number")


def header(name, size=0, typeflag=b"0", linkname=b"", mode=0o644, uid=0, gid=0, mtime=MTIME,
           gnu_magic=False):
    """One raw 512-byte tar header. name and linkname must fit their 100-byte fields."""
    if isinstance(name, str):
        name = name.encode()
    if isinstance(linkname, str):
        linkname = linkname.encode()
    if len(name) > 100 or len(linkname) > 100:
        raise ValueError("name too long for a plain header: %r" % name[:40])
    magic = b"ustar  \0" if gnu_magic else b"ustar\x0000"
    h = bytearray(512)
    h[0:100] = name.ljust(100, b"\0")
    h[100:108] = _num(mode, 8)
    h[108:116] = _num(uid, 8)
    h[116:124] = _num(gid, 8)
    h[124:136] = _num(size, 12)
    h[136:148] = _num(mtime, 12)
    h[148:156] = b" " * 8
    h[156:157] = typeflag
    h[157:257] = linkname.ljust(100, b"\0")
    h[257:265] = magic
    h[265:297] = b"root".ljust(32, b"\0")
    h[297:329] = b"root".ljust(32, b"\0")
    h[329:337] = _num(0, 8)
    h[337:345] = _num(0, 8)
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def pad(data):
    return data + b"\0" * (-len(data) % 512)


def pax_records(fields):
    out = b""
    for key, value in fields.items():
        body = b" %s=%s\n" % (key.encode(), value if isinstance(value, bytes) else value.encode())
        n = len(body)
        while True:  # the length prefix counts itself
            rec = str(n).encode() + body
            if len(rec) == n:
                break
            n = len(rec)
        out += rec
    return out


def entry(name, data=b"", typeflag=b"0", linkname=b"", mode=None, longnames="pax"):
    """A tar member (header(s) + padded data). Long names use PAX ('x') or GNU ('L'/'K')."""
    if isinstance(name, str):
        name = name.encode()
    if isinstance(linkname, str):
        linkname = linkname.encode()
    if mode is None:
        mode = {b"5": 0o755, b"2": 0o777}.get(typeflag, 0o644)
    size = len(data) if typeflag in (b"0", b"\0", b"7") else 0
    out = b""
    gnu = longnames == "gnu"
    short_name, short_link = name, linkname
    if len(name) > 100 or len(linkname) > 100:
        if gnu:
            if len(name) > 100:
                out += header("././@LongLink", len(name) + 1, b"L", mode=0, gnu_magic=True)
                out += pad(name + b"\0")
                short_name = name[:100]
            if len(linkname) > 100:
                out += header("././@LongLink", len(linkname) + 1, b"K", mode=0, gnu_magic=True)
                out += pad(linkname + b"\0")
                short_link = linkname[:100]
        else:
            fields = {}
            if len(name) > 100:
                fields["path"] = name
                short_name = name[:100]
            if len(linkname) > 100:
                fields["linkpath"] = linkname
                short_link = linkname[:100]
            recs = pax_records(fields)
            out += header("PaxHeaders.0/" + os.path.basename(name.rstrip(b"/"))[:80].decode("latin-1"),
                          len(recs), b"x", mode=0o644)
            out += pad(recs)
    out += header(short_name, size, typeflag, short_link, mode, gnu_magic=gnu)
    out += pad(data[:size]) if size else b""
    return out


def tar(*entries):
    return b"".join(entries) + b"\0" * 1024


def f(name, data=b"", **kw):
    return entry(name, data if isinstance(data, bytes) else data.encode(), b"0", **kw)


def d(name, **kw):
    return entry(name if name.endswith("/") else name + "/", b"", b"5", **kw)


def sym(name, target, **kw):
    return entry(name, b"", b"2", target, **kw)


def hard(name, target, **kw):
    return entry(name, b"", b"1", target, **kw)


def gz(data, level=6):
    c = zlib.compressobj(level, zlib.DEFLATED, 31)  # gzip wrapper, mtime 0: deterministic
    return c.compress(data) + c.flush()


def prng_bytes(n, seed):
    """Deterministic incompressible bytes (sha256 in counter mode)."""
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(b"%s-%d" % (seed.encode(), i)).digest()
        i += 1
    return bytes(out[:n])


def base_entries():
    return [d("etc"), f("etc/hostname", "hostile\n"), f("etc/os-release", "ID=hostile\n")]


# --------------------------------------------------------------------------------------------
# OCI image layouts


class Layer:
    """A layer: `blob` is what goes in blobs/, `diff_id` the digest of the uncompressed tar.
    Streamed layers (already written to blobs/) carry their digest and size instead of bytes."""

    def __init__(self, tar_bytes=None, compress=True, blob=None, diff_id=None, digest=None,
                 size=None, media_type=None):
        if tar_bytes is not None:
            self.blob = gz(tar_bytes) if compress else tar_bytes
            self.diff_id = "sha256:" + sha256(tar_bytes)
        if blob is not None:
            self.blob = blob
        if diff_id is not None:
            self.diff_id = diff_id
        if not hasattr(self, "blob"):
            self.blob = None
        self.media_type = media_type or (MT_LAYER_GZ if compress else MT_LAYER_TAR)
        self.digest = digest or "sha256:" + sha256(self.blob)
        self.size = size if size is not None else len(self.blob)


class Layout:
    def __init__(self, path):
        self.path = path
        os.makedirs(os.path.join(path, "blobs", "sha256"))
        self.write("oci-layout", json.dumps({"imageLayoutVersion": "1.0.0"}).encode())

    def write(self, rel, data):
        with open(os.path.join(self.path, rel), "wb") as fh:
            fh.write(data)

    def blob_path(self, digest):
        return os.path.join(self.path, "blobs", "sha256", digest.split(":", 1)[1])

    def put(self, data, digest=None):
        digest = digest or "sha256:" + sha256(data)
        with open(self.blob_path(digest), "wb") as fh:
            fh.write(data)
        return digest

    def put_stream(self, chunks, compress):
        """Write a (possibly gzip-compressed) blob from an iterator of tar chunks without
        holding it in memory. Returns the Layer."""
        tmp = os.path.join(self.path, "blobs", "tmp.partial")
        c = zlib.compressobj(6, zlib.DEFLATED, 31) if compress else None
        h_blob, h_tar, size = hashlib.sha256(), hashlib.sha256(), 0
        with open(tmp, "wb") as fh:
            for chunk in chunks:
                h_tar.update(chunk)
                out = c.compress(chunk) if c else chunk
                h_blob.update(out)
                size += len(out)
                fh.write(out)
            if c:
                out = c.flush()
                h_blob.update(out)
                size += len(out)
                fh.write(out)
        digest = "sha256:" + h_blob.hexdigest()
        os.rename(tmp, self.blob_path(digest))
        return Layer(digest=digest, size=size, diff_id="sha256:" + h_tar.hexdigest(),
                     compress=compress)

    def config(self, layers, diff_ids=None):
        cfg = {
            "created": CREATED,
            "architecture": "amd64",
            "os": "linux",
            "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                       "Cmd": ["/bin/sh"]},
            "rootfs": {"type": "layers",
                       "diff_ids": diff_ids if diff_ids is not None else [l.diff_id for l in layers]},
            "history": [{"created": CREATED, "created_by": "hostile layer %d" % i}
                        for i in range(len(layers))],
        }
        return json.dumps(cfg, indent=2).encode()

    def manifest(self, config_digest, config_size, layers):
        m = {
            "schemaVersion": 2,
            "mediaType": MT_MANIFEST,
            "config": {"mediaType": MT_CONFIG, "digest": config_digest, "size": config_size},
            "layers": [{"mediaType": l.media_type, "digest": l.digest, "size": l.size}
                       for l in layers],
        }
        return json.dumps(m, indent=2).encode()

    def index(self, manifest_digest, manifest_size):
        return json.dumps({
            "schemaVersion": 2,
            "mediaType": MT_INDEX,
            "manifests": [{"mediaType": MT_MANIFEST, "digest": manifest_digest,
                           "size": manifest_size,
                           "annotations": {"org.opencontainers.image.ref.name": "latest"}}],
        }, indent=2).encode()

    def image(self, layers, config_bytes=None, manifest_bytes=None, index_bytes=None,
              store_layers=True, store_config=True, store_manifest=True):
        """Write blobs, manifest, config and index.json. Overrides replace the generated
        documents (their digests are computed over the override, so they check out)."""
        if store_layers:
            for l in layers:
                if l.blob is not None:
                    self.put(l.blob, l.digest)
        cfg = config_bytes if config_bytes is not None else self.config(layers)
        cfg_digest = "sha256:" + sha256(cfg)
        if store_config:
            self.put(cfg, cfg_digest)
        man = manifest_bytes if manifest_bytes is not None else \
            self.manifest(cfg_digest, len(cfg), layers)
        man_digest = "sha256:" + sha256(man)
        if store_manifest:
            self.put(man, man_digest)
        idx = index_bytes if index_bytes is not None else self.index(man_digest, len(man))
        self.write("index.json", idx)
        return man_digest


def docker_archive(path, layers_tars, manifest_bytes=None, layer_names=None):
    """A classic `docker save` tarball: <id>/layer.tar, <config>.json, manifest.json."""
    members = []
    names = []
    diff_ids = []
    for i, lt in enumerate(layers_tars):
        lid = sha256(b"layer-id-%d" % i + lt)
        members.append(d(lid))
        members.append(f(lid + "/VERSION", "1.0"))
        members.append(f(lid + "/layer.tar", lt))
        names.append(lid + "/layer.tar")
        diff_ids.append("sha256:" + sha256(lt))
    cfg = json.dumps({
        "created": CREATED, "architecture": "amd64", "os": "linux",
        "config": {"Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": CREATED, "created_by": "hostile layer %d" % i}
                    for i in range(len(layers_tars))],
    }).encode()
    cfg_name = sha256(cfg) + ".json"
    members.append(f(cfg_name, cfg))
    man = manifest_bytes if manifest_bytes is not None else json.dumps([{
        "Config": cfg_name, "RepoTags": ["hostile:latest"],
        "Layers": layer_names if layer_names is not None else names}]).encode()
    members.append(f("manifest.json", man))
    members.append(f("repositories", json.dumps(
        {"hostile": {"latest": names[-1].split("/")[0] if names else ""}})))
    with open(path, "wb") as fh:
        fh.write(tar(*members))


# --------------------------------------------------------------------------------------------
# streamed layers


def many_files_tar(n, per_dir=1000):
    """n empty regular files d000/f0000000 ... in GNU-tar-free ustar, generated fast: one
    header template, the checksum adjusted by the bytes of each name."""
    tmpl = bytearray(header("x", 0, b"0", mode=0o644))
    tmpl[0:100] = b"\0" * 100
    tmpl[148:156] = b" " * 8
    base = sum(tmpl)
    head, mid_tail = bytes(tmpl[100:148]), bytes(tmpl[156:512])
    batch = []
    for i in range(n):
        name = b"d%03d/f%07d" % (i // per_dir, i)
        batch.append(name.ljust(100, b"\0") + head + b"%06o\0 " % (base + sum(name)) + mid_tail)
        if len(batch) == 4096:
            yield b"".join(batch)
            batch = []
    if batch:
        yield b"".join(batch)
    yield b"\0" * 1024


def zeros_file_tar(name, size):
    yield header(name, size, b"0", mode=0o644)
    chunk = b"\0" * (1 << 20)
    left = size
    while left:
        n = min(left, len(chunk))
        yield chunk[:n]
        left -= n
    yield b"\0" * (-size % 512) + b"\0" * 1024


# --------------------------------------------------------------------------------------------
# the cases

CASES = []


def case(name, what):
    def register(fn):
        CASES.append((name, what, fn))
        return fn
    return register


@case("good", "control: a valid two-layer OCI image with a symlink, a hardlink and a whiteout")
def _(root):
    lo = Layout(os.path.join(root, "good"))
    l0 = tar(*base_entries(), d("usr"), d("usr/lib"), f("usr/lib/os-release", "ID=good\n"),
             d("bin"), f("bin/sh", b"\x7fELF fake shell\n", mode=0o755),
             f("etc/motd", "hello\n"))
    l1 = tar(d("etc"), f("etc/.wh.motd"), sym("etc/os-release-link", "../usr/lib/os-release"),
             hard("bin/sh-hardlink", "bin/sh", mode=0o755), f("etc/added", "added\n"))
    lo.image([Layer(l0), Layer(l1)])


@case("unsafe-dotdot", "layer entry ../../etc/passwd")
def _(root):
    lo = Layout(os.path.join(root, "unsafe-dotdot"))
    lo.image([Layer(tar(*base_entries(), f("../../etc/passwd", "root:x:0:0:pwned:/:/bin/sh\n")))])


@case("unsafe-abs", "layer entry /etc/passwd (absolute)")
def _(root):
    lo = Layout(os.path.join(root, "unsafe-abs"))
    lo.image([Layer(tar(*base_entries(), f("/etc/passwd", "root:x:0:0:pwned:/:/bin/sh\n")))])


@case("unsafe-hardlink", "hardlink etc/shadow-copy whose target is ../../etc/shadow")
def _(root):
    lo = Layout(os.path.join(root, "unsafe-hardlink"))
    lo.image([Layer(tar(*base_entries(), hard("etc/shadow-copy", "../../etc/shadow")))])


@case("unsafe-ctrl", "entry ../<ESC sequences><newline>... (escape and newline in an unsafe name)")
def _(root):
    lo = Layout(os.path.join(root, "unsafe-ctrl"))
    name = b"../\x1b[2J\x1b]0;pwned\x07\nvigil: fake second line/../../etc/passwd"
    lo.image([Layer(tar(*base_entries(), f(name, "x\n")))])


@case("symlink-escape", "layer 0: evil -> ../../../../etc; layer 1: evil/passwd (must resolve "
      "inside the image root)")
def _(root):
    lo = Layout(os.path.join(root, "symlink-escape"))
    l0 = tar(*base_entries(), sym("evil", "../../../../etc"))
    l1 = tar(f("evil/passwd", "root:x:0:0:inside:/:/bin/sh\n"))
    lo.image([Layer(l0), Layer(l1)])


@case("symlink-loop", "layer 0: a -> b, b -> a; layer 1: a/x")
def _(root):
    lo = Layout(os.path.join(root, "symlink-loop"))
    l0 = tar(*base_entries(), sym("a", "b"), sym("b", "a"))
    l1 = tar(f("a/x", "x\n"))
    lo.image([Layer(l0), Layer(l1)])


@case("symlink-loop-only", "one layer: a -> b, b -> a, c -> c (valid image; loops only when "
      "a path such as /a/x is resolved)")
def _(root):
    lo = Layout(os.path.join(root, "symlink-loop-only"))
    lo.image([Layer(tar(*base_entries(), sym("a", "b"), sym("b", "a"), sym("c", "c")))])


@case("truncated-gzip", "gzip layer cut in half; digest and size computed over the cut blob")
def _(root):
    lo = Layout(os.path.join(root, "truncated-gzip"))
    t = tar(*base_entries(), d("data"),
            *[f("data/blob%02d" % i, prng_bytes(16384, "trunc%d" % i)) for i in range(16)])
    full = gz(t)
    cut = full[:len(full) // 2]
    lo.image([Layer(blob=cut, diff_id="sha256:" + sha256(t))])


@case("digest-mismatch-blob", "layer blob whose content does not match its digest (same size)")
def _(root):
    lo = Layout(os.path.join(root, "digest-mismatch-blob"))
    t = tar(*base_entries(), f("etc/motd", "hello\n"))
    good = gz(t)
    layer = Layer(t)
    bad = bytearray(good)
    bad[4] ^= 0x01  # gzip MTIME field: still a valid gzip stream of the same tar
    layer.blob = bytes(bad)  # stored under the digest of the original
    lo.image([layer])


@case("digest-mismatch-diffid", "config diff_id does not match the uncompressed layer")
def _(root):
    lo = Layout(os.path.join(root, "digest-mismatch-diffid"))
    t = tar(*base_entries(), f("etc/motd", "hello\n"))
    lo.image([Layer(t, diff_id="sha256:" + sha256(b"not this layer"))])


@case("bomb-small", "~1 KB gzip inflating to a ~1 MB tar (one file of zeros)")
def _(root):
    lo = Layout(os.path.join(root, "bomb-small"))
    lo.image([lo.put_stream(zeros_file_tar("zeros", 1 << 20), True)])


@case("bomb-big", "~100 KB gzip inflating to a ~100 MB tar (one file of zeros)")
def _(root):
    lo = Layout(os.path.join(root, "bomb-big"))
    lo.image([lo.put_stream(zeros_file_tar("zeros", 100 << 20), True)])


@case("many-files", "1,000,000 empty files in one gzip layer (1000 implicit dirs x 1000)")
def _(root):
    lo = Layout(os.path.join(root, "many-files"))
    lo.image([lo.put_stream(many_files_tar(1000000), True)])


DEEP = 10000


@case("deep-path-pax", "one file a/a/.../a/f, 10,000 directories deep (PAX path header)")
def _(root):
    lo = Layout(os.path.join(root, "deep-path-pax"))
    lo.image([Layer(tar(f("a/" * DEEP + "f", "deep\n", longnames="pax")))])


@case("deep-path-gnu", "one file a/a/.../a/f, 10,000 directories deep (GNU ././@LongLink)")
def _(root):
    lo = Layout(os.path.join(root, "deep-path-gnu"))
    lo.image([Layer(tar(f("a/" * DEEP + "f", "deep\n", longnames="gnu")))])


@case("missing-layer-blob", "manifest names a layer blob that is not in blobs/")
def _(root):
    lo = Layout(os.path.join(root, "missing-layer-blob"))
    lo.image([Layer(tar(*base_entries())), Layer(tar(f("etc/motd", "gone\n")))])
    os.unlink(lo.blob_path(Layer(tar(f("etc/motd", "gone\n"))).digest))


@case("missing-config-blob", "manifest names a config blob that is not in blobs/")
def _(root):
    lo = Layout(os.path.join(root, "missing-config-blob"))
    lo.image([Layer(tar(*base_entries()))], store_config=False)


@case("missing-manifest-blob", "index.json names a manifest blob that is not in blobs/")
def _(root):
    lo = Layout(os.path.join(root, "missing-manifest-blob"))
    lo.image([Layer(tar(*base_entries()))], store_manifest=False)


@case("malformed-index", "index.json is a truncated JSON object")
def _(root):
    lo = Layout(os.path.join(root, "malformed-index"))
    lo.image([Layer(tar(*base_entries()))])
    with open(os.path.join(lo.path, "index.json"), "rb") as fh:
        good = fh.read()
    lo.write("index.json", good[:len(good) // 2])


@case("malformed-manifest", "manifest blob is a truncated JSON object (digest computed over it)")
def _(root):
    lo = Layout(os.path.join(root, "malformed-manifest"))
    layers = [Layer(tar(*base_entries()))]
    cfg = lo.config(layers)
    good = lo.manifest("sha256:" + sha256(cfg), len(cfg), layers)
    lo.image(layers, config_bytes=cfg, manifest_bytes=good[:len(good) // 2])


@case("malformed-config", "config blob is a truncated JSON object (digest computed over it)")
def _(root):
    lo = Layout(os.path.join(root, "malformed-config"))
    layers = [Layer(tar(*base_entries()))]
    good = lo.config(layers)
    lo.image(layers, config_bytes=good[:len(good) // 2])


HUGE = 100 * 1000 * 1000


def huge_json_blob(lo):
    """100 MB of spaces then {} written as a blob; returns (digest, size)."""
    h = hashlib.sha256()
    tmp = os.path.join(lo.path, "blobs", "tmp.partial")
    chunk = b" " * (1 << 20)
    with open(tmp, "wb") as fh:
        left = HUGE
        while left:
            n = min(left, len(chunk))
            fh.write(chunk[:n])
            h.update(chunk[:n])
            left -= n
        fh.write(b"{}")
        h.update(b"{}")
    digest = "sha256:" + h.hexdigest()
    os.rename(tmp, lo.blob_path(digest))
    return digest, HUGE + 2


@case("huge-manifest", "index.json points to a 100 MB manifest (spaces then {})")
def _(root):
    lo = Layout(os.path.join(root, "huge-manifest"))
    layer = Layer(tar(*base_entries()))
    lo.put(layer.blob)
    digest, size = huge_json_blob(lo)
    lo.write("index.json", lo.index(digest, size))


@case("huge-config", "manifest points to a 100 MB config (spaces then {})")
def _(root):
    lo = Layout(os.path.join(root, "huge-config"))
    layer = Layer(tar(*base_entries()))
    lo.put(layer.blob)
    digest, size = huge_json_blob(lo)
    man = lo.manifest(digest, size, [layer])
    lo.write("index.json", lo.index(lo.put(man), len(man)))


def claims_8g_tar():
    # a header claiming 8 GiB (base-256 size field), then 4 KB of data and the end of the file
    return header("etc/big", 8 << 30, b"0") + prng_bytes(4096, "8g")


@case("tar-8g-claim-gzip", "gzip layer: a tar header claims 8 GiB, the stream ends after 4 KB")
def _(root):
    lo = Layout(os.path.join(root, "tar-8g-claim-gzip"))
    t = b"".join(base_entries()) + claims_8g_tar()
    lo.image([Layer(t)])


@case("tar-8g-claim-plain", "uncompressed layer: a tar header claims 8 GiB, the file ends "
      "after 4 KB")
def _(root):
    lo = Layout(os.path.join(root, "tar-8g-claim-plain"))
    t = b"".join(base_entries()) + claims_8g_tar()
    lo.image([Layer(t, compress=False)])


@case("tar-pax-huge", "a PAX extended header that claims 1 GiB of records; the stream ends "
      "after 4 KB")
def _(root):
    lo = Layout(os.path.join(root, "tar-pax-huge"))
    t = b"".join(base_entries()) + header("PaxHeaders.0/big", 1 << 30, b"x") + \
        b"30 path=" + b"p" * 21 + b"\n" + prng_bytes(4096, "pax")
    lo.image([Layer(t)])


@case("tar-longname-huge", "a GNU ././@LongLink name header that claims 1 GiB; the stream ends "
      "after 4 KB")
def _(root):
    lo = Layout(os.path.join(root, "tar-longname-huge"))
    t = b"".join(base_entries()) + header("././@LongLink", 1 << 30, b"L", mode=0,
                                          gnu_magic=True) + b"n" * 4096
    lo.image([Layer(t)])


@case("da-good.tar", "control: a valid docker-archive with two layers")
def _(root):
    docker_archive(os.path.join(root, "da-good.tar"),
                   [tar(*base_entries(), f("etc/motd", "hello\n")),
                    tar(d("etc"), f("etc/.wh.motd"), f("etc/added", "added\n"))])


@case("da-manifest-notjson.tar", "docker-archive whose manifest.json is not JSON")
def _(root):
    docker_archive(os.path.join(root, "da-manifest-notjson.tar"), [tar(*base_entries())],
                   manifest_bytes=b"this is not JSON {[\n")


@case("da-unsafe-dotdot.tar", "docker-archive whose layer has an entry ../../etc/passwd")
def _(root):
    docker_archive(os.path.join(root, "da-unsafe-dotdot.tar"),
                   [tar(*base_entries(), f("../../etc/passwd", "root:x:0:0:pwned:/:/bin/sh\n"))])


@case("da-layer-outside.tar", "docker-archive manifest.json lists the layer ../../../../etc/passwd")
def _(root):
    docker_archive(os.path.join(root, "da-layer-outside.tar"), [tar(*base_entries())],
                   layer_names=["../../../../etc/passwd"])


# --------------------------------------------------------------------------------------------


def main():
    force = "--force" in sys.argv[1:]
    with open(SCRIPT, "rb") as fh:
        key = sha256(fh.read())[:12]
    cache = os.environ.get("VIGIL_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "vigil")
    final = os.path.join(cache, "hostile-" + key)
    if os.path.exists(os.path.join(final, "CASES")) and not force:
        print(final)
        return
    os.makedirs(cache, exist_ok=True)
    tmp = "%s.tmp.%d" % (final, os.getpid())
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    try:
        lines = []
        for name, what, fn in CASES:
            fn(tmp)
            lines.append("%s\t%s\n" % (name, what))
        with open(os.path.join(tmp, "CASES"), "w") as fh:
            fh.writelines(lines)
        if os.path.exists(final):
            shutil.rmtree(final)
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    print(final)


if __name__ == "__main__":
    main()
