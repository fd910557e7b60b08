#!/usr/bin/env bash
# Installs the Debian packages Vigil builds and tests with, when any is missing.
# Needs root (or sudo) on Debian 12. Does nothing when all are present.
set -euo pipefail

PKGS=(
  build-essential clang pkg-config
  libarchive-dev libisal-dev libzstd-dev libjansson-dev libssl-dev zlib1g-dev libdeflate-dev
  isal zstd pigz time
  umoci skopeo mmdebstrap python3 python3-jsonschema
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
