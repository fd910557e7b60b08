#!/usr/bin/env bash
# RHEL module streams: AlmaLinux errata that update one module stream ("Moderate:
# nodejs:14 security update") key their packages by stream ("nodejs:14::nodejs"), so a
# package of one stream is never compared with another stream's fix. The expected
# statements are counted by python3 from the raw ALSA records (the summary names the
# stream; a fixed release with ".module_" marks a module package).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=${VIGIL_SHARED:-$top/../shared}
VIGIL=${VIGIL:-$top/build/vigil}
arch=$shared/vulndata/almalinux-osv.tar.gz
if [ ! -f "$arch" ]; then echo "SKIP: scan/modules: $arch not found"; exit 0; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/m" && ln -s "$arch" "$tmp/m/almalinux-osv.tar.gz"
if ! "$VIGIL" db update --from "$tmp/m" --only almalinux-osv --db "$tmp/v.db" > "$tmp/out" 2>&1; then
  echo "FAIL: scan/modules: db update: $(tail -2 "$tmp/out")"; exit 1
fi
python3 - "$arch" > "$tmp/want" <<'EOF'
import json, re, sys, tarfile
want = {}
with tarfile.open(sys.argv[1]) as t:
    for m in t:
        if not re.search(r"/advisories/almalinux8/ALSA-[^/]*\.json$", m.name):
            continue
        d = json.load(t.extractfile(m))
        s = d.get("summary", "")
        mo = re.match(r"^[^:]*: (\S+) security", s)
        module = mo.group(1) if mo and ":" in mo.group(1) else ""
        for a in d["affected"]:
            name = a["package"]["name"]
            fixed = [e["fixed"] for r in a.get("ranges", []) for e in r["events"] if "fixed" in e]
            key = name
            if module and fixed and (".module_" in fixed[-1] or ".module+" in fixed[-1]):
                key = module + "::" + name
            if key in ("nodejs", "nodejs:14::nodejs", "nodejs:18::nodejs", "postgresql:13::postgresql"):
                want[key] = want.get(key, 0) + 1
for k in sorted(want):
    print(k, want[k])
EOF
: > "$tmp/got"
for k in nodejs nodejs:14::nodejs nodejs:18::nodejs postgresql:13::postgresql; do
  n=$("$VIGIL" db lookup --db "$tmp/v.db" almalinux:8 "$k" 2>/dev/null | wc -l)
  [ "$n" -gt 0 ] && echo "$k $n" >> "$tmp/got"
done
sort -o "$tmp/got" "$tmp/got"
if diff "$tmp/want" "$tmp/got" > "$tmp/d" && [ -s "$tmp/want" ] && grep -q "^nodejs:14::nodejs " "$tmp/got"; then
  echo "PASS: scan/modules: statements keyed by module stream, counts equal the raw ALSA records ($(tr '\n' ' ' < "$tmp/got"))"
else
  echo "FAIL: scan/modules: $(tr '\n' ' ' < "$tmp/d")"; exit 1
fi
