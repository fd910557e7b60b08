#!/usr/bin/env python3
"""mkimages.py OUT N BASE_LAYOUT [--union]: an OCI layout OUT with images tagged base and
app1..appN (stdlib only, tarballs written whole, gzip without name or time).

base  = the image of BASE_LAYOUT (its layers, as they are) plus two layers: /opt/base
        with a credential made now, then a whiteout of /etc/motd and /opt/base/motd.txt;
appI  = base plus one layer of its own: /app/version.txt with its number; odd ones add a
        credential (/app/aws.env), even ones remove a base file (/opt/base/conf/README).
The base layers are shared by every app image (same blobs, same diff_ids). With --union,
also "union": the base and every app layer in one image, each distinct layer once (what
bench/layercache.sh reads as "every distinct layer once"). With --variants, also images
whose own layer changes what the base's layers gave the analyzers (tests/layercache/
test_chain.sh): "pkgrepl" replaces the dpkg database (its first package left out, the
version of another changed) and /etc/passwd (a second UID 0); "pkgwh" deletes both
(whiteouts)."""
import gzip, hashlib, io, json, os, secrets, shutil, sys, tarfile

EPOCH = 1700000000
out, n, alpine = sys.argv[1], int(sys.argv[2]), sys.argv[3]
union = "--union" in sys.argv[4:]
variants = "--variants" in sys.argv[4:]


def key():
    return "AKIA" + "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))


def blob(data):
    d = hashlib.sha256(data).hexdigest()
    with open(os.path.join(out, "blobs", "sha256", d), "wb") as f:
        f.write(data)
    return "sha256:" + d


def layer(entries):
    """entries: (path, bytes) files, (path, None) directories, ("!path", None) whiteouts."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        for path, data in entries:
            if path.startswith("!"):
                d, b = os.path.split(path[1:].strip("/"))
                ti = tarfile.TarInfo(os.path.join(d, ".wh." + b))
                ti.mtime = EPOCH
                t.addfile(ti, io.BytesIO(b""))
            elif data is None:
                ti = tarfile.TarInfo(path.strip("/"))
                ti.type, ti.mode, ti.mtime = tarfile.DIRTYPE, 0o755, EPOCH
                t.addfile(ti)
            else:
                ti = tarfile.TarInfo(path.strip("/"))
                ti.size, ti.mtime, ti.mode = len(data), EPOCH, 0o644
                t.addfile(ti, io.BytesIO(data))
    plain = raw.getvalue()
    z = io.BytesIO()
    with gzip.GzipFile(fileobj=z, mode="wb", mtime=0, filename="") as g:
        g.write(plain)
    return z.getvalue(), "sha256:" + hashlib.sha256(plain).hexdigest()


shutil.rmtree(out, ignore_errors=True)
os.makedirs(os.path.join(out, "blobs", "sha256"))
with open(os.path.join(out, "oci-layout"), "w") as f:
    json.dump({"imageLayoutVersion": "1.0.0"}, f)
idx = json.load(open(os.path.join(alpine, "index.json")))
def read_blob(d):
    return open(os.path.join(alpine, "blobs", "sha256", d.split(":")[1]), "rb").read()
man = json.loads(read_blob(idx["manifests"][0]["digest"]))
cfg = json.loads(read_blob(man["config"]["digest"]))
base_layers = []
for l in man["layers"]:
    blob(read_blob(l["digest"]))
    base_layers.append(l)
diff_ids = list(cfg["rootfs"]["diff_ids"])
history = list(cfg.get("history", []))


def add(entries, step):
    data, diff = layer(entries)
    d = blob(data)
    return {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": len(data)}, diff, step


extra = [add([("/opt/base", None), ("/opt/base/conf", None),
              ("/opt/base/conf/credentials", ("aws_access_key_id = %s\n" % key()).encode()),
              ("/opt/base/conf/README", b"shared base\n"), ("/opt/base/motd.txt", b"hello\n")],
             "base: /opt/base"),
         add([("!/etc/motd", None), ("!/opt/base/motd.txt", None), ("/etc/base-release", b"base 1\n")],
             "base: whiteouts")]


def image(tag, layers):
    c = json.loads(json.dumps(cfg))
    c["rootfs"]["diff_ids"] = diff_ids + [x[1] for x in layers]
    c["history"] = history + [{"created": "2023-11-14T22:13:20Z", "created_by": x[2]} for x in layers]
    cd = blob(json.dumps(c, sort_keys=True).encode())
    m = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
         "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd,
                    "size": os.path.getsize(os.path.join(out, "blobs", "sha256", cd.split(":")[1]))},
         "layers": base_layers + [x[0] for x in layers]}
    mb = json.dumps(m, sort_keys=True).encode()
    return {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": blob(mb),
            "size": len(mb), "annotations": {"org.opencontainers.image.ref.name": tag}}


ms = [image("base", extra)]
own = []
for i in range(1, n + 1):
    e = [("/app", None), ("/app/version.txt", b"app %d\n" % i)]
    if i % 2:
        e.append(("/app/aws.env", ("aws_access_key_id = %s\n" % key()).encode()))
    else:
        e.append(("!/opt/base/conf/README", None))
    own.append(add(e, "app %d" % i))
    ms.append(image("app%d" % i, extra + [own[-1]]))
if union:
    ms.append(image("union", extra + own))
if variants:
    import tarfile as _t
    found = {}
    for l in base_layers:  # the last layer that holds each file wins
        with _t.open(fileobj=io.BytesIO(read_blob(l["digest"])), mode="r:*") as t:
            for m_ in t.getmembers():
                name = m_.name.lstrip("./")
                if name in ("var/lib/dpkg/status", "etc/passwd") and m_.isfile():
                    found[name] = t.extractfile(m_).read()
    stanzas = found["var/lib/dpkg/status"].decode().strip("\n").split("\n\n")
    second = stanzas[1].split("\n")
    second = [("Version: 0.0.1-1" if x.startswith("Version: ") else x) for x in second]
    status = "\n\n".join(["\n".join(second)] + stanzas[2:]) + "\n"
    passwd = found["etc/passwd"] + b"toor:x:0:0:second root:/root:/bin/sh\n"
    ms.append(image("pkgrepl", extra + [add([("/var/lib/dpkg/status", status.encode()),
                                             ("/etc/passwd", passwd)], "replace dpkg db, passwd")]))
    ms.append(image("pkgwh", extra + [add([("!/var/lib/dpkg/status", None), ("!/etc/passwd", None)],
                                          "delete dpkg db, passwd")]))
with open(os.path.join(out, "index.json"), "w") as f:
    json.dump({"schemaVersion": 2, "manifests": ms}, f)
