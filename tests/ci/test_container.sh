#!/usr/bin/env bash
# Vigil as a container image (Dockerfile): the bases made from Debian packages
# (scripts/container/make-bases.sh), the multi-stage image built with buildah, run with
# podman as a non-root user on a fixture image with the database mounted, and the image
# itself scanned by Vigil (vulnerabilities, secrets, configuration) with no fixable HIGH or
# CRITICAL finding. Environment: VIGIL, VIGIL_SHARED, VIGIL_CACHE.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=${VIGIL_SHARED:-$top/../shared}
VIGIL=${VIGIL:-$top/build/vigil}
fail=0
pass() { echo "PASS: container: $1"; }
bad() { echo "FAIL: container: $1${2:+: $2}"; fail=1; }
for t in buildah podman mmdebstrap; do
    command -v $t >/dev/null || { echo "SKIP: container: $t not installed (scripts/deps.d/ci.txt)"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: container: needs root (buildah/podman storage)"; exit 0; }
tmp=$(mktemp -d)
tag=localhost/vigil-test-$$:latest
cleanup() { podman rmi -f "$tag" >/dev/null 2>&1; rm -rf "$tmp"; }
trap cleanup EXIT
PODMAN=(podman --cgroup-manager cgroupfs)
RUNOPTS=(--rm --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

# the bases (cached in containers-storage), one build at a time
if ! flock /tmp/vigil-container-bases.lock "$top/scripts/container/make-bases.sh" >"$tmp/bases.log" 2>&1; then
    bad "make-bases.sh" "$(tail -5 "$tmp/bases.log")"; exit 1
fi
pass "base images from Debian packages (mmdebstrap + podman import)"
if ! buildah bud --layers -f "$top/Dockerfile" -t "$tag" "$top" >"$tmp/bud.log" 2>&1; then
    bad "buildah bud" "$(tail -8 "$tmp/bud.log")"; exit 1
fi
user=$(podman image inspect "$tag" --format '{{.Config.User}}')
[ "$user" = 10001:10001 ] && pass "buildah built the multi-stage image; it runs as $user" || bad "image user" "'$user'"
stages=$(grep -c '^FROM ' "$top/Dockerfile")
[ "$stages" -ge 2 ] && pass "Dockerfile has $stages stages" || bad "multi-stage"

# run it on a fixture image, the database mounted read-only
mkdir -p "$tmp/db"
"$VIGIL" db update --from "$shared/vulndata" --db "$tmp/db/vigil.db" >"$tmp/db.log" 2>&1 || { bad "db update" "$(tail -3 "$tmp/db.log")"; exit 1; }
chmod -R a+rX "$tmp/db"
deb=$("$top/tests/fixtures/make-golden-debian.sh" 2>"$tmp/deb.log") || { bad "fixture" "$(tail -3 "$tmp/deb.log")"; exit 1; }
# a copy the container's user can read (the fixture cache is root's)
cp -a "$deb/oci" "$tmp/oci" && chmod -R a+rX "$tmp/oci"
"${PODMAN[@]}" run "${RUNOPTS[@]}" -v "$tmp/oci:/work/oci:ro" -v "$tmp/db:/db:ro" "$tag" \
    scan oci:/work/oci --format json >"$tmp/in.json" 2>"$tmp/in.err"; rc=$?
"$VIGIL" scan -q "oci:$deb/oci" --db "$tmp/db/vigil.db" --format json >"$tmp/host.json" 2>/dev/null
n_in=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["vulnerabilities"]))' "$tmp/in.json" 2>/dev/null)
n_host=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["vulnerabilities"]))' "$tmp/host.json" 2>/dev/null)
[ $rc = 0 ] && [ -n "$n_in" ] && [ "$n_in" = "$n_host" ] &&
    pass "podman run: the image scans a fixture with the mounted database ($n_in vulnerabilities, as on the host)" ||
    bad "podman run" "rc $rc, $n_in vs $n_host: $(tail -3 "$tmp/in.err")"
who=$("${PODMAN[@]}" run "${RUNOPTS[@]}" --entrypoint /usr/bin/id "$tag" -u)
[ "$who" = 10001 ] && pass "the container's process is uid 10001, not root" || bad "uid" "$who"

# the image scanned by Vigil itself
podman save --format oci-archive -o "$tmp/vigil.tar" "$tag" >/dev/null 2>&1 || { bad "podman save"; exit 1; }
"$VIGIL" scan -q "oci-archive:$tmp/vigil.tar" --db "$tmp/db/vigil.db" --scanners vuln,secret,config \
    --policy "$top/scripts/container/image-policy.yaml" \
    --format json -o "$tmp/self.json" --severity HIGH,CRITICAL --ignore-unfixed --exit-code 1 >/dev/null 2>"$tmp/self.err"; rc=$?
counts=$(/usr/bin/python3 - "$tmp/self.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join("%s=%d" % (k, len(d[k] or [])) for k in ("vulnerabilities", "secrets", "misconfigurations")),
      "|", "; ".join("%s %s %s -> %s" % (v["id"], v["package"]["name"], v["package"]["version"], v["fixed_version"])
                     for v in (d["vulnerabilities"] or [])[:5]),
      "|", "; ".join("%s %s" % (c.get("rule_id") or c.get("id"), c.get("path") or c.get("message"))
                     for c in (d["secrets"] or []) + (d["misconfigurations"] or [])))
PY
)
if [ $rc = 0 ]; then
    sup=$(/usr/bin/python3 -c 'import json,sys; print(", ".join(x["id"] for x in json.load(open(sys.argv[1]))["suppressed"]) or "none")' "$tmp/self.json")
    pass "Vigil scans its own image: no fixable HIGH or CRITICAL finding ($counts; accepted by scripts/container/image-policy.yaml: $sup)"
else
    bad "self scan" "exit $rc ($counts): $(head -c 400 "$tmp/self.err")"
fi
"$VIGIL" scan -q "oci-archive:$tmp/vigil.tar" --db "$tmp/db/vigil.db" --severity HIGH,CRITICAL --format json -o "$tmp/self-all.json" 2>/dev/null
echo "PASS: container: (report) HIGH/CRITICAL without the policy, including unfixed: $(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["vulnerabilities"]))' "$tmp/self-all.json")"
exit $fail
