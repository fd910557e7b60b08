# Sourced by the tests/runtime suites, after `set -uo pipefail` and with RT_NAME set (the
# checks' prefix: runtime/RT_NAME/...): moves to the repository's top (TOP), makes VIGIL
# absolute, picks python (PY), and defines pass and fail (which counts into `fails`).
# Each suite keeps its own skip functions (what a missing capability or tool means
# differs between them).
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
TOP=$PWD
VIGIL=${VIGIL:-build/vigil}
case $VIGIL in /*) ;; *) VIGIL=$TOP/$VIGIL ;; esac
PY=${PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=python3
fails=0
pass() { echo "PASS: runtime/$RT_NAME/$1"; }
fail() { echo "FAIL: runtime/$RT_NAME/$1: $2"; fails=$((fails + 1)); }
