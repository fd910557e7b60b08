#!/usr/bin/env bash
# Windows base images (issue 19): a stage's operating system comes from FROM
# --platform=OS/..., else from the base image's config ("os", or "os.version", which only
# Windows images set) when --base-image REF=IMAGE names it, and only then from the
# image's name (servercore, nanoserver). On Windows, RUN's default shell is cmd (no
# VGL-DF-021 for its pipes) and accounts have no UID (no VGL-DF-055). The images are
# OCI layouts written here, one layer each, configs with and without os / os.version.
set -uo pipefail
cd "$(dirname "$0")"
VIGIL=${VIGIL:-../../build/vigil}
fails=0
pass() { echo "PASS: config/windows/$1"; }
fail() { echo "FAIL: config/windows/$1: $2"; fails=$((fails + 1)); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$tmp" <<'PYEOF' || { echo "FAIL: config/windows/fixtures: cannot write the OCI layouts"; exit 1; }
import hashlib, io, json, os, sys, tarfile
def blob(d, data):
    h = hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(d, "blobs", "sha256"), exist_ok=True)
    open(os.path.join(d, "blobs", "sha256", h), "wb").write(data)
    return "sha256:" + h, len(data)
def oci(d, cfg_extra):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        ti = tarfile.TarInfo("Files/hello.txt"); data = b"hi\r\n"; ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
    ld, ln = blob(d, buf.getvalue())
    cfg = {"architecture": "amd64", "rootfs": {"type": "layers", "diff_ids": [ld]}, "config": {}}
    cfg.update(cfg_extra)
    cd, cn = blob(d, json.dumps(cfg).encode())
    man = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cn},
           "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": ld, "size": ln}]}
    md, mn = blob(d, json.dumps(man).encode())
    json.dump({"schemaVersion": 2, "manifests": [{"mediaType": man["mediaType"], "digest": md, "size": mn}]},
              open(os.path.join(d, "index.json"), "w"))
    json.dump({"imageLayoutVersion": "1.0.0"}, open(os.path.join(d, "oci-layout"), "w"))
t = sys.argv[1]
oci(t + "/win", {"os": "windows", "os.version": "10.0.20348.2340"})   # servercore ltsc2022
oci(t + "/winver", {"os.version": "10.0.17763.5458"})                 # os missing, os.version set
oci(t + "/lin", {"os": "linux"})
oci(t + "/noos", {})                                                  # neither: the name decides
PYEOF

# probe NAME WANT [ARGS...] <<Dockerfile: WANT is the sorted ids among VGL-DF-021 / 055
probe() {
  local name=$1 want=$2; shift 2
  mkdir -p "$tmp/d"; cat >"$tmp/d/Dockerfile"
  local got
  got=$("$VIGIL" config --format json "$@" "$tmp/d/Dockerfile" 2>"$tmp/err" |
    jq -r '[.misconfigurations[].id | select(. == "VGL-DF-021" or . == "VGL-DF-055")] | unique | join(",")')
  [ -z "$got" ] && got=none
  [ "$got" = "$want" ] && [ ! -s "$tmp/err" ] && pass "$name" ||
    fail "$name" "want $want, got $got $(head -c 200 "$tmp/err")"
}
B=registry.example.com/base:1
DF="FROM $B
USER appuser
RUN type C:\\app\\list.txt | findstr /i foo"

probe "a name that says nothing: POSIX rules" "VGL-DF-021,VGL-DF-055" <<<"$DF"
probe "config os windows: cmd pipes and account names not judged" none --base-image "$B=oci:$tmp/win" <<<"$DF"
probe "config os.version only (no os): Windows" none --base-image "$B=oci:$tmp/winver" <<<"$DF"
probe "config os linux: POSIX rules" "VGL-DF-021,VGL-DF-055" --base-image "$B=oci:$tmp/lin" <<<"$DF"
probe "config without os or os.version: the name decides (POSIX)" "VGL-DF-021,VGL-DF-055" --base-image "$B=oci:$tmp/noos" <<<"$DF"
probe "config without os or os.version: the name decides (nanoserver)" none \
  --base-image "mcr.microsoft.com/windows/nanoserver:ltsc2022=oci:$tmp/noos" <<'EOF'
FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
USER appuser
RUN type a.txt | findstr b
EOF
probe "--base-image of another reference does not apply" "VGL-DF-021,VGL-DF-055" --base-image "other/base:1=oci:$tmp/win" <<<"$DF"
probe "config linux beats a Windows-looking name" "VGL-DF-021,VGL-DF-055" \
  --base-image "corp/nanoserver-tools:2=oci:$tmp/lin" <<'EOF'
FROM corp/nanoserver-tools:2
USER appuser
RUN cat /etc/os-release | grep ID
EOF
probe "the name alone still works (servercore, no config given)" none <<'EOF'
FROM mcr.microsoft.com/windows/servercore:ltsc2022
USER appuser
RUN type C:\app\list.txt | findstr /i foo
EOF
probe "a later stage inherits its root stage's os" none --base-image "$B=oci:$tmp/win" <<EOF
FROM $B AS build
RUN echo build
FROM build
USER appuser
RUN dir C:\\ | findstr Windows
EOF
probe "FROM --platform=windows/amd64 is Windows" none <<'EOF'
FROM --platform=windows/amd64 corp/base:1
USER appuser
RUN type a.txt | findstr b
EOF
probe "FROM --platform=linux/amd64 beats config and name" "VGL-DF-021,VGL-DF-055" \
  --base-image "mcr.microsoft.com/windows/servercore:ltsc2022=oci:$tmp/win" <<'EOF'
FROM --platform=linux/amd64 mcr.microsoft.com/windows/servercore:ltsc2022
USER appuser
RUN cat a | grep b
EOF
probe "FROM --platform=\$BUILDPLATFORM leaves it to the config" none \
  --base-image "$B=oci:$tmp/win" <<EOF
FROM --platform=\$BUILDPLATFORM $B
USER appuser
RUN type a.txt | findstr b
EOF

# errors are clear and stop the run
echo 'FROM x' >"$tmp/d/Dockerfile"
"$VIGIL" config --base-image "$B=oci:$tmp/missing" "$tmp/d/Dockerfile" >/dev/null 2>"$tmp/err"; rc=$?
"$VIGIL" config --base-image "no-equals-sign" "$tmp/d/Dockerfile" >/dev/null 2>"$tmp/err2"; rc2=$?
[ $rc = 2 ] && grep -q "^vigil: error: --base-image $B: " "$tmp/err" && [ $rc2 = 2 ] &&
  grep -q "takes REF=IMAGE" "$tmp/err2" && pass "unreadable image or bad argument: one-line error, exit 2" ||
  fail "errors" "rc $rc/$rc2: $(cat "$tmp/err" "$tmp/err2")"

[ $fails -eq 0 ]
