#!/usr/bin/env bash
# vigil config on inputs it cannot check as they are: files that are not Dockerfiles or
# manifests, unknown kinds, Helm charts and Kustomize directories (rendered by their
# tool, or a warning), inline suppressions and per-check policy settings.
set -uo pipefail
cd "$(dirname "$0")"
VIGIL=${VIGIL:-../../build/vigil}
fails=0
pass() { echo "PASS: config/inputs/$1"; }
fail() { echo "FAIL: config/inputs/$1: $2"; fails=$((fails + 1)); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run FILE... : json on $tmp/out, stderr on $tmp/err, exit code in $rc
run() { "$VIGIL" config --format json "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; }
ids() { jq -r '[.misconfigurations[] | "\(.id)@\(.line)"] | join(" ")' "$tmp/out"; }

# ---- silent non-results ----------------------------------------------------------------
printf '# just a comment\nRUN echo hi\n' >"$tmp/notadockerfile"
run "$tmp/notadockerfile"
[ $rc = 0 ] && grep -q "no FROM instruction" "$tmp/err" && [ "$(jq .summary.files "$tmp/out")" = 0 ] &&
  pass "Dockerfile without FROM warns" || fail "Dockerfile without FROM" "rc $rc: $(cat "$tmp/err")"

printf 'name: x\nvalues: [1, 2]\n' >"$tmp/values.yaml"
run "$tmp/values.yaml"
[ $rc = 0 ] && grep -q "values.yaml: no Kubernetes object" "$tmp/err" &&
  pass "explicit YAML without a manifest warns" || fail "explicit YAML" "rc $rc: $(cat "$tmp/err")"
mkdir -p "$tmp/dir" && cp "$tmp/values.yaml" "$tmp/dir/"
run "$tmp/dir"
[ $rc = 0 ] && [ ! -s "$tmp/err" ] && pass "other YAML in a directory stays quiet" || fail "other YAML in a directory" "$(cat "$tmp/err")"

cat >"$tmp/halves.yaml" <<'EOF'
kind: Pod
metadata: {name: a}
---
apiVersion: v1
metadata: {name: b}
---
apiVersion: v1
kind: pod
metadata: {name: c}
---
apiVersion: apps/v1
kind: Deploymnet
metadata: {name: d}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: e}
EOF
run "$tmp/halves.yaml"
w=$(cat "$tmp/err")
if grep -q "line 1: object without apiVersion" <<<"$w" && grep -q "line 4: object without kind" <<<"$w" &&
  grep -q "line 8: v1 has no kind 'pod' (did you mean Pod?)" <<<"$w" &&
  grep -q "line 12: apps/v1 has no kind 'Deploymnet' (did you mean Deployment?)" <<<"$w" &&
  ! grep -q Widget <<<"$w"; then pass "half objects, kind: pod and misspelt kinds warn; custom kinds do not"
else fail "kinds" "$w"; fi

# ---- Helm charts and Kustomize directories ----------------------------------------------
mkdir -p "$tmp/repo/chart/templates" "$tmp/repo/kust"
printf 'apiVersion: v2\nname: web\nversion: 0.1.0\n' >"$tmp/repo/chart/Chart.yaml"
printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n' >"$tmp/repo/chart/templates/pod.yaml"
cat >"$tmp/fake-helm" <<'EOF'
#!/bin/sh
# stands in for helm: prints what helm template would
[ "$1" = template ] || exit 2
printf -- '---\n# Source: web/templates/sa.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n'
printf -- '---\n# Source: web/templates/pod.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: release-name\nspec:\n  containers:\n  - name: app\n    image: nginx\n    securityContext:\n      # vigil:ignore=VGL-K8S-013 kept through helm\n      readOnlyRootFilesystem: false\n      privileged: true\n'
EOF
chmod +x "$tmp/fake-helm"
VIGIL_HELM="$tmp/fake-helm" run "$tmp/repo/chart"
n=$(jq '[.misconfigurations[] | select(.id == "VGL-K8S-001" and (.file | endswith("chart/templates/pod.yaml [helm template]")) and .line == 13)] | length' "$tmp/out")
n13=$(jq '[.misconfigurations[] | select(.id == "VGL-K8S-013")] | length' "$tmp/out")
[ $rc = 0 ] && [ "$n" = 1 ] && [ "$n13" = 0 ] && [ ! -s "$tmp/err" ] && pass "Helm chart rendered with helm template, findings per template" ||
  fail "Helm chart rendered" "rc $rc n $n n13 $n13 $(cat "$tmp/err")"
VIGIL_HELM="$tmp/no-such-helm" run "$tmp/repo"
[ $rc = 0 ] && grep -q "chart: Helm chart not checked: .*not installed" "$tmp/err" &&
  [ "$(jq '[.misconfigurations[] | select(.file | test("templates"))] | length' "$tmp/out")" = 0 ] &&
  pass "Helm chart without helm: a warning, templates not read as manifests" || fail "Helm without helm" "$(cat "$tmp/err")"
printf '#!/bin/sh\necho "Error: parse error in pod.yaml" >&2\nexit 1\n' >"$tmp/bad-helm"; chmod +x "$tmp/bad-helm"
VIGIL_HELM="$tmp/bad-helm" run "$tmp/repo/chart"
[ $rc = 0 ] && grep -q "Helm chart not checked: .*failed: Error: parse error" "$tmp/err" &&
  pass "helm failing: its message in a warning" || fail "helm failing" "$(cat "$tmp/err")"

printf 'resources:\n- pod.yaml\nnamespace: prod\n' >"$tmp/repo/kust/kustomization.yaml"
printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: k\nspec:\n  hostPID: true\n  containers:\n  - name: a\n    image: nginx:1.25\n' >"$tmp/repo/kust/pod.yaml"
if command -v kubectl >/dev/null; then
  run "$tmp/repo/kust"
  n=$(jq '[.misconfigurations[] | select(.id == "VGL-K8S-003" and (.file | endswith("kust [kubectl kustomize]")))] | length' "$tmp/out")
  ns=$(jq '[.misconfigurations[] | select(.id == "VGL-K8S-025")] | length' "$tmp/out")
  [ $rc = 0 ] && [ "$n" = 1 ] && [ "$ns" = 0 ] && pass "Kustomize directory rendered (namespace applied)" ||
    fail "Kustomize rendered" "rc $rc n $n ns $ns $(cat "$tmp/err")"
elif [ "${CI:-}" = true ]; then fail "Kustomize rendered" "kubectl not installed"
else echo "SKIP: config/inputs/Kustomize rendered: kubectl not installed"; fi
VIGIL_KUBECTL="$tmp/no-such-kubectl" run "$tmp/repo/kust"
[ $rc = 0 ] && grep -q "Kustomize directory not checked: .*not installed" "$tmp/err" &&
  pass "Kustomize without kubectl: a warning" || fail "Kustomize without kubectl" "$(cat "$tmp/err")"

# ---- inline suppressions ---------------------------------------------------------------
cat >"$tmp/Dockerfile" <<'EOF'
FROM ubuntu:22.04
# vigil:ignore=VGL-DF-006,VGL-DF-008 pinned by the base image's snapshot
RUN apt-get update && apt-get install -y --no-install-recommends curl
RUN apt-get update && apt-get install -y --no-install-recommends wget
# vigil:ignore=VGL-DF-027
MAINTAINER someone
# vigil:ignore=VGL-NOPE-001 typo
USER app
EOF
run "$tmp/Dockerfile"
got=$(jq -r '[.misconfigurations[] | select(.id == "VGL-DF-006" or .id == "VGL-DF-008" or .id == "VGL-DF-027") | "\(.id)@\(.line)"] | sort | join(" ")' "$tmp/out")
[ "$got" = "VGL-DF-006@4 VGL-DF-008@4 VGL-DF-027@6" ] || true
if [ "$got" = "VGL-DF-006@4 VGL-DF-008@4" ] && grep -q "line 5: vigil:ignore without a reason" "$tmp/err" &&
  grep -q "line 7: vigil:ignore names no check 'VGL-NOPE-001'" "$tmp/err"; then pass "Dockerfile suppressions"
else fail "Dockerfile suppressions" "got [$got] $(cat "$tmp/err")"; fi
cat >"$tmp/pod.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: prod
spec:
  hostNetwork: true # vigil:ignore=VGL-K8S-005 the CNI agent needs the node network
  hostPID: true
  containers:
  # vigil:ignore=VGL-K8S-018,VGL-K8S-019,VGL-K8S-020 sized by the VPA
  - name: app
    image: nginx:1.25
    securityContext:
      # vigil:ignore=VGL-K8S-001 needs the GPU driver
      privileged: true
EOF
run "$tmp/pod.yaml"
got=$(jq -r '[.misconfigurations[] | select(.id | test("VGL-K8S-00[135]|VGL-K8S-01[89]|VGL-K8S-020")) | "\(.id)@\(.line)"] | sort | join(" ")' "$tmp/out")
[ "$got" = "VGL-K8S-003@8" ] && [ ! -s "$tmp/err" ] && pass "manifest suppressions (own line and line above)" ||
  fail "manifest suppressions" "got [$got] $(cat "$tmp/err")"

# ---- namespace checks look across the files of one scan ---------------------------------
mkdir -p "$tmp/ns"
printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n' >"$tmp/ns/00-namespace.yaml"
run "$tmp/ns"
got=$(jq -r '[.misconfigurations[] | select(.id | test("VGL-K8S-05[567]")) | "\(.id)@\(.line)"] | join(" ")' "$tmp/out")
cat >"$tmp/ns/10-policies.yaml" <<'EOF'
apiVersion: v1
kind: LimitRange
metadata: {name: l, namespace: shop}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: q, namespace: shop}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}}
EOF
run "$tmp/ns"
got2=$(jq '[.misconfigurations[] | select(.id | test("VGL-K8S-05[567]"))] | length' "$tmp/out")
[ "$got" = "VGL-K8S-055@4 VGL-K8S-056@4 VGL-K8S-057@4" ] && [ "$got2" = 0 ] &&
  pass "namespace policies found in another file of the scan" || fail "namespace policies" "alone [$got], with policies $got2"

# ---- per-check settings in the policy ---------------------------------------------------
cat >"$tmp/policy.yaml" <<'EOF'
checks:
  settings:
    VGL-K8S-017:
      k8s_version: "1.26"
EOF
run --policy "$tmp/policy.yaml" cases/VGL-K8S-017-pass.yaml
n=$(jq '[.misconfigurations[] | select(.id == "VGL-K8S-017")] | length' "$tmp/out")
run cases/VGL-K8S-017-pass.yaml
n2=$(jq '[.misconfigurations[] | select(.id == "VGL-K8S-017")] | length' "$tmp/out")
[ "$n" -ge 2 ] && [ "$n2" = 0 ] && pass "policy setting k8s_version" || fail "policy k8s_version" "with $n, without $n2"
printf 'checks:\n  settings:\n    VGL-K8S-017: {colour: red}\n' >"$tmp/bad.yaml"
run --policy "$tmp/bad.yaml" cases/VGL-K8S-017-pass.yaml
[ $rc = 2 ] && grep -q "line 3: VGL-K8S-017 has no setting 'colour'" "$tmp/err" && pass "policy rejects unknown settings" ||
  fail "policy unknown setting" "rc $rc $(cat "$tmp/err")"
printf 'checks:\n  settings:\n    VGL-NOPE-1: {a: b}\n' >"$tmp/bad.yaml"
run --policy "$tmp/bad.yaml" cases/VGL-K8S-017-pass.yaml
[ $rc = 2 ] && grep -q "no check 'VGL-NOPE-1'" "$tmp/err" && pass "policy rejects settings of unknown checks" ||
  fail "policy unknown check" "rc $rc $(cat "$tmp/err")"

[ $fails -eq 0 ]
