#!/usr/bin/env bash
# Host audit end to end: `vigil audit host --root DIR --docker-inspect FILE` on a root
# directory written here (daemon.json, systemd units, a real unix socket chmod'ed, audit
# rules) and a `docker inspect` document of a privileged container (the fields of
# Docker's documented inspect output). Each violation is planted on purpose next to the
# CIS id it breaks; everything else is compliant, so the report must name exactly those.
set -uo pipefail
cd "$(dirname "$0")/../.."
VIGIL=${VIGIL:-build/vigil}
fail=0
pass() { echo "PASS: config/host: $1"; }
bad() { echo "FAIL: config/host: $1: $2"; fail=1; }
if [ "$(id -u)" != 0 ]; then
  echo "SKIP: config/host: needs root to give the fixture files root ownership"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root

python3 - "$root" "$tmp" <<'EOF'
import json, os, socket, sys
root, tmp = sys.argv[1], sys.argv[2]
expected = []          # CIS ids planted below

def put(rel, text, mode=0o644, uid=0, gid=0):
    p = os.path.join(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(text)
    os.chmod(p, mode)
    os.chown(p, uid, gid)

put("etc/group", "root:x:0:\ndocker:x:998:\n")
daemon = ('{\n'
          '  "icc": true,\n'                                   # 2.2
          '  "insecure-registries": ["10.0.0.1:5000"],\n'      # 2.5
          '  "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"],\n'  # 2.7
          '  "userns-remap": "default",\n'
          '  "live-restore": true,\n'
          '  "userland-proxy": false,\n'
          '  "no-new-privileges": true,\n'
          '  "log-driver": "syslog",\n'
          '  "authorization-plugins": ["authz-broker"]\n'
          '}\n')
expected += ["2.2", "2.5", "2.7"]
put("etc/docker/daemon.json", daemon)
os.chmod(os.path.join(root, "etc/docker"), 0o755)
put("etc/default/docker", "DOCKER_OPTS=\n")
put("lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd\n", 0o664)  # 3.2
expected.append("3.2")
put("etc/systemd/system/docker.socket", "[Socket]\nListenStream=/var/run/docker.sock\n")
put("usr/bin/dockerd", "#!/bin/sh\n", 0o755)
put("var/lib/docker/engine-id", "x\n", 0o600)
os.makedirs(os.path.join(root, "var/run"))
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(os.path.join(root, "var/run/docker.sock"))
s.close()
os.chown(os.path.join(root, "var/run/docker.sock"), 0, 998)
os.chmod(os.path.join(root, "var/run/docker.sock"), 0o666)                      # 3.16
expected.append("3.16")
rules = ["/usr/bin/dockerd", "/etc/docker", "/lib/systemd/system/docker.service",
         "/etc/systemd/system/docker.socket", "/etc/default/docker", "/etc/docker/daemon.json"]
put("etc/audit/rules.d/docker.rules", "".join("-w %s -p rwxa -k docker\n" % r for r in rules))
expected.append("1.1.5")   # /var/lib/docker exists and no rule watches it

def container(name, **over):
    c = {
        "Id": name * 8, "Created": "2026-11-20T10:00:00Z", "Path": "/app/run",
        "Args": [], "State": {"Status": "running", "Running": True, "Pid": 100},
        "Image": "sha256:" + "0" * 64, "Name": "/" + name, "Driver": "overlay2",
        "AppArmorProfile": "docker-default",
        "HostConfig": {"Binds": None, "NetworkMode": "bridge", "PortBindings": {},
                       "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 3},
                       "CapAdd": None, "CapDrop": ["ALL"], "IpcMode": "private",
                       "PidMode": "", "UTSMode": "", "UsernsMode": "", "Privileged": False,
                       "ReadonlyRootfs": True, "SecurityOpt": ["no-new-privileges:true"],
                       "CpuShares": 512, "Memory": 268435456, "PidsLimit": 200,
                       "Devices": []},
        "Mounts": [],
        "Config": {"Hostname": name, "User": "10001", "Image": "app:1.0",
                   "Healthcheck": {"Test": ["CMD", "/app/health"]}},
        "NetworkSettings": {"Ports": {}},
    }
    for k, v in over.items():
        (c["HostConfig"] if k in c["HostConfig"] else c)[k] = v
    return c

priv = container("web", Privileged=True,                                        # 5.4
                 NetworkMode="host", PidMode="host",                            # 5.9, 5.15
                 SecurityOpt=["no-new-privileges:true", "seccomp=unconfined"],  # 5.21
                 Mounts=[{"Type": "bind", "Source": "/var/run/docker.sock",     # 5.31
                          "Destination": "/var/run/docker.sock", "Mode": "", "RW": True,
                          "Propagation": "rprivate"}])
expected += ["5.4", "5.9", "5.15", "5.21", "5.31"]
with open(os.path.join(tmp, "inspect.json"), "w") as f:
    json.dump([priv, container("quiet")], f, indent=2)
with open(os.path.join(tmp, "expected"), "w") as f:
    f.write("\n".join(sorted(expected)) + "\n")
# the line of "icc" in daemon.json, for the SARIF location
with open(os.path.join(tmp, "icc_line"), "w") as f:
    f.write(str(daemon.split("\n").index('  "icc": true,') + 1))
EOF

run() { "$VIGIL" audit host --root "$root" --docker-inspect "$tmp/inspect.json" "$@"; }

if run --format json >"$tmp/a.json" 2>"$tmp/err"; then
  got=$(python3 -c '
import json, sys
print("\n".join(sorted({m["cis"] for m in json.load(open(sys.argv[1]))["misconfigurations"]})))' "$tmp/a.json")
  if [ "$got" = "$(cat "$tmp/expected")" ]; then pass "reports exactly the planted CIS ids"
  else bad "CIS ids" "got $(echo $got) want $(echo $(cat "$tmp/expected"))"; fi
else
  bad "audit" "$(cat "$tmp/err")"
fi

python3 - "$tmp/a.json" "$(cat "$tmp/icc_line")" <<'EOF' && pass "findings name file, line and container" || bad "evidence" "see above"
import json, sys
d = json.load(open(sys.argv[1])); line = int(sys.argv[2])
by = {}
for m in d["misconfigurations"]:
    by.setdefault(m["cis"], []).append(m)
ok = True
icc = by["2.2"][0]
if icc["file"] != "/etc/docker/daemon.json" or icc["line"] != line or icc["kind"] != "host":
    print("icc", icc); ok = False
if by["3.16"][0]["file"] != "/var/run/docker.sock":
    print("socket", by["3.16"][0]); ok = False
for cis in ("5.4", "5.9", "5.15", "5.21", "5.31"):
    if [m["object"] for m in by[cis]] != ["container web"] or by[cis][0]["kind"] != "container":
        print("container", cis, by[cis]); ok = False
if not all(m["remediation"] and m["title"] for m in d["misconfigurations"]):
    print("missing remediation"); ok = False
sys.exit(0 if ok else 1)
EOF

if run >"$tmp/t.txt" 2>&1 && grep -q 'VGL-CTR-001' "$tmp/t.txt" && grep -q '/etc/docker/daemon.json:' "$tmp/t.txt"; then
  pass "table output"
else bad "table output" "$(tail -3 "$tmp/t.txt")"; fi

if run --format sarif >"$tmp/a.sarif" 2>"$tmp/err" && python3 - "$tmp/a.sarif" "$(cat "$tmp/icc_line")" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1])); line = int(sys.argv[2])
res = d["runs"][0]["results"]
icc = [r for r in res if r["ruleId"] == "VGL-HOST-001"][0]
loc = icc["locations"][0]["physicalLocation"]
ok = loc["artifactLocation"]["uri"].endswith("etc/docker/daemon.json") and loc["region"]["startLine"] == line
sys.exit(0 if ok and len(res) >= 11 else 1)
EOF
then pass "SARIF with file and line"; else bad "SARIF" "$(head -c 300 "$tmp/err") $(head -c 300 "$tmp/a.sarif")"; fi

if run --format junit >"$tmp/a.xml" 2>"$tmp/err" &&
   python3 -c 'import sys, xml.etree.ElementTree as E; t = E.parse(sys.argv[1]); sys.exit(0 if "VGL-CTR-001" in open(sys.argv[1]).read() else 1)' "$tmp/a.xml"
then pass "JUnit output"; else bad "JUnit" "$(head -c 300 "$tmp/err")"; fi

run --format json --skip VGL-HOST-001,VGL-CTR-001 --severity-of VGL-HOST-004=LOW >"$tmp/s.json" 2>&1
if python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))["misconfigurations"]
ids = {x["id"]: x for x in m}
sys.exit(0 if "VGL-HOST-001" not in ids and "VGL-CTR-001" not in ids and ids["VGL-HOST-004"]["severity"] == "LOW" else 1)' "$tmp/s.json"
then pass "--skip and --severity-of"; else bad "--skip" "$(head -c 300 "$tmp/s.json")"; fi

printf 'checks:\n  skip: [VGL-HOST-006]\n' >"$tmp/policy.yaml"
if run --format json --policy "$tmp/policy.yaml" >"$tmp/p.json" 2>"$tmp/err" && ! grep -q VGL-HOST-006 "$tmp/p.json" && grep -q VGL-HOST-004 "$tmp/p.json"
then pass "--policy checks section"; else bad "--policy" "$(cat "$tmp/err")"; fi

run --exit-code 4 >/dev/null 2>&1; rc=$?
"$VIGIL" audit host --root "$root" --skip "$(python3 -c '
import json, sys
print(",".join(sorted({m["id"] for m in json.load(open(sys.argv[1]))["misconfigurations"]})))' "$tmp/a.json")" --docker-inspect "$tmp/inspect.json" --exit-code 4 >/dev/null 2>&1; rc2=$?
if [ $rc = 4 ] && [ $rc2 = 0 ]; then pass "--exit-code"; else bad "--exit-code" "$rc / $rc2"; fi

# errors: a missing root, a broken inspect file, a bad option
"$VIGIL" audit host --root "$tmp/none" >/dev/null 2>"$tmp/e1"; r1=$?
printf '[{"Name": ' >"$tmp/broken.json"
"$VIGIL" audit host --root "$root" --docker-inspect "$tmp/broken.json" >/dev/null 2>"$tmp/e2"; r2=$?
"$VIGIL" audit host --format yaml >/dev/null 2>&1; r3=$?
if [ $r1 = 2 ] && [ $r2 = 2 ] && grep -q 'malformed JSON' "$tmp/e2" && [ $r3 = 2 ]; then pass "errors exit 2 with a message"
else bad "errors" "$r1 $r2 $r3 $(cat "$tmp/e2")"; fi

"$VIGIL" audit --help >"$tmp/help" 2>&1
"$VIGIL" audit host --list-checks >"$tmp/list" 2>&1
if grep -q -- '--docker-inspect' "$tmp/help" && grep -q 'VGL-CTR-001 *container *5.4' "$tmp/list"
then pass "--help and --list-checks"; else bad "--help" "no usage"; fi
exit $fail
