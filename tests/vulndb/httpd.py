#!/usr/bin/env python3
"""A small HTTP server for the download tests of `vigil db update`, on 127.0.0.1 only.

Serves the files of a directory (by path, else by base name) with an ETag (SHA-256 of the content) and Last-Modified,
answers 304 to a matching If-None-Match, and logs one line per request to --log:
"METHOD PATH STATUS if-none-match=<value or ->". Paths with a prefix misbehave on purpose:
  /hang/FILE      accepts the request and never answers (until the client gives up)
  /truncate/FILE  announces the full length, sends half, and closes the connection
  /flaky/FILE     answers 500 to the first request for FILE, then serves it
The port is written to --port-file. The server stops by itself after --lifetime seconds.
"""
import argparse, email.utils, hashlib, http.server, os, threading, time, urllib.parse

p = argparse.ArgumentParser()
p.add_argument("--root", required=True)
p.add_argument("--log", required=True)
p.add_argument("--port-file", required=True)
p.add_argument("--lifetime", type=float, default=120)
args = p.parse_args()
lock = threading.Lock()
flaky_seen = set()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def note(self, status):
        with lock, open(args.log, "a") as f:
            f.write(f"{self.command} {self.path} {status} if-none-match={self.headers.get('If-None-Match', '-')}\n")

    def do_GET(self):
        path = self.path
        mode = None
        for m in ("hang", "truncate", "flaky"):
            if path.startswith(f"/{m}/"):
                mode, path = m, path[len(m) + 1:]
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
        if mode == "flaky":
            with lock:
                first = path not in flaky_seen
                flaky_seen.add(path)
            if first:
                self.note(500)
                body = b"try again\n"
                self.send_response(500)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
        if not os.path.isfile(full):
            self.note(404)
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = open(full, "rb").read()
        etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
        mtime = email.utils.formatdate(os.path.getmtime(full), usegmt=True)
        if self.headers.get("If-None-Match") == etag:
            self.note(304)
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.note("200-truncated" if mode == "truncate" else 200)
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", mtime)
        self.end_headers()
        if mode == "truncate":
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(data)


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
srv.daemon_threads = True
with open(args.port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(args.port_file + ".tmp", args.port_file)
threading.Timer(args.lifetime, srv.shutdown).start()
srv.serve_forever()
