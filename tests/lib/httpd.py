#!/usr/bin/env python3
"""The one small HTTP(S) file server of the download tests, on 127.0.0.1 only.

Serves the files of --root (by the request's path, else by its base name) with an ETag
(SHA-256 of the content) and Last-Modified; answers 304 to a matching If-None-Match or,
without one, to a not-older If-Modified-Since. Logs one line per request to --log:
"METHOD PATH STATUS if-none-match=<value or ->". With --cert/--key it speaks HTTPS.

Paths with a prefix misbehave on purpose:
  /hang/FILE      accepts the request and never answers (until the client gives up)
  /truncate/FILE  announces the full length, sends half, and closes the connection
  /flaky/FILE     answers 500 to the first request for FILE, then serves it
With --mode-file, its first word (read at every request) makes every request whose path
ends with --mode-only (all paths when that is empty) misbehave the same way:
  truncate  as the prefix above
  huge      no length, zeros until the client goes away (or 4 GiB)
  hugecl    announces 64 GiB, then sends zeros the same way
  loop      302 to the same URL, forever
  plain     no ETag, no Last-Modified, conditional requests ignored (always 200)
The port is written to --port-file. The server stops by itself after --lifetime seconds.
"""
import argparse, email.utils, hashlib, http.server, os, ssl, threading, time, urllib.parse

p = argparse.ArgumentParser()
p.add_argument("--root", required=True)
p.add_argument("--log", required=True)
p.add_argument("--port-file", required=True)
p.add_argument("--mode-file")
p.add_argument("--mode-only", default="")
p.add_argument("--cert")
p.add_argument("--key")
p.add_argument("--lifetime", type=float, default=120)
args = p.parse_args()
lock = threading.Lock()
flaky_seen = set()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def note(self, status):
        inm = self.headers.get("If-None-Match", "-")
        with lock, open(args.log, "a") as f:
            f.write(f"{self.command} {self.path} {status} if-none-match={inm}\n")

    def reply(self, status, headers=(), body=b""):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def zeros(self):
        chunk = b"\0" * 65536
        try:
            for _ in range(65536):
                self.wfile.write(chunk)
        except OSError:
            pass
        self.close_connection = True

    def file_mode(self, path):
        if not args.mode_file or not path.split("?")[0].endswith(args.mode_only):
            return None
        try:
            return open(args.mode_file).read().split()[0]
        except (OSError, IndexError):
            return None

    def do_GET(self):
        path = self.path
        mode = None
        for m in ("hang", "truncate", "flaky"):
            if path.startswith(f"/{m}/"):
                mode, path = m, path[len(m) + 1:]
        mode = mode or self.file_mode(path)
        # the file at the request's path under --root (URL-decoded, no "..") if there
        # is one, else the file of that base name at the top of --root
        rel = urllib.parse.unquote(path.split("?")[0]).lstrip("/")
        full = os.path.join(args.root, rel)
        if ".." in rel.split("/") or not os.path.isfile(full):
            full = os.path.join(args.root, os.path.basename(rel))
        if mode == "hang":
            self.note("hang")
            time.sleep(min(60, args.lifetime))
            return
        if mode == "loop":
            self.note(302)
            self.reply(302, [("Location", self.path)])
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
        if mode == "flaky":
            with lock:
                first = path not in flaky_seen
                flaky_seen.add(path)
            if first:
                self.note(500)
                self.reply(500, body=b"try again\n")
                return
        if not os.path.isfile(full):
            self.note(404)
            self.reply(404)
            return
        data = open(full, "rb").read()
        etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
        mtime = os.path.getmtime(full)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if mode == "plain":
            inm = ims = None
        fresh = inm == etag if inm else False
        if not inm and ims:
            try:
                fresh = int(mtime) <= email.utils.parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                fresh = False
        if fresh:
            self.note(304)
            self.reply(304, [("ETag", etag)])
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
