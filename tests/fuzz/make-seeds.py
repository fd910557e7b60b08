#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into tests/fuzz/corpus/<target>/.

Every seed is made here from scratch (no outside data). Run it again after changing
it; the files it writes are committed so that the ordinary test run replays them.
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")


def tar_bytes(entries, fmt=tarfile.PAX_FORMAT):
    """entries: (name, kind, payload) with kind f/d/l/h/fifo."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for name, kind, payload in entries:
            ti = tarfile.TarInfo(name)
            ti.mtime = 1700000000
            if kind == "f":
                data = payload.encode() if isinstance(payload, str) else payload
                ti.size = len(data)
                ti.mode = 0o644
                t.addfile(ti, io.BytesIO(data))
                continue
            if kind == "d":
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
            elif kind == "l":
                ti.type, ti.linkname = tarfile.SYMTYPE, payload
            elif kind == "h":
                ti.type, ti.linkname = tarfile.LNKTYPE, payload
            elif kind == "fifo":
                ti.type = tarfile.FIFOTYPE
            t.addfile(ti)
    return buf.getvalue()


def gz(data):
    return gzip.compress(data, mtime=0)


def zst(data):
    if not shutil.which("zstd"):
        return None
    return subprocess.run(["zstd", "-q", "-c"], input=data, stdout=subprocess.PIPE, check=True).stdout


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


BASIC = [
    ("etc", "d", None), ("etc/os-release", "f", 'ID=debian\nVERSION_ID="12"\n'),
    ("etc/link", "l", "../usr/lib/x"), ("etc/hard", "h", "etc/os-release"),
    ("etc/.wh.gone", "f", ""), ("var/.wh..wh..opq", "f", ""), ("tmp/fifo", "fifo", None),
]
LONG = [("a/" * 60 + "deep.txt", "f", "x"), ("l" * 150, "l", "t" * 150)]


def layer_seeds():
    plain = tar_bytes(BASIC)
    write("layer", "plain.tar", plain)
    write("layer", "gzip.tar.gz", gz(plain))
    z = zst(plain)
    if z:
        write("layer", "zstd.tar.zst", z)
    write("layer", "gnu-longnames.tar", tar_bytes(LONG, tarfile.GNU_FORMAT))
    write("layer", "pax-longnames.tar", tar_bytes(LONG, tarfile.PAX_FORMAT))
    write("layer", "unsafe.tar", tar_bytes([("../../etc/passwd", "f", "x")]))
    write("layer", "empty", b"")
    write("layer", "truncated.tar.gz", gz(plain)[:60])


def oci_members(layer_blob, diff):
    cfg = json.dumps({"architecture": "amd64", "os": "linux",
                      "config": {"User": "1000", "Env": ["A=b"], "Cmd": ["/bin/sh"]},
                      "rootfs": {"type": "layers", "diff_ids": [diff]},
                      "history": [{"created_by": "ADD rootfs"}, {"created_by": "CMD", "empty_layer": True}]}).encode()
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                 "digest": sha(cfg), "size": len(cfg)},
                      "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                                  "digest": sha(layer_blob), "size": len(layer_blob)}]}).encode()
    idx = json.dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": sha(man),
         "size": len(man), "annotations": {"org.opencontainers.image.ref.name": "seed"}}]}).encode()
    return cfg, man, idx


def archive_seeds():
    plain = tar_bytes(BASIC)
    blob = gz(plain)
    cfg, man, idx = oci_members(blob, sha(plain))
    members = [("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'), ("index.json", idx)]
    for b in (cfg, man, blob):
        members.append(("blobs/sha256/" + sha(b)[7:], b))
    oci = tar_bytes([(n, "f", d) for n, d in members])
    write("archive", "oci-archive.tar", oci)
    write("archive", "oci-archive.tar.gz", gz(oci))
    dm = json.dumps([{"Config": "cfg.json", "RepoTags": ["seed:1"], "Layers": ["l0/layer.tar"]}]).encode()
    cfg2, _, _ = oci_members(plain, sha(plain))
    docker = tar_bytes([("l0", "d", None), ("l0/layer.tar", "f", plain), ("cfg.json", "f", cfg2),
                        ("manifest.json", "f", dm), ("repositories", "f", '{"seed":{"1":"l0"}}')],
                       tarfile.USTAR_FORMAT)
    write("archive", "docker-archive.tar", docker)
    write("archive", "docker-archive.tar.gz", gz(docker))


def manifest_seeds():
    cfg = '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:@D@"]},' \
          '"config":{"User":"root","ExposedPorts":{"80/tcp":{}},"Labels":{"a":"b"},' \
          '"Healthcheck":{"Test":["CMD","true"]}},"history":[{"created_by":"x"}]}'
    cdesc = '"config":{"mediaType":"application/vnd.oci.image.config.v1+json",' \
            '"digest":"sha256:@C@","size":@c@}'
    ldesc = '{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:@L@","size":0}'
    man = '{"schemaVersion":2,' + cdesc + ',"layers":[' + ldesc + ']}'
    mdesc = '"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:@M@","size":@m@'
    idx = '{"schemaVersion":2,"manifests":[{' + mdesc + ',"platform":{"os":"linux","architecture":"amd64"}}]}'
    write("manifest", "oci", ("o\n" + idx + "\n--\n" + man + "\n--\n" + cfg).encode())
    nested = '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json",' \
             '"digest":"sha256:@M@","size":@m@}]}'
    write("manifest", "nested-index", ("o\n" + nested + "\n--\n" + idx + "\n--\n" + cfg).encode())
    dm = '[{"Config":"blobs/sha256/@C@","RepoTags":["a:b"],"Layers":["blobs/sha256/@L@"]}]'
    write("manifest", "docker", ("d\n" + dm + "\n--\n" + man + "\n--\n" + cfg).encode())
    write("manifest", "malformed", b"o\n{\"schemaVersion\":2,\"manifests\":[{\n--\n{}\n--\n{}")

    # evasions: keys Go's encoding/json folds together, duplicates, descriptor sizes
    def oci(name, i=idx, m=man, c=cfg):
        write("manifest", name, ("o\n" + i + "\n--\n" + m + "\n--\n" + c).encode())

    def docker(name, d, c=cfg):
        write("manifest", name, ("d\n" + d + "\n--\n" + man + "\n--\n" + c).encode())

    oci("layers-case", m=man[:-1] + ',"Layers":[' + ldesc + ']}')
    oci("layers-dup", m=man[:-1] + ',"layers":[]}')
    oci("layers-longs", m=man[:-1] + ',"layer\\u017f":[]}')  # JSON escape
    oci("layers-longs-raw", m=man[:-1] + ',"layer\u017f":[]}')  # raw UTF-8
    oci("layers-only-upper", m=man.replace('"layers"', '"LAYERS"'))
    oci("config-case", m=man.replace('"config"', '"Config"'))
    oci("config-both", m=man[:-1] + ',"CONFIG":{"digest":"sha256:@C@","size":@c@}}')
    oci("digest-case", m=man.replace('"size":0}', '"size":0,"Digest":"sha256:@L@"}'))
    oci("healthcheck-kelvin", c=cfg.replace('"Labels"', '"Healthchec\u212a":{"Test":["NONE"]},"Labels"'))
    oci("healthcheck-kelvin-only", c=cfg.replace('"Healthcheck"', '"Healthchec\\u212a"'))
    oci("mediatype-case", m=man.replace('"mediaType":"application/vnd.oci.image.layer.v1.tar"',
                                        '"MediaType":"application/vnd.oci.image.layer.v1.tar"'))
    oci("diffids-case", c=cfg.replace('"diff_ids"', '"Diff_ids"'))
    oci("diffids-both", c=cfg.replace('"type":"layers"', '"type":"layers","DIFF_IDS":[]'))
    oci("rootfs-case", c=cfg.replace('"rootfs"', '"RootFS"'))
    oci("env-case", c=cfg.replace('"User":"root"', '"User":"root","env":["A=1"],"Env":["B=2"]'))
    oci("labels-case-ok", c=cfg.replace('"Labels":{"a":"b"}', '"Labels":{"a":"b","A":"c"}'))
    oci("labels-dup", c=cfg.replace('"Labels":{"a":"b"}', '"Labels":{"a":"b","a":"c"}'))
    oci("manifests-case", i=idx.replace('"manifests"', '"Manifests"'))
    oci("manifests-both", i=idx[:-1] + ',"MANIFESTS":[]}')
    oci("platform-case", i=idx.replace('"platform"', '"Platform"'))
    oci("size-zero", i=idx.replace('"size":@m@', '"size":0'))
    oci("size-negative", i=idx.replace('"size":@m@', '"size":-1'))
    oci("size-ten", m=man.replace('"size":@c@', '"size":10'))
    oci("size-big", m=man.replace('"size":0}', '"size":99999999999}'))
    oci("size-missing", m=man.replace(',"size":@c@', ''))
    oci("size-float", m=man.replace('"size":@c@', '"size":1.5'))
    oci("size-string", i=idx.replace('"size":@m@', '"size":"@m@"'))
    oci("deep", c='{"a":' * 300 + '1' + '}' * 300)
    docker("docker-layers-case", dm[:-2] + ',"layers":["x"]}]')
    docker("docker-config-case", dm.replace('"Config"', '"config"'))
    docker("docker-dup", dm[:-2] + ',"Layers":[]}]')


def chisel_seeds():
    lines = [
        '{"jsonwall":"1.0","schema":"1.0","count":7}',
        '{"kind":"content","path":"/usr/bin/hello","slice":"hello_bins"}',
        '{"kind":"package","name":"hello","version":"2.10-2ubuntu4","sha256":"%s","arch":"amd64"}' % ("0" * 64),
        '{"kind":"path","path":"/usr/bin/","mode":"0755","slices":["hello_bins"]}',
        '{"kind":"path","path":"/usr/bin/hello","mode":"0755","slices":["hello_bins"],"sha256":"%s","size":26856}' % ("1" * 64),
        '{"kind":"slice","name":"hello_bins"}',
        '{"kind":"path","path":"/usr/bin/hi","mode":"0777","slices":["hello_bins"],"link":"hello"}',
    ]
    text = ("\n".join(lines) + "\n").encode()
    z = zst(text)
    if z:
        write("chisel", "manifest.wall", z)
        write("chisel", "truncated.wall", z[: len(z) // 2])


def whiteout_seeds():
    write("whiteout", "basic", b"0 d etc\n0 f etc/a\n0 l lib usr/lib\n0 d usr/lib\n"
          b"1 f lib/x\n1 w etc/a\n2 o etc\n2 f etc/b\n3 h etc/c etc/b\n")
    write("whiteout", "loop", b"0 l a b\n0 l b a\n1 f a/x\n")
    write("whiteout", "replace", b"0 f x\n1 d x\n1 f x/y\n2 f x\n")


if __name__ == "__main__":
    for target in ("layer", "archive", "manifest", "whiteout", "chisel"):
        if os.path.isdir(os.path.join(OUT, target)):
            shutil.rmtree(os.path.join(OUT, target))   # only this script's corpora
    layer_seeds()
    archive_seeds()
    manifest_seeds()
    whiteout_seeds()
    chisel_seeds()
    print("seeds written to", OUT)
