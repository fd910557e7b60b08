#!/usr/bin/env bash
# Issue 19, item by item: every "Wrong result" and "Silent non-result" the issue names,
# reproduced as the user wrote it, and what vigil config must (not) report for it. The
# names here are those of the audit checklist at the end of docs/checks-iac.md.
#   probe NAME EXT CHECK WANT [ARGS...] <<'EOF' file EOF
# WANT: "none" (CHECK must not be reported), "lines N M ..." (exactly those lines),
# "warn REGEX" (a warning on stderr matching REGEX, exit 0, no finding of CHECK).
set -uo pipefail
cd "$(dirname "$0")"
VIGIL=${VIGIL:-../../build/vigil}
fails=0
pass() { echo "PASS: config/issue19/$1"; }
fail() { echo "FAIL: config/issue19/$1: $2"; fails=$((fails + 1)); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0

probe() {
  local name=$1 ext=$2 id=$3 want=$4; shift 4
  n=$((n + 1))
  local f="$tmp/case$n.$ext"
  [ "$ext" = Dockerfile ] && f="$tmp/case$n/Dockerfile" && mkdir -p "$tmp/case$n"
  cat >"$f"
  "$VIGIL" config --format json "$@" "$f" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  local got
  got=$(jq -r --arg id "$id" '[.misconfigurations[] | select(.id == $id) | .line] | sort | map(tostring) | join(" ")' "$tmp/out" 2>/dev/null)
  if [ $rc -ne 0 ]; then fail "$name" "exit $rc: $(head -c 200 "$tmp/err")"; return; fi
  case $want in
    none)
      [ -z "$got" ] && [ ! -s "$tmp/err" ] && pass "$name" || fail "$name" "$id at [$got] $(head -c 200 "$tmp/err")" ;;
    lines\ *)
      [ "$got" = "${want#lines }" ] && pass "$name" || fail "$name" "want $id at [${want#lines }], got [$got]" ;;
    warn\ *)
      grep -Eq "${want#warn }" "$tmp/err" && [ -z "$got" ] && pass "$name" ||
        fail "$name" "no warning /${want#warn }/: $(head -c 200 "$tmp/err") (found [$got])" ;;
  esac
}

# ---- Wrong results: SHELL with pipefail ---------------------------------------------------
probe "W1 SHELL -eo pipefail is pipefail" Dockerfile VGL-DF-021 none <<'EOF'
FROM debian:12
SHELL ["/bin/bash", "-eo", "pipefail", "-c"]
RUN curl -fsSL https://example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/x.gpg
EOF
probe "W1 SHELL -euo pipefail is pipefail" Dockerfile VGL-DF-021 none <<'EOF'
FROM debian:12
SHELL ["/bin/bash", "-euo", "pipefail", "-c"]
RUN dpkg -l | grep -c ^ii
EOF
probe "W1 SHELL without pipefail still reported" Dockerfile VGL-DF-021 "lines 3" <<'EOF'
FROM debian:12
SHELL ["/bin/bash", "-eu", "-c"]
RUN dpkg -l | grep -c ^ii
EOF

# ---- Wrong results: quotes and unset variables ------------------------------------------
probe 'W2 WORKDIR "/usr/local" is absolute' Dockerfile VGL-DF-022 none <<'EOF'
FROM debian:12
WORKDIR "/usr/local"
EOF
probe "W2 WORKDIR '/usr/local' is absolute" Dockerfile VGL-DF-022 none <<'EOF'
FROM debian:12
WORKDIR '/usr/local'
EOF
probe 'W2 WORKDIR "${dir}" unresolved is not judged' Dockerfile VGL-DF-022 none <<'EOF'
FROM debian:12
WORKDIR "${dir}"
EOF
probe 'W2 EXPOSE 40000-${PORT} unresolved is not judged' Dockerfile VGL-DF-025 none <<'EOF'
FROM debian:12
EXPOSE 40000-${PORT}
EOF
probe 'W2 EXPOSE with a resolved bad port still reported' Dockerfile VGL-DF-025 "lines 3" <<'EOF'
FROM debian:12
ARG PORT=70000
EXPOSE 40000-${PORT}
EOF

# ---- Wrong results: option values read as packages ---------------------------------------
probe "W3 pip --trusted-host value is no package" Dockerfile VGL-DF-014 none <<'EOF'
FROM python:3.12-slim
RUN pip install --no-cache-dir --trusted-host host requests==2.32.3
EOF
probe "W3 pip --root-user-action value is no package" Dockerfile VGL-DF-014 none <<'EOF'
FROM python:3.12-slim
RUN pip install --no-cache-dir --root-user-action ignore requests==2.32.3
EOF
probe "W3 npm --loglevel value is no package" Dockerfile VGL-DF-015 none <<'EOF'
FROM node:20-alpine
RUN npm install --loglevel verbose x@1
EOF
probe "W3 apk --virtual name is no package" Dockerfile VGL-DF-012 none <<'EOF'
FROM alpine:3.20
RUN apk add --no-cache --virtual build-deps gcc=13.2.1_git20240309-r0 musl-dev=1.2.5-r0
EOF
probe "W3 npm @scope/pkg: the scope's @ is no version" Dockerfile VGL-DF-015 "lines 2" <<'EOF'
FROM node:20-alpine
RUN npm install -g @angular/cli
EOF
probe "W3 npm @scope/pkg@version is pinned" Dockerfile VGL-DF-015 none <<'EOF'
FROM node:20-alpine
RUN npm install -g @angular/cli@17.3.8
EOF
probe "W3 local tarballs need no pin" Dockerfile VGL-DF-014 none <<'EOF'
FROM python:3.12-slim
COPY dist/ /tmp/dist/
RUN pip install --no-cache-dir /tmp/dist/app-1.0.tar.gz ./wheels/lib-2.0-py3-none-any.whl
EOF
probe "W3 npm local tarball needs no pin" Dockerfile VGL-DF-015 none <<'EOF'
FROM node:20-alpine
RUN npm install -g ./app-1.0.0.tgz
EOF
probe "W3 apk add git~2.52 is a pin" Dockerfile VGL-DF-012 none <<'EOF'
FROM alpine:3.20
RUN apk add --no-cache git~2.52
EOF
probe "W3 pip -c constraints file pins" Dockerfile VGL-DF-014 none <<'EOF'
FROM python:3.12-slim
COPY constraints.txt /tmp/
RUN pip install --no-cache-dir -c /tmp/constraints.txt requests flask
RUN pip install --no-cache-dir --constraint /tmp/constraints.txt gunicorn
EOF
probe "W3 pipx and pipenv are not pip" Dockerfile VGL-DF-014 none <<'EOF'
FROM python:3.12-slim
RUN pipx install poetry
RUN pipenv install --deploy --system
EOF

# ---- Wrong results: PIP_NO_CACHE_DIR ---------------------------------------------------
probe "W4 ENV PIP_NO_CACHE_DIR=1 honoured" Dockerfile VGL-DF-013 none <<'EOF'
FROM python:3.12-slim
ENV PIP_NO_CACHE_DIR=1
RUN pip install requests==2.32.3
EOF
probe "W4 PIP_NO_CACHE_DIR on/yes/true honoured" Dockerfile VGL-DF-013 none <<'EOF'
FROM python:3.12-slim AS a
ENV PIP_NO_CACHE_DIR=on
RUN pip install requests==2.32.3
FROM python:3.12-slim AS b
ENV PIP_NO_CACHE_DIR=yes
RUN pip install requests==2.32.3
FROM python:3.12-slim AS c
ENV PIP_NO_CACHE_DIR=true
RUN pip install requests==2.32.3
EOF
probe "W4 PIP_NO_CACHE_DIR inherited from an earlier stage" Dockerfile VGL-DF-013 none <<'EOF'
FROM python:3.12-slim AS base
ENV PIP_NO_CACHE_DIR=1
FROM base AS app
RUN pip install requests==2.32.3
EOF
probe "W4 PIP_NO_CACHE_DIR=0 / off not accepted" Dockerfile VGL-DF-013 "lines 3 5" <<'EOF'
FROM python:3.12-slim
ENV PIP_NO_CACHE_DIR=0
RUN pip install requests==2.32.3
ENV PIP_NO_CACHE_DIR=off
RUN pip install flask==3.0.3
EOF

# ---- Wrong results: yum / dnf -------------------------------------------------------------
probe "W5 yum clean before the install does not count" Dockerfile VGL-DF-016 "lines 2" <<'EOF'
FROM rockylinux:9
RUN yum clean all && yum install -y httpd-2.4.57
EOF
probe "W5 dnf in/up/upgrade/upgrade-minimal/reinstall recognised" Dockerfile VGL-DF-016 "lines 2 3 4 5 6" <<'EOF'
FROM fedora:40
RUN dnf -y in nginx-1.26.0
RUN dnf -y up
RUN dnf -y upgrade
RUN dnf -y upgrade-minimal
RUN dnf -y reinstall bash-5.2.26
EOF
probe "W5 cache / tmpfs mount on the package cache honoured" Dockerfile VGL-DF-016 none <<'EOF'
FROM fedora:40
RUN --mount=type=cache,target=/var/cache/dnf dnf -y install nginx-1.26.0
RUN --mount=type=tmpfs,target=/var/cache dnf -y install git-2.45.1
EOF

# ---- Wrong results: allowed registries ------------------------------------------------
probe "W6 --allowed-registries '*' allows all" Dockerfile VGL-DF-029 none --allowed-registries '*' <<'EOF'
FROM quay.io/prometheus/busybox:1.36
FROM ghcr.io/acme/app:1.0
EOF
probe "W6 --allowed-registries '*.corp.com' is a wildcard" Dockerfile VGL-DF-029 "lines 3" --allowed-registries '*.corp.com' <<'EOF'
FROM registry.corp.com/base:1.0
FROM registry.corp.com:5000/base:1.0
FROM docker.io/library/debian:12
EOF
probe "W6 RUN --mount from=IMAGE checked" Dockerfile VGL-DF-029 "lines 3" --allowed-registries registry.corp.com <<'EOF'
FROM registry.corp.com/base:1.0 AS build
FROM registry.corp.com/base:1.0
RUN --mount=type=bind,from=docker.io/library/golang:1.22,source=/usr/local/go,target=/go true
RUN --mount=type=bind,from=build,source=/out,target=/out true
EOF

# ---- Wrong results: ONBUILD ---------------------------------------------------------
probe "W7 ONBUILD RUN checked as RUN" Dockerfile VGL-DF-018 "lines 2" <<'EOF'
FROM debian:12
ONBUILD RUN curl -fsSL https://get.example.com | sh
EOF
probe "W7 ONBUILD ADD checked as ADD" Dockerfile VGL-DF-004 "lines 2" <<'EOF'
FROM debian:12
ONBUILD ADD . /app/
EOF

# ---- Wrong results: Kubernetes -----------------------------------------------------------
probe "W8 unknown seccompProfile type reported" yaml VGL-K8S-015 "lines 9" <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: prod}
spec:
  containers:
  - name: app
    image: nginx:1.27
    securityContext:
      seccompProfile: {type: Whatever}
EOF
probe "W8 unknown AppArmor value reported" yaml VGL-K8S-016 "lines 9" <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: prod}
spec:
  containers:
  - name: app
    image: nginx:1.27
    securityContext:
      appArmorProfile: {type: Sometimes}
EOF
probe "W8 sysctl safe since 1.29 is unsafe with --k8s-version 1.28" yaml VGL-K8S-017 "lines 6" --k8s-version 1.28 <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: prod}
spec:
  securityContext:
    sysctls: [{name: net.ipv4.tcp_keepalive_time, value: "600"}]
  containers:
  - {name: app, image: nginx:1.27}
EOF
probe "W8 sysctl safe since 1.29 accepted by default" yaml VGL-K8S-017 none <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: prod}
spec:
  securityContext:
    sysctls: [{name: net.ipv4.tcp_keepalive_time, value: "600"}]
  containers:
  - {name: app, image: nginx:1.27}
EOF
probe "W8 hostPath /etc/localtime is not a sensitive directory" yaml VGL-K8S-036 none <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: prod}
spec:
  containers:
  - {name: app, image: nginx:1.27}
  volumes:
  - {name: tz, hostPath: {path: /etc/localtime}}
EOF
probe "W8 hostPath /var/lib/kubelet is" yaml VGL-K8S-036 "lines 8" <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: prod}
spec:
  containers:
  - {name: app, image: nginx:1.27}
  volumes:
  - {name: k, hostPath: {path: /var/lib/kubelet}}
EOF
probe "W8 RBAC patch / deletecollection on secrets" yaml VGL-K8S-027 "lines 6 9" <<'EOF'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: a}
rules:
- apiGroups: [""]
  resources: [secrets]
  verbs: [patch]
- apiGroups: [""]
  resources: [secrets]
  verbs: [deletecollection]
EOF
probe "W8 RBAC create on every workload kind" yaml VGL-K8S-035 "lines 6 9" <<'EOF'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: a}
rules:
- apiGroups: [apps]
  resources: [daemonsets]
  verbs: [create]
- apiGroups: [batch]
  resources: [cronjobs]
  verbs: [update]
EOF
probe "W8 RBAC bindings to admin / edit" yaml VGL-K8S-030 "lines 7 16" <<'EOF'
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: a, namespace: prod}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: admin
subjects: [{kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: prod}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: edit
subjects: [{kind: User, name: joe, apiGroup: rbac.authorization.k8s.io}]
EOF

# ---- Silent non-results -------------------------------------------------------------------
probe "S1 Dockerfile without FROM warns" Dockerfile VGL-DF-001 "warn no FROM instruction" <<'EOF'
RUN echo hi
EOF
probe "S2 YAML without apiVersion warns" yaml VGL-K8S-001 "warn object without apiVersion" <<'EOF'
kind: Pod
metadata: {name: a}
spec:
  containers: [{name: a, image: nginx, securityContext: {privileged: true}}]
EOF
probe "S3 kind: pod warns" yaml VGL-K8S-001 "warn v1 has no kind 'pod' \(did you mean Pod\?\)" <<'EOF'
apiVersion: v1
kind: pod
metadata: {name: a}
EOF
probe "S4 misspelt kind warns" yaml VGL-K8S-001 "warn apps/v1 has no kind 'Deploymnet'" <<'EOF'
apiVersion: apps/v1
kind: Deploymnet
metadata: {name: a}
EOF
mkdir -p "$tmp/chart/templates"
printf 'apiVersion: v2\nname: web\nversion: 0.1.0\n' >"$tmp/chart/Chart.yaml"
VIGIL_HELM="$tmp/no-such-helm" "$VIGIL" config --format json "$tmp/chart" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc = 0 ] && grep -q "Helm chart not checked" "$tmp/err" && pass "S5 Helm chart directory without helm warns" ||
  fail "S5 Helm chart directory" "rc $rc $(cat "$tmp/err")"

[ $fails -eq 0 ]
