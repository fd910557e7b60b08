#!/usr/bin/env python3
"""A front for a registry without the OCI 1.1 referrers API (Debian's docker-registry 2.8)
that adds it, for tests/trust/test_verify.sh (plain HTTP, 127.0.0.1).

Usage: referrers_front.py UPSTREAM PORTFILE
  UPSTREAM  host:port of the real registry (plain HTTP)
Binds a free port, writes it to PORTFILE, serves until killed. GET/HEAD requests are
passed to UPSTREAM unchanged (the Accept header kept); GET /v2/<name>/referrers/<digest>
answers what the OCI Distribution spec 1.1 asks: an OCI image index of the manifests
whose subject is <digest>, read here from the referrers tag (sha256-<hex>) that cosign
writes next to them, or an empty index. GET /stats says how many referrers API requests
were answered (and with how many entries).
"""
import json
import sys
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MT_INDEX = "application/vnd.oci.image.index.v1+json"
STATS = {"referrers": 0, "entries": 0}
UP = sys.argv[1]


def upstream(path, accept=None, method="GET"):
    req = urllib.request.Request("http://%s%s" % (UP, path), method=method)
    if accept:
        req.add_header("Accept", accept)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body, headers):
        self.send_response(code)
        for k, v in headers.items():
            if k.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        p = self.path.split("?")[0]
        if p == "/stats":
            return self.send(200, json.dumps(STATS).encode(), {"Content-Type": "application/json"})
        parts = p.split("/")
        if len(parts) >= 5 and parts[1] == "v2" and parts[-2] == "referrers":
            name, digest = "/".join(parts[2:-2]), parts[-1]
            STATS["referrers"] += 1
            code, _, body = upstream("/v2/%s/manifests/%s" % (name, digest.replace(":", "-")), MT_INDEX)
            doc = {"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": []}
            if code == 200:
                doc["manifests"] = json.loads(body).get("manifests", [])
            STATS["entries"] += len(doc["manifests"])
            return self.send(200, json.dumps(doc).encode(), {"Content-Type": MT_INDEX})
        code, headers, body = upstream(self.path, self.headers.get("Accept"), self.command)
        return self.send(code, body, headers)


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    with open(sys.argv[2] + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(sys.argv[2] + ".tmp", sys.argv[2])
    srv.serve_forever()


if __name__ == "__main__":
    main()
