#!/usr/bin/python3
"""Writes tests/fuzz/corpus/rpmsqlite/: small rpm sqlite databases made here with python's
sqlite3 (a Packages table with one well-formed rpm header blob, one garbage blob, none)."""
import os
import sqlite3
import struct
import tempfile

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "rpmsqlite")


def header(entries):
    """An rpm header blob from (tag, type, value bytes, count) entries."""
    idx, data = b"", b""
    for tag, typ, val, cnt in entries:
        if typ == 4:
            data += b"\0" * ((4 - len(data) % 4) % 4)
        idx += struct.pack(">iiii", tag, typ, len(data), cnt)
        data += val
    return struct.pack(">ii", len(entries), len(data)) + idx + data


def main():
    os.makedirs(OUT, exist_ok=True)
    blob = header([(1000, 6, b"vigil-seed\0", 1), (1001, 6, b"1.0\0", 1), (1002, 6, b"1\0", 1),
                   (1022, 6, b"x86_64\0", 1), (1044, 6, b"vigil-seed-1.0-1.src.rpm\0", 1)])
    for name, rows in (("one-package", [blob]), ("garbage-blob", [b"\x00\x01junk"]), ("empty", [])):
        fd, path = tempfile.mkstemp()
        os.close(fd)
        os.unlink(path)
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)")
        for r in rows:
            db.execute("INSERT INTO Packages (blob) VALUES (?)", (r,))
        db.commit()
        db.close()
        with open(path, "rb") as f, open(os.path.join(OUT, name), "wb") as o:
            o.write(f.read())
        os.unlink(path)


if __name__ == "__main__":
    main()
