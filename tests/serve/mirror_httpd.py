#!/usr/bin/env python3
"""A database mirror for tests/serve/test_dbmirror.sh, on 127.0.0.1 only.

Serves the files of --root with an ETag (SHA-256 of the content) and Last-Modified,
answers 304 to a matching If-None-Match or a not-older If-Modified-Since, and logs one
line per request to --log: "METHOD PATH STATUS". With --cert/--key it speaks HTTPS.
The first word of --mode-file (read at every request) makes requests for *.vigildb
misbehave on purpose:
  truncate  announces the full length, sends half, closes the connection
  huge      no length, zeros until the client goes away (or 4 GiB)
  hugecl    announces 64 GiB, then sends zeros the same way
  loop      302 to the same URL, forever
  plain     no ETag, no Last-Modified, conditional requests ignored (always 200)
The port is written to --port-file. The server stops by itself after --lifetime seconds.
"""
import argparse, email.utils, hashlib, http.server, os, ssl, threading

p = argparse.ArgumentParser()
p.add_argument("--root", required=True)
p.add_argument("--log", required=True)
p.add_argument("--port-file", required=True)
p.add_argument("--mode-file", required=True)
p.add_argument("--cert")
p.add_argument("--key")
p.add_argument("--lifetime", type=float, default=300)
args = p.parse_args()
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def note(self, status):
        with lock, open(args.log, "a") as f:
            f.write(f"{self.command} {self.path} {status}\n")

    def zeros(self):
        chunk = b"\0" * 65536
        try:
            for _ in range(65536):
                self.wfile.write(chunk)
        except OSError:
            pass
        self.close_connection = True

    def do_GET(self):
        try:
            mode = open(args.mode_file).read().split()[0]
        except (OSError, IndexError):
            mode = "normal"
        rel = self.path.split("?")[0].lstrip("/")
        full = os.path.join(args.root, os.path.basename(rel))
        if not rel.endswith(".vigildb"):
            mode = "normal"
        if mode == "loop":
            self.note(302)
            self.send_response(302)
            self.send_header("Location", self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if mode in ("huge", "hugecl"):
            self.note(mode)
            self.send_response(200)
            if mode == "hugecl":
                self.send_header("Content-Length", str(64 << 30))
            self.send_header("Connection", "close")
            self.end_headers()
            self.zeros()
            return
        if not os.path.isfile(full):
            self.note(404)
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = open(full, "rb").read()
        etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
        mtime = os.path.getmtime(full)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        fresh = inm == etag if inm else False
        if mode == "plain":
            inm = ims = None
            fresh = False
        if not inm and ims:
            try:
                fresh = int(mtime) <= email.utils.parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                fresh = False
        if fresh:
            self.note(304)
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.note("200-truncated" if mode == "truncate" else 200)
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        if mode != "plain":
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", email.utils.formatdate(mtime, usegmt=True))
        self.end_headers()
        if mode == "truncate":
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(data)


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
srv.daemon_threads = True
if args.cert:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(args.port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(args.port_file + ".tmp", args.port_file)
threading.Timer(args.lifetime, srv.shutdown).start()
srv.serve_forever()
