#!/usr/bin/env python3
"""Writes the seed corpora of fuzz_imageref and fuzz_wwwauth (tests/fuzz/corpus/).

Every seed is made here; run it again after changing it and commit what it writes.
"""
import base64
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
D = "sha256:" + "0123456789abcdef" * 4

REFS = [
    "alpine", "alpine:3.20", "library/alpine:latest", "docker.io/library/alpine:3.20",
    "index.docker.io/library/busybox", "registry-1.docker.io/grafana/grafana:10.4.1",
    "ghcr.io/owner/app:v1.2.3", "quay.io/org/sub/path/image:tag_with-dots.1",
    "localhost/app", "localhost:5000/app:1", "127.0.0.1:5000/vigil/debian:12",
    "[::1]:5000/repo:tag", "registry.example.com:443/a/b/c/d", "example.com/a__b/c-d.e:tag",
    "alpine@" + D, "ghcr.io/owner/app:v1@" + D, "registry:localhost:5000/x:y",
    "docker://busybox:1.36", "UPPER/case:tag", "Example.COM/repo", "repo/with//double",
    "repo:", ":tag", "@" + D, "repo@sha256:short", "repo@md5:" + "0" * 32, "a" * 300,
    "host:99999/repo", "host:port/repo", "-bad/repo", "repo.-x", "repo..x", "x___y",
    "a/b:" + "t" * 129, "a/b:" + "t" * 128, "with space", "tab\there", "émoji/repo",
    "127.0.0.1:5000/repo:tag@" + D, "foo.tar", "./foo", "/abs/path", "",
]

CHALLENGES = [
    'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
    'Basic realm="Registry Realm"',
    'bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:o/a:pull"',
    'Basic realm="r", Bearer realm="https://t/token",service="s"',
    'Bearer realm=https://unquoted/token,service=svc',
    'Bearer realm="https://t/token", service="s", scope="repository:a:pull,push"',
    'Bearer realm="https://t/token",scope="repository:a:pull repository:b:pull"',
    'Negotiate, Basic realm="x"',
    'Digest realm="x", nonce="y"',
    'Bearer realm="esc\\"aped",service="s"',
    'Bearer realm="unterminated',
    'Bearer realm=',
    'Bearer',
    'Basic',
    '',
    ',,,, , ,',
    'Bearer realm="' + "x" * 1100 + '"',
    'Bearer realm="https://t/token",service="' + "s" * 300 + '"',
    'Bearer realm="a",realm="b"',
    'Bearer =x',
    'Bearer realm="https://t/token",\r\n service="s"',
    'NTLM',
]

CONFIGS = [
    ("docker.io", {"auths": {"https://index.docker.io/v1/": {"auth": base64.b64encode(b"user:pw").decode()}}}),
    ("ghcr.io", {"auths": {"ghcr.io": {"auth": base64.b64encode(b"u:p:with:colons").decode()}}}),
    ("r.example:5000", {"auths": {"https://r.example:5000": {"identitytoken": "refresh-token-x"}}}),
    ("r.example", {"auths": {"r.example": {"username": "u", "password": "p"}}}),
    ("r.example", {"auths": {"r.example": {"auth": "not base64!"}}}),
    ("r.example", {"auths": {"r.example": {"auth": base64.b64encode(b"nocolon").decode()}}}),
    ("r.example", {"auths": {"r.example": {"auth": ""}}}),
    ("r.example", {"credHelpers": {"r.example": "ecr-login"}}),
    ("r.example", {"credsStore": "desktop"}),
    ("r.example", {"auths": {"other": {"auth": "eA=="}}}),
    ("r.example", {"auths": []}),
    ("r.example", {"auths": {"r.example": "string"}}),
    ("r.example", {"credHelpers": {"r.example": "../../bin/sh"}}),
    ("r.example", []),
    ("docker.io", {"auths": {"docker.io": {"auth": base64.b64encode(b"a:b").decode()}}}),
    ("h", {"auths": {"h": {"auth": base64.b64encode(b"\0:\0").decode()}}}),
]


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def main():
    for t in ("imageref", "wwwauth"):
        shutil.rmtree(os.path.join(HERE, "corpus", t), ignore_errors=True)
    for i, r in enumerate(REFS):
        write("imageref", "ref-%02d" % i, r)
    for i, c in enumerate(CHALLENGES):
        write("wwwauth", "challenge-%02d" % i, c)
    for i, (host, cfg) in enumerate(CONFIGS):
        write("wwwauth", "config-%02d" % i, host + "\n" + json.dumps(cfg))
    write("wwwauth", "config-broken", "r.example\n{\"auths\": {")


if __name__ == "__main__":
    main()
