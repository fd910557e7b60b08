#!/usr/bin/python3
"""Helpers for the catalog tests (Debian's python3 with python3-jsonschema).

  sbom_check.py pkgs JSON TYPE              "name<TAB>version" of vigil's inventory JSON, sorted
  sbom_check.py layers JSON TYPE            "name<TAB>layer", sorted
  sbom_check.py validate cyclonedx|spdx FILE SCHEMAS_DIR
                                            validates against the official schema (exit 1 if not)
  sbom_check.py apk-records FILE            "name<TAB>version" of an apk installed file's own records
  sbom_check.py stanzas FILE...             "name<TAB>version" of installed dpkg stanzas (distroless)
"""
import json
import os
import sys


def pkgs(path, typ, field="version"):
    with open(path) as f:
        doc = json.load(f)
    rows = sorted("%s\t%s" % (p["name"], p[field]) for p in doc["packages"] if p["type"] == typ)
    print("\n".join(rows))


def validate(fmt, path, schemas):
    import jsonschema
    with open(path) as f:
        doc = json.load(f)
    if fmt == "cyclonedx":
        base = os.path.join(schemas, "cyclonedx-1.6")
        with open(os.path.join(base, "bom-1.6.schema.json")) as f:
            schema = json.load(f)
        store = {}
        for name in ("spdx.schema.json", "jsf-0.82.schema.json"):
            with open(os.path.join(base, name)) as f:
                sub = json.load(f)
            store[sub["$id"]] = sub
        resolver = jsonschema.RefResolver(schema["$id"], schema, store=store)
    else:
        with open(os.path.join(schemas, "spdx-2.3", "spdx-schema.json")) as f:
            schema = json.load(f)
        resolver = None
    cls = jsonschema.validators.validator_for(schema)
    v = cls(schema, resolver=resolver, format_checker=jsonschema.FormatChecker())
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    for e in errors[:10]:
        print("%s: %s" % ("/".join(str(p) for p in e.path), e.message[:300]))
    if errors:
        sys.exit(1)
    n = len(doc.get("components", doc.get("packages", [])))
    print("valid (%d entries)" % n)


def apk_records(path):
    rows, name, ver = [], None, None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in list(f) + [""]:
            line = line.rstrip("\r\n")
            if not line:
                if name and ver:
                    rows.append("%s\t%s" % (name, ver))
                name = ver = None
            elif line.startswith("P:"):
                name = line[2:]
            elif line.startswith("V:"):
                ver = line[2:]
    print("\n".join(sorted(rows)))


def stanzas(paths):
    rows = []
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for st in text.split("\n\n"):
            fields = {}
            for line in st.splitlines():
                if line and not line[0].isspace() and ":" in line:
                    k, v = line.split(":", 1)
                    fields[k.strip().lower()] = v.strip()
            if "package" in fields and "version" in fields and \
                    fields.get("status", "installed").split()[-1] == "installed":
                rows.append("%s\t%s" % (fields["package"], fields["version"]))
    print("\n".join(sorted(rows)))


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "pkgs":
        pkgs(sys.argv[2], sys.argv[3])
    elif cmd == "layers":
        pkgs(sys.argv[2], sys.argv[3], "layer")
    elif cmd == "validate":
        validate(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "apk-records":
        apk_records(sys.argv[2])
    elif cmd == "stanzas":
        stanzas(sys.argv[2:])
    else:
        sys.exit(__doc__)
