#!/usr/bin/env python3
"""A token server for the Distribution registry's `auth: token` (tests only).

Usage: token_server.py DIR PORTFILE USER PASSWORD
DIR holds token.key / token.crt (the signing key and its self-signed certificate, which
the registry trusts as rootcertbundle) and server.key / server.crt (TLS). Binds a free
port on 127.0.0.1 (HTTPS), writes it to PORTFILE. GET /token?service=S&scope=S with Basic
USER:PASSWORD returns a JWT (ES256, x5c header) granting the scope's actions; without or
with wrong credentials it answers 401. Each issued token is logged as a line in
DIR/token-requests.log ("ok SCOPE" or "refused").
"""
import base64
import json
import os
import ssl
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

DIR, PORTFILE, USER, PASSWORD = sys.argv[1:5]
with open(os.path.join(DIR, "token.key"), "rb") as f:
    KEY = serialization.load_pem_private_key(f.read(), None)
with open(os.path.join(DIR, "token.crt"), "rb") as f:
    CERT = x509.load_pem_x509_certificate(f.read())
X5C = base64.b64encode(CERT.public_bytes(serialization.Encoding.DER)).decode()
LOG = os.path.join(DIR, "token-requests.log")


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwt(claims):
    header = {"alg": "ES256", "typ": "JWT", "x5c": [X5C]}
    signing = (b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())).encode()
    der = KEY.sign(signing, ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return signing.decode() + "." + b64(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def log(line):
    with open(LOG, "a") as f:
        f.write(line + "\n")


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        u = urlparse(self.path)
        q = parse_qs(u.query)
        auth = self.headers.get("Authorization", "")
        want = "Basic " + base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
        if u.path != "/token":
            return self.reply(404, {})
        if auth != want:
            log("refused")
            return self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad credentials"}]})
        access = []
        for scope in q.get("scope", []):
            parts = scope.split(":")
            if len(parts) >= 3 and parts[0] == "repository":
                access.append({"type": "repository", "name": ":".join(parts[1:-1]),
                               "actions": parts[-1].split(",")})
            log("ok " + scope)
        if not q.get("scope"):
            log("ok (no scope)")
        now = int(time.time())
        token = jwt({"iss": "vigil-test-issuer", "sub": USER, "aud": q.get("service", [""])[0],
                     "exp": now + 600, "nbf": now - 10, "iat": now, "jti": str(now) + str(os.getpid()),
                     "access": access})
        return self.reply(200, {"token": token, "expires_in": 600})


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(DIR, "server.crt"), os.path.join(DIR, "server.key"))
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(PORTFILE + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(PORTFILE + ".tmp", PORTFILE)
    srv.serve_forever()


if __name__ == "__main__":
    main()
