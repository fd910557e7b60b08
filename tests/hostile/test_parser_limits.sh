#!/usr/bin/env bash
# Parser limits and memory bounds (issue 22). Each input is generated at run time:
#   - 100,000 nested sequences and 50,000 nested mappings in --policy, --secret-rules,
#     vigil config --policy, and an OpenVEX document nested 100,000 deep: refused at
#     once (libyaml's whole-document load was quadratic: 30 s at 100,000 levels)
#   - 100,000 YAML documents (Pods) in vigil config: refused past 10,000 documents
#   - an image config with 1,000,000 Env entries: refused (more than 200,000 JSON values)
#   - a 14 MB docker inspect file (41,000 containers): read one container at a time
#   - a Dockerfile with a 1 MiB word in several instructions: checked, or one error line
#     naming the file and line, never "out of memory"
#   - package databases (streamed): a dpkg status with 1,000,000 packages (in a root
#     filesystem and in an image layer) stops past 200,000 packages with an error naming
#     the file and line; one 100 MB dpkg field and one 50 MB apk line keep their packages
# Every run: exit 0 or 2 (as stated), one clear error line, no sanitizer report, and peak
# RSS under VIGIL_LIMITS_RSS_MB (default 120; not checked for ASan builds). The timeout
# is a hang guard only (VIGIL_HOSTILE_TIMEOUT, default 600 s), never a time threshold.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VIGIL=${VIGIL:-$ROOT/build/vigil}
case $VIGIL in /*) ;; *) VIGIL=$ROOT/$VIGIL ;; esac
HANG=${VIGIL_HOSTILE_TIMEOUT:-600}
RSS_MB=${VIGIL_LIMITS_RSS_MB:-120}
VARIANT=$(basename "$(dirname "$VIGIL")")
check_rss=1
case $VIGIL in *asan*) check_rss=0 ;; esac
failed=0
pass() { echo "PASS: limits: $1 ($VARIANT)"; }
fail() { echo "FAIL: limits: $1 ($VARIANT): $2"; failed=1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-limits.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
mkdir -p root host
python3 - <<'PY'
import gzip, hashlib, io, json, os, tarfile
open("seq.yaml", "w").write("ignore:\n  - " + "[" * 100000 + "]" * 100000 + "\n")
open("map.yaml", "w").write("ignore: " + "{a: " * 50000 + "1" + "}" * 50000 + "\n")
open("rules.yaml", "w").write("rules:\n  - " + "[" * 100000 + "]" * 100000 + "\n")
open("vex.json", "w").write('{"statements": ' + "[" * 100000 + "]" * 100000 + "}\n")
with open("pods.yaml", "w") as f:
    for i in range(100000):
        f.write("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p%d\nspec:\n"
                "  containers:\n  - name: c\n    image: x\n" % i)
ctr = {"Id": "0" * 64, "Config": {"Image": "x", "Env": ["A=%d" % i for i in range(20)]},
       "HostConfig": {"Privileged": False, "Binds": []}, "Mounts": []}
with open("inspect.json", "w") as f:
    f.write("[")
    size, i = 0, 0
    while size < 14 << 20:
        c = dict(ctr, Name="/c%d" % i)
        s = (", " if i else "") + json.dumps(c)
        f.write(s)
        size += len(s)
        i += 1
    f.write("]\n")
W = "A" * (1 << 20)
open("Dockerfile", "w").write(
    "FROM alpine\nRUN echo " + W + "\nENV X=" + W + "\nLABEL a=\"" + W + "\"\nUSER " + W +
    "\nARG Y=" + W + "\nENV Z=${Y}${Y}${Y}${Y}\nRUN [\"" + W + "\"]\nCOPY " + W + " /x\n")
# an OCI layout whose config has 1,000,000 Env entries
root = "envimg"
os.makedirs(root + "/blobs/sha256")
def blob(b):
    d = hashlib.sha256(b).hexdigest()
    open(root + "/blobs/sha256/" + d, "wb").write(b)
    return d
bio = io.BytesIO()
with tarfile.open(fileobj=bio, mode="w") as t:
    ti = tarfile.TarInfo("etc/hostname"); ti.size = 2; t.addfile(ti, io.BytesIO(b"x\n"))
lt = bio.getvalue(); lg = gzip.compress(lt, mtime=0); ld = blob(lg)
cfg = {"architecture": "amd64", "os": "linux",
       "config": {"Env": ["E%d=v" % i for i in range(1000000)]},
       "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(lt).hexdigest()]}}
cb = json.dumps(cfg).encode(); cd = blob(cb)
m = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
     "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": "sha256:" + cd, "size": len(cb)},
     "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                 "digest": "sha256:" + ld, "size": len(lg)}]}
mb = json.dumps(m).encode(); md = blob(mb)
json.dump({"schemaVersion": 2, "manifests": [
    {"mediaType": "application/vnd.oci.image.manifest.v1+json",
     "digest": "sha256:" + md, "size": len(mb)}]}, open(root + "/index.json", "w"))
open(root + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
# package databases
def status_1m():
    for i in range(1000000):
        yield b"Package: p%d\nStatus: install ok installed\nVersion: 1.%d\n\n" % (i, i)
os.makedirs("dpkg1m/var/lib/dpkg")
with open("dpkg1m/var/lib/dpkg/status", "wb") as f:
    f.writelines(status_1m())
os.makedirs("lnk/var/lib"); os.makedirs("lnk/opt/db") # the same behind /var/lib/dpkg -> /opt/db
os.symlink("/opt/db", "lnk/var/lib/dpkg")
os.link("dpkg1m/var/lib/dpkg/status", "lnk/opt/db/status")
os.makedirs("field/var/lib/dpkg")
with open("field/var/lib/dpkg/status", "wb") as f:
    f.write(b"Package: a\nStatus: install ok installed\nVersion: 1.0\nDescription: x\n ")
    for _ in range(100):
        f.write(b"A" * (1 << 20))
    f.write(b"\n\nPackage: b\nStatus: install ok installed\nVersion: 2.0\n\n")
os.makedirs("apkline/lib/apk/db")
with open("apkline/lib/apk/db/installed", "wb") as f:
    f.write(b"P:musl\nV:1.2.3-r0\nA:x86_64\nT:")
    for _ in range(50):
        f.write(b"B" * (1 << 20))
    f.write(b"\n\nP:busybox\nV:1.36.1-r0\nA:x86_64\n\n")
# the same 1,000,000 packages in an image layer (OCI layout)
root = "dpkgimg"
os.makedirs(root + "/blobs/sha256")
st = open("dpkg1m/var/lib/dpkg/status", "rb").read()
bio = io.BytesIO()
with tarfile.open(fileobj=bio, mode="w") as t:
    for d in ("var", "var/lib", "var/lib/dpkg"):
        ti = tarfile.TarInfo(d); ti.type = tarfile.DIRTYPE; ti.mode = 0o755; t.addfile(ti)
    ti = tarfile.TarInfo("var/lib/dpkg/status"); ti.size = len(st)
    t.addfile(ti, io.BytesIO(st))
lt = bio.getvalue(); lg = gzip.compress(lt, compresslevel=1, mtime=0); ld = blob(lg)
cfg = {"architecture": "amd64", "os": "linux", "config": {},
       "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(lt).hexdigest()]}}
cb = json.dumps(cfg).encode(); cd = blob(cb)
m = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
     "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": "sha256:" + cd, "size": len(cb)},
     "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                 "digest": "sha256:" + ld, "size": len(lg)}]}
mb = json.dumps(m).encode(); md = blob(mb)
json.dump({"schemaVersion": 2, "manifests": [
    {"mediaType": "application/vnd.oci.image.manifest.v1+json",
     "digest": "sha256:" + md, "size": len(mb)}]}, open(root + "/index.json", "w"))
open(root + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
PY

# expect NAME RC SUBSTRING ARGS...: exit RC; with RC 2 one "vigil: error:" line holding
# SUBSTRING; bounded RSS; no sanitizer report
expect() {
    local name=$1 want=$2 sub=$3 rc rss why=""
    shift 3
    /usr/bin/time -f '%M' -o "$TMP/time" timeout -k 5 "$HANG" "$VIGIL" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    rss=$(tail -n 1 "$TMP/time"); case $rss in ''|*[!0-9]*) rss=0 ;; esac
    [ $rc -eq 124 ] && why="no exit within ${HANG}s (hang guard)"
    [ $rc -ne "$want" ] && why="$why exit $rc, expected $want"
    if [ "$want" = 2 ]; then
        [ "$(awk 'END { print NR }' "$TMP/err")" = 1 ] || why="$why stderr is not one line"
        grep -q "^vigil: error: .*$sub" "$TMP/err" || why="$why stderr lacks '$sub'"
    fi
    grep -qi "out of memory" "$TMP/err" && why="$why 'out of memory'"
    grep -qaE 'Sanitizer|runtime error:' "$TMP/err" && why="$why sanitizer report"
    if [ $check_rss = 1 ] && [ "$rss" -gt $((RSS_MB * 1024)) ]; then
        why="$why peak RSS $((rss / 1024)) MB > $RSS_MB MB"
    fi
    if [ -n "$why" ]; then
        fail "$name" "$why [stderr: $(head -c 300 "$TMP/err" | tr '\n' '|')]"
    else
        pass "$name (peak RSS $((rss / 1024)) MB)"
    fi
}

D="nested deeper than 64 levels"
expect "--policy with 100,000 nested sequences" 2 "seq.yaml:2: $D" scan -q --scanners secret --policy seq.yaml rootfs:root
expect "--policy with 50,000 nested mappings" 2 "map.yaml:1: $D" scan -q --scanners secret --policy map.yaml rootfs:root
expect "--secret-rules with 100,000 nested sequences" 2 "rules.yaml:2: $D" scan -q --scanners secret --secret-rules rules.yaml rootfs:root
expect "config --policy with 100,000 nested sequences" 2 "seq.yaml line 2: nesting deeper than the limit" config --policy seq.yaml Dockerfile
expect "audit --policy with 100,000 nested sequences" 2 "seq.yaml:2: $D" audit host --root host --policy seq.yaml
expect "--vex nested 100,000 deep" 2 "vex.json" scan -q --scanners secret --vex vex.json rootfs:root
expect "100,000 YAML documents" 2 "pods.yaml line [0-9]*: more than 10000 YAML documents" config pods.yaml
expect "config with 1,000,000 Env entries" 2 "more than 200000 JSON values" inspect -q envimg
expect "14 MB docker inspect file" 0 "" audit host --root host --docker-inspect inspect.json
if [ "$(grep -c 'container c[0-9]*:' "$TMP/out")" -gt 40000 ]; then
    pass "every container of the 14 MB docker inspect file checked"
else
    fail "every container of the 14 MB docker inspect file checked" "$(tail -1 "$TMP/out")"
fi
expect "Dockerfile with 1 MiB words" 0 "" config Dockerfile
P="'/var/lib/dpkg/status' (layer 0) line 800001: more than 200000 packages"
expect "dpkg status with 1,000,000 packages (root filesystem)" 2 "$P" sbom --format json rootfs:dpkg1m
expect "dpkg status with 1,000,000 packages (image layer)" 2 "$P" sbom --format json dpkgimg
expect "dpkg status with 1,000,000 packages (behind a symlinked directory)" 2 \
    "'/var/lib/dpkg/status' (behind a symbolic link): '/opt/db/status' (layer 0) line 800001: more than 200000" \
    sbom --format json rootfs:lnk
# pkgs NAME WANT: the packages of the last run's JSON ("name=version", sorted) are WANT
pkgs() {
    local got
    got=$(python3 -c 'import json,sys
print(" ".join(sorted(p["name"] + "=" + p["version"] for p in json.load(open(sys.argv[1]))["packages"])))' "$TMP/out" 2>&1)
    if [ "$got" = "$2" ]; then pass "$1: packages $got"; else fail "$1" "packages: $got, want $2"; fi
}
expect "dpkg status with one 100 MB field" 0 "" sbom --format json rootfs:field
pkgs "dpkg status with one 100 MB field" "a=1.0 b=2.0"
expect "apk installed with one 50 MB line" 0 "" sbom --format json rootfs:apkline
pkgs "apk installed with one 50 MB line" "busybox=1.36.1-r0 musl=1.2.3-r0"
exit $failed
