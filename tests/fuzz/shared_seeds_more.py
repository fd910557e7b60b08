"""More seeds for shared-seeds.py: the targets whose committed corpus has fewer than 20
inputs, from real data in ../shared (Alpine root filesystems, package databases, Go and
Rust binaries, feed archives) and, for Vigil's own formats (database bundles, policies,
secret rules, `docker inspect` checks), from the committed seeds cut into runs of lines
and truncated. Deterministic: sorted names, fixed strides and sizes."""
import gzip
import hashlib
import io
import json
import os
import re
import sqlite3
import struct
import tarfile
import zipfile
import zlib


def _tar(members, gz=False):
    """A tar stream of (TarInfo, bytes or None) pairs, as the real archive had them."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for info, data in members:
            t.addfile(info, io.BytesIO(data) if data is not None else None)
    raw = buf.getvalue()
    return gzip.compress(raw, 6, mtime=0) if gz else raw


def alpine_members(shared, maxfile=64 << 10):
    """Per Alpine minirootfs: its members in archive order (TarInfo, data; big files cut
    to directories and links only)."""
    d = os.path.join(shared, "fixtures", "alpine")
    out = []
    for f in sorted(os.listdir(d)):
        ms = []
        with tarfile.open(os.path.join(d, f), "r:gz") as t:
            for m in t.getmembers():
                if m.isfile() and m.size > maxfile:
                    continue
                ms.append((m, t.extractfile(m).read() if m.isfile() else None))
        out.append(ms)
    return out


def layers(roots):
    """Runs of real root-filesystem members re-packed as plain and gzip layers."""
    out = []
    for ms in roots:
        for i, k in enumerate((3, 17, 60)):
            start = (i * 37) % max(1, len(ms) - k)
            part = ms[start:start + k]
            out.append(_tar(part))
            out.append(_tar(part, gz=True))
    return out


def whiteouts(roots):
    """Layer scripts for the whiteout target (`LAYER OP PATH [TARGET]`) from real paths:
    layer 0 lays the tree down, later layers delete files, make directories opaque and
    replace entries, as a rebuilt image would."""
    out = []
    for n, ms in enumerate(roots):
        ents = [(m.name.lstrip("./").rstrip("/"), m) for m, _ in ms if m.name.strip("./")]
        for i, k in enumerate((10, 40, 120, 400, 1000)):
            part = ents[(i * 53) % max(1, len(ents) - k):][:k]
            lines = []
            for p, m in part:
                if m.isdir():
                    lines.append("0 d %s" % p)
                elif m.issym():
                    lines.append("0 l %s %s" % (p, m.linkname))
                elif m.islnk():
                    lines.append("0 h %s %s" % (p, m.linkname.lstrip("./")))
                else:
                    lines.append("0 f %s" % p)
            files = [p for p, m in part if m.isfile()]
            dirs = [p for p, m in part if m.isdir()]
            for j, p in enumerate(files[::3]):
                lines.append("1 w %s" % p)
                if j % 2:
                    lines.append("2 f %s" % p)
            for p in dirs[1::4]:
                lines.append("2 o %s" % p)
                lines.append("3 f %s/new" % p)
            out.append(("\n".join(lines) + "\n").encode())
    return out


def _config(diff_ids):
    return json.dumps({"architecture": "amd64", "os": "linux",
                       "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                                  "Cmd": ["/bin/sh"]},
                       "rootfs": {"type": "layers", "diff_ids": diff_ids},
                       "history": [{"created_by": "ADD alpine-minirootfs / # seed"}] * len(diff_ids)},
                      sort_keys=True).encode()


def _ti(name, size, typ=tarfile.REGTYPE):
    t = tarfile.TarInfo(name)
    t.size, t.type, t.mode, t.mtime = size, typ, 0o644 if typ == tarfile.REGTYPE else 0o755, 0
    return t


def image_archives(roots):
    """docker-archive and oci-archive files of one or two layers of real Alpine members."""
    out = []
    for n, ms in enumerate(roots):
        lys = [_tar(ms[:12]), _tar(ms[40:70])][: 1 + n % 2]
        dig = ["sha256:" + hashlib.sha256(l).hexdigest() for l in lys]
        cfg = _config(dig)
        cd = hashlib.sha256(cfg).hexdigest()
        # docker-archive
        mem = [(_ti("%s.json" % cd, len(cfg)), cfg)]
        for d, l in zip(dig, lys):
            mem.append((_ti(d[7:] + "/layer.tar", len(l)), l))
        man = json.dumps([{"Config": "%s.json" % cd, "RepoTags": ["seed/alpine:%d" % n],
                           "Layers": [d[7:] + "/layer.tar" for d in dig]}]).encode()
        mem.append((_ti("manifest.json", len(man)), man))
        out.append(_tar(mem))
        out.append(_tar(mem, gz=True))
        # oci-archive
        blobs = [(cd, cfg)] + [(hashlib.sha256(l).hexdigest(), l) for l in lys]
        m = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                   "digest": "sha256:" + cd, "size": len(cfg)},
                        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                                    "digest": "sha256:" + h, "size": len(b)} for h, b in blobs[1:]]}).encode()
        md = hashlib.sha256(m).hexdigest()
        idx = json.dumps({"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + md,
             "size": len(m), "annotations": {"org.opencontainers.image.ref.name": str(n)}}]}).encode()
        lay = b'{"imageLayoutVersion":"1.0.0"}'
        mem = [(_ti("oci-layout", len(lay)), lay), (_ti("index.json", len(idx)), idx),
               (_ti("blobs/sha256/" + md, len(m)), m)]
        mem += [(_ti("blobs/sha256/" + h, len(b)), b) for h, b in blobs]
        out.append(_tar(mem))
        out.append(_tar(mem, gz=True))
    out += [o[: len(o) * k // 5] for k, o in zip((1, 2, 3, 4), out[::4])]
    return out


def malware_archives(roots):
    """zip, tar and tgz archives of real Alpine files, some nested."""
    out = []
    for n, ms in enumerate(roots):
        files = [(m.name.lstrip("./"), d) for m, d in ms if m.isfile() and d][n * 5:][:12]
        z = io.BytesIO()
        with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
            for p, d in files:
                zf.writestr(zipfile.ZipInfo(p, (1980, 1, 1, 0, 0, 0)), d)
        plain = _tar([(_ti(p, len(d)), d) for p, d in files])
        tgz = gzip.compress(plain, 6, mtime=0)
        nz = io.BytesIO()
        with zipfile.ZipFile(nz, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr(zipfile.ZipInfo("inner/files.zip", (1980, 1, 1, 0, 0, 0)), z.getvalue())
            zf.writestr(zipfile.ZipInfo("inner/files.tgz", (1980, 1, 1, 0, 0, 0)), tgz)
        nested_tar = _tar([(_ti("a/b.zip", len(nz.getvalue())), nz.getvalue())], gz=True)
        out += [z.getvalue(), plain, tgz, nz.getvalue(), nested_tar]
    return out


def hash_lists(roots):
    """SHA-256 block lists in the shapes people keep them: sha256sum output, bare
    digests, comments, upper case, CRLF."""
    out = []
    for n, ms in enumerate(roots):
        files = [(m.name.lstrip("./"), d) for m, d in ms if m.isfile() and d]
        for i, k in enumerate((1, 5, 30, 200, 1000)):
            part = files[(i * 11) % max(1, len(files) - k):][:k]
            hs = [(hashlib.sha256(d).hexdigest(), p) for p, d in part]
            style = (n * 5 + i) % 5
            if style == 0:
                text = "".join("%s  %s\n" % hp for hp in hs)
            elif style == 1:
                text = "".join("%s\n" % h for h, _ in hs)
            elif style == 2:
                text = "# blocklist\n\n" + "".join("%s %s # %d\n" % (h, p, j) for j, (h, p) in enumerate(hs))
            elif style == 3:
                text = "".join("%s\r\n" % h.upper() for h, _ in hs)
            else:
                text = "".join("%s *%s\n" % hp for hp in hs)
            out.append(text.encode())
    return out


def toml_blocks(rustsec_md):
    """The ```toml front matter of RustSec advisories."""
    out = []
    for md in rustsec_md:
        m = re.search(rb"```toml\n(.*?)\n```", md, re.S)
        if m:
            out.append(m.group(1) + b"\n")
    return out


def _elf_sections(data):
    """name -> bytes of an ELF64 little-endian file's sections."""
    if data[:4] != b"\x7fELF" or data[4] != 2:
        return {}
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    secs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    stroff = secs[shstrndx][4]
    out = {}
    for s in secs:
        name = data[stroff + s[0]: data.index(b"\0", stroff + s[0])].decode()
        if s[1] != 8:  # not NOBITS
            out[name] = data[s[4]: s[4] + s[5]]
    return out


def go_rust_binaries(pk):
    """Seeds for the Go/Rust binary target: the first byte picks the mode (0 whole ELF,
    1/2 a .go.buildinfo section in a 64/32-bit ELF, 3 a .dep-v0 JSON that the target
    compresses, 4 a raw .dep-v0 section)."""
    out = []
    elves = []
    for d in ("go-binary", "rust-auditable-binary"):
        for root, _, names in sorted(os.walk(os.path.join(pk, d))):
            for n in sorted(names):
                if n.endswith(".elf"):
                    with open(os.path.join(root, n), "rb") as f:
                        elves.append(f.read())
    for e in elves:
        out.append(b"\0" + e)
        secs = _elf_sections(e)
        bi = secs.get(".go.buildinfo")
        if bi:
            for mode in (1, 2):
                out.append(bytes([mode]) + bi)
            for k in (32, 64, 200, len(bi) // 2):
                out.append(b"\1" + bi[:k])
        dep = secs.get(".dep-v0")
        if dep:
            out.append(b"\4" + dep)
            try:
                js = zlib.decompress(dep)
                out.append(b"\3" + js)
                doc = json.loads(js)
                for k in (1, 3, 10):
                    d = dict(doc)
                    d["packages"] = doc.get("packages", [])[:k]
                    out.append(b"\3" + json.dumps(d).encode())
            except (zlib.error, ValueError):
                pass
        out.append(b"\0" + e[:4096])
    return out


def java(pk):
    """Manifests and pom.properties (pomprops target: first byte 1 = manifest) and jars
    built from them (jar target: first byte odd = `name\\0content\\0...` entries)."""
    mf, props = [], []
    for root, _, names in sorted(os.walk(os.path.join(pk, "java"))):
        for n in sorted(names):
            with open(os.path.join(root, n), "rb") as f:
                (mf if n == "MANIFEST.MF" else props).append((os.path.relpath(os.path.join(root, n), pk), f.read()))
    pom = [b"\1" + d for _, d in mf] + [b"\0" + d for _, d in props]
    for _, d in mf + props:
        lines = d.split(b"\n")
        for k in (1, 2, len(lines) // 2):
            pom.append((b"\1" if b"Manifest-Version" in d else b"\0") + b"\n".join(lines[:k]) + b"\n")
        pom.append(b"\0" + d.replace(b"\n", b"\r\n"))
    jar = []
    for i, (n, d) in enumerate(props):
        entries = [(b"META-INF/MANIFEST.MF", mf[i % len(mf)][1] if mf else b"Manifest-Version: 1.0\n"),
                   (b"META-INF/maven/org.example/art%d/pom.properties" % i, d)]
        jar.append(b"\1" + b"".join(a + b"\0" + c + b"\0" for a, c in entries))
    for i, (n, d) in enumerate(mf):
        jar.append(b"\1META-INF/MANIFEST.MF\0" + d + b"\0")
        inner = b"META-INF/MANIFEST.MF\0" + d + b"\0"
        jar.append(b"\1lib/inner-%d.jar\0" % i + inner)
    # whole zips, first byte even
    for k in range(1, len(props) + 1):
        z = io.BytesIO()
        with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
            for n, d in (mf + props)[:k + 1]:
                zf.writestr(zipfile.ZipInfo("META-INF/" + os.path.basename(n), (1980, 1, 1, 0, 0, 0)), d)
        jar.append(b"\0" + z.getvalue())
        jar.append(b"\0" + z.getvalue()[: len(z.getvalue()) // 2])
    return pom, jar


def lockfiles(pk):
    """npm lockfiles, composer installed.json and .NET deps.json, whole and cut down to
    their first packages."""
    whole = []
    for d in ("npm", "php", "dotnet"):
        for root, _, names in sorted(os.walk(os.path.join(pk, d))):
            for n in sorted(names):
                if n.endswith(".json"):
                    with open(os.path.join(root, n), "rb") as f:
                        whole.append(f.read())
    out = list(whole)
    for w in whole:
        try:
            doc = json.loads(w)
        except ValueError:
            continue
        for key in ("packages", "dependencies", "libraries", "targets"):
            v = doc.get(key) if isinstance(doc, dict) else None
            if isinstance(v, dict) and len(v) > 2:
                for k in (1, 2):
                    d = dict(doc)
                    d[key] = dict(list(v.items())[:k])
                    out.append(json.dumps(d, indent=2).encode())
            elif isinstance(v, list) and len(v) > 2:
                d = dict(doc)
                d[key] = v[:2]
                out.append(json.dumps(d, indent=2).encode())
        out.append(w[: len(w) // 2])
    return out


def metadata(pk):
    """Python METADATA / PKG-INFO and gemspecs, whole and as runs of header lines."""
    whole = []
    for d in ("python", "ruby"):
        for root, _, names in sorted(os.walk(os.path.join(pk, d))):
            for n in sorted(names):
                if n in ("METADATA", "PKG-INFO") or n.endswith(".gemspec"):
                    with open(os.path.join(root, n), "rb") as f:
                        whole.append(f.read())
    out = list(whole)
    for w in whole:
        lines = w.split(b"\n")
        for k in (2, 5, 12):
            out.append(b"\n".join(lines[:k]) + b"\n")
    return out


def match_statements(golang_osv, ruby_yml, php_yaml):
    """`VERSION\\nFIXED\\nRANGES` statements for the matcher, ranges as Vigil stores them,
    taken from real advisories: OSV ranges, RubyGems requirements, PHP branch lists."""
    out = []
    for data in golang_osv:
        try:
            d = json.loads(data)
        except ValueError:
            continue
        for a in d.get("affected", [])[:1]:
            rs = a.get("ranges") or []
            ev = [e for r in rs for e in r.get("events", [])]
            fixed = next((e["fixed"] for e in ev if "fixed" in e), "")
            intro = next((e["introduced"] for e in ev if e.get("introduced") not in (None, "0")), "0.0.1")
            ranges = json.dumps({"ranges": rs, **({"versions": a["versions"]} if a.get("versions") else {})})
            out.append(("%s\n%s\n%s" % (intro, fixed, ranges)).encode())
    for data in ruby_yml:
        t = data.decode("utf-8", "replace")
        pat = re.findall(r"^\s+-\s+['\"]?([^'\"\n]+)", t.split("patched_versions:", 1)[-1], re.M)[:3]
        if pat:
            v = re.sub(r"[^0-9.]", "", pat[0]) or "1.0"
            out.append(("%s\n\n%s" % (v, json.dumps({"patched": pat}))).encode())
    for data in php_yaml:
        vs = re.findall(rb"versions: *\[([^\]]*)\]", data)
        if vs:
            lst = [x.strip().strip(b"'\"").decode("utf-8", "replace") for x in vs[0].split(b",")]
            v = re.sub(r"[^0-9.]", "", lst[-1]) or "1.0"
            out.append(("%s\n\n%s" % (v, json.dumps({"vulnerable": [", ".join(lst)]}))).encode())
    return out


def rpm_headers(shared):
    """Header blobs of a real rpmdb.sqlite (Azure Linux / CBL-Mariner 2)."""
    p = os.path.join(shared, "fixtures", "rpmdb", "mariner2-rpmdb.sqlite")
    con = sqlite3.connect("file:%s?mode=ro" % p, uri=True)
    try:
        blobs = [b for (b,) in con.execute("SELECT blob FROM Packages ORDER BY hnum")]
    finally:
        con.close()
    step = max(1, len(blobs) // 24)
    return [bytes(b) for b in blobs[::step][:24]] + [bytes(blobs[0][:n]) for n in (16, 64, 512)]


def own_format(corpus_dir, n=20):
    """For Vigil's own formats: the committed seeds, cut into runs of lines and
    truncated, until there are n."""
    base = []
    for f in sorted(os.listdir(corpus_dir)):
        with open(os.path.join(corpus_dir, f), "rb") as fh:
            base.append(fh.read())
    out = []
    i = 0
    while len(out) + len(base) < n and base:
        d = base[i % len(base)]
        lines = d.split(b"\n")
        k = 1 + (i * 3) % max(1, len(lines))
        out.append(b"\n".join(lines[:k]) + b"\n" if i % 2 == 0 else d[: max(1, len(d) * (1 + i % 4) // 5)])
        i += 1
        if i > 10 * n:
            break
    return out


def secret_shapes():
    """Secret-scanner inputs whose tokens are assembled here at run time (never committed):
    a .env file, a GitHub token with a wrong checksum (also glued to a word) and a PEM key
    escaped inside JSON."""
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    body = "".join(alnum[(i * 7 + 3) % len(alnum)] for i in range(36))
    gh, npm = "ghp" + "_" + body, "npm" + "_" + body
    pem = "-----BEGIN " + "PRIVATE KEY-----"
    return [
        ("DATABASE_URL=postgres://app:%s@db.example.com/app\nGITHUB_TOKEN=%s\nNPM_TOKEN=%s\n"
         % (body[:10], gh, npm)).encode(),
        ("token %s and our%s\n" % (gh, gh)).encode(),
        json.dumps({"private_key": pem + "\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n" + "X" * 48 +
                    "\n-----END PRIVATE KEY-----\n"}).encode(),
    ]
