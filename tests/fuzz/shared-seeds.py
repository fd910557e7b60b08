#!/usr/bin/env python3
"""Derives fuzz seeds from the real data in ../shared at test time: OUT/<target>/<n>.

The committed corpora (tests/fuzz/corpus/) are small and made from scratch; this adds, for
the parsers of real formats, enough real and diverse inputs that every target has at least
20 with its committed corpus (shared_seeds_more.py has the ones built from root filesystems,
binaries and package databases): whole files
picked from the feed archives and package databases, runs of records cut from them (so the
seeds differ in size and content) and a few truncated ones (the error paths). Nothing here
is committed: the seeds are written to a temporary directory for the replay, and the
choice is deterministic (sorted names, fixed strides) so a failure can be reproduced.

usage: shared-seeds.py SHARED OUT       (exit 1 with a message when SHARED lacks a source)
"""
import io
import json
import os
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shared_seeds_more as more  # noqa: E402

MIN = 20


def members(archive, pred, limit, maxbytes=1 << 20):
    """The first `limit` regular files of a feed archive whose path satisfies pred, spread
    over the archive (every k-th match) so the seeds are diverse."""
    with tarfile.open(archive, "r:gz") as t:
        names = sorted(m.name for m in t.getmembers() if m.isfile() and pred(m.name))
        if not names:
            return []
        step = max(1, len(names) // limit)
        out = []
        for n in names[::step][:limit]:
            f = t.extractfile(n)
            out.append(f.read(maxbytes))
        return out


def records(data, sep=b"\n\n"):
    return [r for r in data.split(sep) if r.strip()]


def runs(recs, sep, counts):
    """Consecutive runs of records: several sizes, from several places."""
    out = []
    for i, k in enumerate(counts):
        if not recs:
            break
        start = (i * 7919) % len(recs)
        out.append(sep.join(recs[start:start + k]) + sep)
    return out


def truncations(data, n=3):
    return [data[: max(1, len(data) * (i + 1) // (n + 1))] for i in range(n)]


def alpine_installed(shared):
    out = []
    d = os.path.join(shared, "fixtures", "alpine")
    for f in sorted(os.listdir(d)):
        with tarfile.open(os.path.join(d, f), "r:gz") as t:
            for m in t.getmembers():
                if m.name.lstrip("./") == "lib/apk/db/installed":
                    out.append(t.extractfile(m).read())
    return out


def files_under(d, pred=lambda p: True):
    out = []
    for root, _, names in sorted(os.walk(d)):
        for n in sorted(names):
            p = os.path.join(root, n)
            if os.path.isfile(p) and pred(p):
                with open(p, "rb") as f:
                    out.append(f.read(1 << 20))
    return out


def main():
    shared, out = sys.argv[1], sys.argv[2]
    vd = os.path.join(shared, "vulndata")
    pk = os.path.join(shared, "specs", "pkgdb")
    seeds = {}

    def arc(name):
        return os.path.join(vd, name + ".tar.gz")

    # package databases
    inst = alpine_installed(shared) + files_under(os.path.join(pk, "apk"))
    seeds["apk"] = inst + runs(records(b"\n\n".join(inst)), b"\n\n", [1, 2, 3, 5, 8, 13, 21, 34] * 2) + \
        truncations(inst[0])
    st = files_under(os.path.join(pk, "dpkg"), lambda p: os.path.basename(p) == "status" or "/status.d/" in p)
    recs = records(b"\n\n".join(st))
    seeds["dpkg"] = st + runs(recs, b"\n\n", [1, 2, 3, 5, 8, 13, 21, 34, 55, 89] * 2) + truncations(st[0])
    md5 = files_under(pk, lambda p: p.endswith(".md5sums") or p.endswith(".list"))
    lines = [l for f in md5 for l in f.split(b"\n") if l.strip()]
    seeds["dpkglist"] = md5 + runs(lines, b"\n", [1, 2, 4, 8, 16, 32, 64, 128, 256, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37])
    ch = files_under(os.path.join(pk, "chisel"))
    chl = [l for f in ch for l in f.split(b"\n") if l.strip().startswith(b"{")]
    seeds["chisel"] = ch + runs(chl, b"\n", [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 4, 6, 7, 9, 10, 11, 12, 14, 15])
    rpm = files_under(os.path.join(shared, "fixtures", "rpmdb")) + files_under(os.path.join(pk, "rpm"))
    for tgt, magic in (("rpmsqlite", b"SQLite format 3"), ("rpmndb", b"RpmP"), ("rpmbdb", None)):
        whole = [d for d in rpm if (magic is None and not d.startswith(b"SQLite") and d[:4] != b"RpmP")
                 or (magic is not None and d.startswith(magic))]
        s = list(whole)
        for d in whole:
            s += truncations(d, 10)
        seeds[tgt] = s

    # feeds
    seeds["feed_uct"] = members(arc("ubuntu-cve-tracker"), lambda n: "/active/CVE-" in n or "/retired/CVE-" in n, 40)
    seeds["feed_pypa"] = members(arc("pypa-advisory-database"), lambda n: n.endswith(".yaml"), 30)
    seeds["feed_rubyadv"] = members(arc("ruby-advisory-db"), lambda n: n.endswith(".yml"), 30)
    seeds["feed_phpadv"] = members(arc("php-security-advisories"), lambda n: n.endswith(".yaml"), 30)
    seeds["feed_rustsec"] = members(arc("rustsec-advisory-db"), lambda n: n.endswith(".md") and "/crates/" in n, 30)
    seeds["feed_nodejs"] = members(arc("nodejs-security-wg"), lambda n: n.endswith(".json") and "/vuln/" in n, 30)
    seeds["feed_wolfi"] = members(arc("wolfi-advisories"), lambda n: n.endswith(".advisories.yaml"), 30)
    seeds["osv"] = members(arc("golang-vulndb"), lambda n: "/data/osv/" in n and n.endswith(".json"), 15) + \
        members(arc("almalinux-osv"), lambda n: n.endswith(".json"), 15)
    sec = members(arc("alpine-secdb"), lambda n: n.endswith(".yaml"), 40)
    seeds["secdb"] = sec + [s[:len(s) // 3] for s in sec[:4]]
    try:
        import yaml
        seeds["feed_secdbjson"] = [json.dumps(yaml.safe_load(s)).encode() for s in sec] + \
            files_under(os.path.join(shared, "specs", "feeds", "alpine-secdb-json"))
    except ImportError:
        seeds["feed_secdbjson"] = files_under(os.path.join(shared, "specs", "feeds", "alpine-secdb-json"))
    sup = members(arc("debian-security-support"), lambda n: "security-support-" in n, 10)
    seeds["feed_debsupport"] = sup + runs([l for s in sup for l in s.split(b"\n") if l.strip()], b"\n",
                                          [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 4, 6])
    dsa = members(arc("debian-security-tracker"), lambda n: n.endswith("/list") or n.endswith("config.json"), 6)
    blocks = [b for d in dsa for b in d.split(b"\n[")]
    seeds["feed_debtracker"] = runs(blocks, b"\n[", [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987,
                                                     4, 6, 7, 9, 10]) + \
        [d for d in dsa if len(d) < 200000] + files_under(os.path.join(shared, "specs", "feeds", "debian-cve-list"))
    kev = members(arc("cisa-kev"), lambda n: n.endswith(".json") and "schema" not in n, 3, 16 << 20)
    ks = []
    for k in kev:
        try:
            doc = json.loads(k)
        except ValueError:
            continue
        if isinstance(doc, dict) and isinstance(doc.get("vulnerabilities"), list):
            v = doc["vulnerabilities"]
            for i, n in enumerate([1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 4, 6, 7, 9, 10]):
                d = dict(doc)
                d["vulnerabilities"] = v[(i * 101) % len(v):][:n]
                ks.append(json.dumps(d).encode())
    seeds["kev"] = ks + truncations(kev[0], 3) if kev else ks
    oval = members(arc("azurelinux-oval"), lambda n: n.endswith(".xml"), 4)
    ov = []
    for d in oval:
        head, sep, rest = d.partition(b"<definitions>")
        defs = rest.split(b"</definition>")
        for n in (1, 2, 3, 5, 8, 13, 21, 34):
            ov.append(head + sep + b"</definition>".join(defs[:n]) + b"</definition></definitions></oval_definitions>")
        ov += truncations(d, 2)
    seeds["feed_oval"] = ov + files_under(os.path.join(shared, "specs", "feeds", "redhat-oval"), lambda p: p.endswith(".xml")) + \
        files_under(os.path.join(shared, "specs", "feeds", "suse-oval"), lambda p: p.endswith(".xml"))

    # the targets whose committed corpus is small (shared_seeds_more.py)
    roots = more.alpine_members(shared)
    seeds["layer"] = more.layers(roots)
    seeds["whiteout"] = more.whiteouts(roots)
    seeds["archive"] = more.image_archives(roots)
    seeds["malware_archive"] = more.malware_archives(roots)
    seeds["malware_hashes"] = more.hash_lists(roots)
    seeds["feed_toml"] = more.toml_blocks(seeds["feed_rustsec"])
    seeds["gobuildinfo"] = more.go_rust_binaries(pk)
    seeds["pomprops"], seeds["jar"] = more.java(pk)
    seeds["packagelock"] = more.lockfiles(pk)
    seeds["pkginfo"] = more.metadata(pk)
    seeds["match_ranges"] = more.match_statements(
        members(arc("golang-vulndb"), lambda n: "/data/osv/" in n and n.endswith(".json"), 12),
        seeds["feed_rubyadv"], seeds["feed_phpadv"])
    seeds["rpmheader"] = more.rpm_headers(shared)
    seeds["secret_scan"] = more.secret_shapes()
    corpus = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    for t in ("feed_bundle", "policy", "secret_rules", "docker_inspect"):
        seeds[t] = more.own_format(os.path.join(corpus, t), MIN)
    if os.path.isdir(os.path.join(shared, "specs", "schemas", "openvex", "examples")):
        seeds["policy"] += files_under(os.path.join(shared, "specs", "schemas", "openvex", "examples"))

    # at least MIN per target, counting the committed corpus the replay reads as well
    def committed(t):
        d = os.path.join(corpus, t)
        return len(os.listdir(d)) if os.path.isdir(d) else 0
    short = {t: len(s) + committed(t) for t, s in seeds.items() if len(s) + committed(t) < MIN}
    for t, s in seeds.items():
        d = os.path.join(out, t)
        os.makedirs(d, exist_ok=True)
        for i, data in enumerate(s):
            with open(os.path.join(d, "%03d" % i), "wb") as f:
                f.write(data)
    total = sum(len(s) for s in seeds.values())
    if short:
        print("shared-seeds: fewer than %d seeds for: %s" % (MIN, ", ".join("%s (%d)" % kv for kv in sorted(short.items()))),
              file=sys.stderr)
        return 1
    print("%d seeds for %d targets" % (total, len(seeds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
