#!/usr/bin/env python3
"""Writes the seed corpora of the rpm fuzz targets into tests/fuzz/corpus/<target>/:

  rpmheader  header blobs (big-endian il, dl, index entries, data)
  rpmbdb     BerkeleyDB hash "Packages" files holding such blobs
  rpmndb     ndb "Packages.db" files holding such blobs

Every seed is made here from scratch with the standard library (no outside data), small
(512-byte database pages), and the same on every run. Run it again after changing it;
the files it writes are committed so that the ordinary test run replays them.
"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")

# rpm tags and types
NAME, VERSION, RELEASE, EPOCH, LICENSE, ARCH = 1000, 1001, 1002, 1003, 1014, 1022
OLDFILENAMES, SOURCERPM, DIRINDEXES, BASENAMES, DIRNAMES = 1027, 1044, 1116, 1117, 1118
MODULARITYLABEL, IMMUTABLE = 5096, 63
T_INT32, T_STRING, T_BIN, T_STRING_ARRAY, T_I18NSTRING = 4, 6, 7, 8, 9


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def header(entries, region=False):
    """entries: (tag, type, value); value is str, list of str, or list of int."""
    index, data = [], bytearray()
    if region:
        index.append(None)  # the region entry, filled in below
    for tag, typ, value in entries:
        if typ == T_INT32:
            while len(data) % 4:
                data.append(0)
            raw, count = b"".join(struct.pack(">I", v) for v in value), len(value)
        elif typ in (T_STRING_ARRAY, T_I18NSTRING) and isinstance(value, list):
            raw, count = b"".join(s.encode() + b"\0" for s in value), len(value)
        else:
            raw, count = value.encode() + b"\0", 1
        index.append((tag, typ, len(data), count))
        data += raw
    if region:
        # trailer: tag, BIN, negative offset of the region's index, 16
        trailer_off = len(data)
        data += struct.pack(">iIiI", IMMUTABLE, T_BIN, -16 * len(index), 16)
        index[0] = (IMMUTABLE, T_BIN, trailer_off, 16)
    out = struct.pack(">II", len(index), len(data))
    for e in index:
        out += struct.pack(">IIII", *e)
    return out + bytes(data)


def package(name, files=True, epoch=None, region=False, extra=()):
    e = [(NAME, T_STRING, name), (VERSION, T_STRING, "1.2.3"),
         (RELEASE, T_STRING, "4.el9")]
    if epoch is not None:
        e.append((EPOCH, T_INT32, [epoch]))
    e += [(LICENSE, T_STRING, "MIT"), (ARCH, T_STRING, "x86_64"),
          (SOURCERPM, T_STRING, name + "-1.2.3-4.el9.src.rpm")]
    if files:
        e += [(DIRINDEXES, T_INT32, [0, 0, 1]),
              (BASENAMES, T_STRING_ARRAY, [name, name + "-helper", "README"]),
              (DIRNAMES, T_STRING_ARRAY, ["/usr/bin/", "/usr/share/doc/" + name + "/"])]
    e += list(extra)
    e.sort(key=lambda x: x[0])
    return header(e, region)


def header_seeds():
    write("rpmheader", "minimal", header([(NAME, T_STRING, "a")]))
    write("rpmheader", "full", package("coreutils", epoch=2, extra=[
        (MODULARITYLABEL, T_STRING, "perl:5.32:8040020210617:1f4d8c9b")]))
    write("rpmheader", "region", package("bash", region=True))
    write("rpmheader", "oldfilenames", header([
        (NAME, T_STRING, "old"), (VERSION, T_STRING, "1"),
        (OLDFILENAMES, T_STRING_ARRAY, ["/bin/sh", "/etc/profile"])]))
    write("rpmheader", "i18n-license", header([
        (NAME, T_STRING, "i18n"), (LICENSE, T_I18NSTRING, ["GPL", "GPL (de)"])]))
    write("rpmheader", "gpg-pubkey", header([
        (NAME, T_STRING, "gpg-pubkey"), (VERSION, T_STRING, "fd431d51"),
        (RELEASE, T_STRING, "4ae0493b")]))
    write("rpmheader", "bad-dirindex", header([
        (NAME, T_STRING, "bad-dirindex"), (DIRINDEXES, T_INT32, [0, 9]),
        (BASENAMES, T_STRING_ARRAY, ["a", "b"]), (DIRNAMES, T_STRING_ARRAY, ["/"])]))
    full = package("trunc")
    write("rpmheader", "truncated", full[:-7])


def bdb(values, ps=512, big_endian=False, checksum=False, inline_max=64):
    """A BerkeleyDB hash file: page 0 metadata, page 1 one hash page with record 0 and
    one key/data pair per value (inline when short, else an overflow chain)."""
    E = ">" if big_endian else "<"
    hdr = 26 + (20 if checksum else 0)
    room = ps - hdr
    items = [(b"\x01" + struct.pack(E + "I", 0), b"\x01" + struct.pack(E + "I", len(values) + 1))]
    overflow, next_pg = [], 2
    for i, v in enumerate(values):
        key = b"\x01" + struct.pack(E + "I", i + 1)
        if len(v) <= inline_max:
            items.append((key, b"\x01" + v))
            continue
        chunks = [v[k:k + room] for k in range(0, len(v), room)]
        first = next_pg
        for j, c in enumerate(chunks):
            pg = bytearray(ps)
            nxt = next_pg + 1 if j < len(chunks) - 1 else 0
            prev = next_pg - 1 if j > 0 else 0
            struct.pack_into(E + "IIIHH", pg, 8, next_pg, prev, nxt, 1, len(c))
            pg[25] = 7
            pg[hdr:hdr + len(c)] = c
            overflow.append(pg)
            next_pg += 1
        items.append((key, b"\x03\0\0\0" + struct.pack(E + "II", first, len(v))))
    hp = bytearray(ps)
    off, idx = ps, []
    for k, d in items:
        off -= len(k)
        hp[off:off + len(k)] = k
        idx.append(off)
        off -= len(d)
        hp[off:off + len(d)] = d
        idx.append(off)
    assert hdr + 2 * len(idx) <= off
    struct.pack_into(E + "IIIHH", hp, 8, 1, 0, 0, len(idx), off)
    hp[25] = 13
    for i, o in enumerate(idx):
        struct.pack_into(E + "H", hp, hdr + 2 * i, o)
    meta = bytearray(ps)
    struct.pack_into(E + "IIII", meta, 8, 0, 0x061561, 9, ps)
    meta[25] = 8
    meta[26] = 1 if checksum else 0
    struct.pack_into(E + "I", meta, 32, 1 + len(overflow))
    return bytes(meta + hp + b"".join(overflow))


def bdb_seeds():
    big, small = package("glibc"), header([(NAME, T_STRING, "tiny")])
    write("rpmbdb", "le-overflow", bdb([big, package("zlib", epoch=1)]))
    write("rpmbdb", "le-inline", bdb([small]))
    write("rpmbdb", "be-overflow", bdb([big], big_endian=True))
    write("rpmbdb", "checksum-pages", bdb([big, small], checksum=True))
    loop = bytearray(bdb([big]))
    last = len(loop) // 512 - 1  # the last overflow page: holds 1 byte, points back
    struct.pack_into("<IIH", loop, 512 * last + 16, 2, 0, 1)
    write("rpmbdb", "loop", bytes(loop))


def ndb(blobs, slot_pages=1, bad_checksum=()):
    out = bytearray(slot_pages * 4096)
    out[0:4] = b"RpmP"
    struct.pack_into("<IIII", out, 4, 0, 1, slot_pages, len(blobs) + 1)
    for s in range(2, slot_pages * 256):
        out[s * 16:s * 16 + 4] = b"Slot"
    blk = len(out) // 16
    for i, b in enumerate(blobs):
        nblk = (16 + len(b) + 12 + 15) // 16
        region = bytearray(nblk * 16)
        struct.pack_into("<4sIII", region, 0, b"BlbS", i + 1, 1, len(b))
        region[16:16 + len(b)] = b
        sum_ = zlib.adler32(bytes(region[:-12])) ^ (1 if i in bad_checksum else 0)
        struct.pack_into("<II4s", region, len(region) - 12, sum_, len(b), b"BlbE")
        struct.pack_into("<4sIII", out, (2 + i) * 16, b"Slot", i + 1, blk, nblk)
        out += region
        blk += nblk
    return bytes(out)


def ndb_seeds():
    write("rpmndb", "two", ndb([package("sles-release"), package("bash", epoch=0)]))
    write("rpmndb", "bad-checksum", ndb([package("a"), package("b")], bad_checksum=(1,)))
    over = bytearray(ndb([package("x"), package("y")]))
    over[3 * 16 + 8:3 * 16 + 12] = over[2 * 16 + 8:2 * 16 + 12]  # slot 3 on slot 2's blocks
    write("rpmndb", "overlap", bytes(over))


if __name__ == "__main__":
    header_seeds()
    bdb_seeds()
    ndb_seeds()
