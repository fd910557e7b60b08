#!/usr/bin/env python3
"""A hostile OCI registry for tests/registry/test_registry.sh (plain HTTP, 127.0.0.1).

Usage: hostile_registry.py PORTFILE
Binds a free port, writes it to PORTFILE, serves until killed. Each repository misbehaves
in one way (its name says how); /leaks reports how many requests to the "other host"
(blob storage reached by a redirect) carried an Authorization header.

Repositories (tag "1"):
  good           a valid one-layer image (Basic auth required: user "u", any password)
  wrongdigest    the layer's bytes do not hash to the manifest's digest (same size)
  truncated      the layer is cut in half on every attempt (Content-Length says full)
  endless        the layer never ends (no Content-Length)
  stall          half the layer, then silence
  bigmanifest    a 100 MB manifest with a Content-Length
  bigchunked     a 100 MB manifest without a Content-Length
  loop           the manifest redirects to itself
  endless401     every request answers 401 with a Bearer challenge; tokens are issued
  dropone        the layer's first transfer is cut in half; a Range request is answered
                 with 206 (a client that resumes succeeds)
  slowconfig     the config is answered only once the layer was asked for (at most 5 s
                 later): /leaks says "overlap": 1 when the client asked for the layer
                 while the config was still coming (it starts layers from the manifest)
  otherhost      the layer redirects to http://localhost:PORT/blobstore/... (Basic auth
                 required on the registry; the blob store records any Authorization)
"""
import gzip
import hashlib
import io
import json
import socket
import sys
import tarfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def make_image():
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w", format=tarfile.USTAR_FORMAT) as t:
        body = b"hello from the hostile registry\n" * 2000
        info = tarfile.TarInfo("etc/hello.txt")
        info.size = len(body)
        info.mtime = 1700000000
        t.addfile(info, io.BytesIO(body))
    raw = data.getvalue()
    layer = gzip.compress(raw, mtime=0)
    config = json.dumps({
        "architecture": "amd64", "os": "linux",
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": [sha(raw)]},
    }).encode()
    return layer, config


LAYER, CONFIG = make_image()
# a blob of the same size whose digest the "wrongdigest" manifest names
OTHER = bytes([LAYER[0] ^ 1]) + LAYER[1:]


def manifest(layer_digest):
    return json.dumps({
        "schemaVersion": 2, "mediaType": MT_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": sha(CONFIG), "size": len(CONFIG)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": layer_digest, "size": len(LAYER)}],
    }).encode()


GOOD = manifest(sha(LAYER))
WRONG = manifest(sha(OTHER))
LEAKS = {"n": 0, "blobstore": 0}
PORT = {"n": 0}
BIG = 100 << 20
LAYER_ASKED = threading.Event()


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body=b"", ctype="application/json", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        p = self.path.split("?")[0]
        if p == "/leaks":
            return self.send(200, json.dumps(LEAKS).encode())
        if p == "/token":
            return self.send(200, json.dumps({"token": "t0ken"}).encode())
        if p.startswith("/blobstore/"):
            LEAKS["blobstore"] += 1
            if self.headers.get("Authorization"):
                LEAKS["n"] += 1
            return self.send(200, LAYER, "application/octet-stream")
        if p == "/v2/" or p == "/v2":
            return self.send(200, b"{}")
        parts = p.split("/")
        if len(parts) < 5 or parts[0] != "" or parts[1] != "v2":
            return self.send(404, b'{"errors":[{"code":"NAME_UNKNOWN","message":"no"}]}')
        repo, kind, ref = parts[2], parts[3], parts[4]
        if repo in ("good", "otherhost") and not self.headers.get("Authorization", "").startswith("Basic "):
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"auth"}]}',
                             extra=[("WWW-Authenticate", 'Basic realm="hostile"')])
        if repo == "endless401":
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"again"}]}',
                             extra=[("WWW-Authenticate",
                                     'Bearer realm="http://127.0.0.1:%d/token",service="h",'
                                     'scope="repository:endless401:pull"' % PORT["n"])])
        if repo == "loop":
            return self.send(302, b"", extra=[("Location", self.path)])
        if kind == "manifests":
            if repo == "bigmanifest":
                self.send_response(200)
                self.send_header("Content-Type", MT_MANIFEST)
                self.send_header("Content-Length", str(BIG))
                self.end_headers()
                return self.stream_zeros(BIG)
            if repo == "bigchunked":
                self.send_response(200)
                self.send_header("Content-Type", MT_MANIFEST)
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                return self.stream_zeros(BIG)
            doc = WRONG if repo == "wrongdigest" else GOOD
            return self.send(200, doc, MT_MANIFEST, [("Docker-Content-Digest", sha(doc))])
        if kind == "blobs":
            if ref == sha(CONFIG):
                if repo == "slowconfig":
                    LEAKS["overlap"] = 1 if LAYER_ASKED.wait(5) else 0
                    LAYER_ASKED.clear()
                return self.send(200, CONFIG, "application/octet-stream")
            if repo == "slowconfig":
                LAYER_ASKED.set()
            if repo == "otherhost":
                return self.send(307, b"", extra=[
                    ("Location", "http://localhost:%d/blobstore/%s" % (PORT["n"], ref))])
            if repo == "truncated":
                self.send_response(200)
                self.send_header("Content-Length", str(len(LAYER)))
                self.end_headers()
                self.wfile.write(LAYER[: len(LAYER) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            if repo == "dropone":
                rng = self.headers.get("Range", "")
                if rng.startswith("bytes=") and rng.endswith("-"):
                    start = int(rng[6:-1])
                    LEAKS["ranges"] = LEAKS.get("ranges", 0) + 1
                    body = LAYER[start:]
                    self.send_response(206)
                    self.send_header("Content-Length", str(len(body)))
                    self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(LAYER) - 1, len(LAYER)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(LAYER)))
                self.end_headers()
                self.wfile.write(LAYER[: len(LAYER) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            if repo == "endless":
                self.send_response(200)
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                return self.stream_zeros(1 << 40)
            if repo == "stall":
                self.send_response(200)
                self.send_header("Content-Length", str(len(LAYER)))
                self.end_headers()
                self.wfile.write(LAYER[: len(LAYER) // 2])
                self.wfile.flush()
                time.sleep(3600)
                return
            return self.send(200, LAYER, "application/octet-stream")
        return self.send(404, b"{}")

    def stream_zeros(self, n):
        chunk = b"\0" * 65536
        try:
            while n > 0:
                k = min(n, len(chunk))
                self.wfile.write(chunk[:k])
                n -= k
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    PORT["n"] = srv.server_address[1]
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(PORT["n"]))
    import os
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    srv.serve_forever()


if __name__ == "__main__":
    main()
