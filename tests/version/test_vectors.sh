#!/usr/bin/env bash
# Published version-comparison vectors (../shared/specs/vercmp: dpkg, apk, rpm, Maven,
# PEP 440, node-semver, RubyGems) checked through `$VIGIL vercmp` batch and --satisfies
# modes; one PASS line per scheme and vector file with the number of vectors.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VIGIL=${VIGIL:-build/vigil}
SPEC=${VIGIL_SPECS:-$HERE/../../../shared/specs}/vercmp
if [ ! -d "$SPEC" ]; then
  echo "SKIP: version/vectors: $SPEC is missing"
  exit 0
fi
exec python3 "$HERE/vectors.py" "$VIGIL" "$SPEC"
