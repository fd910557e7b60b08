#!/usr/bin/env bash
# mirror.sh DIR [extra]: a small vulnerability-feed mirror (written at run time, nothing from
# ../shared) for the dashboard test images:
#   debian-security-tracker  bullseye: glibc HIGH fixed, curl CRITICAL-ish (high**) fixed,
#                            bash MEDIUM unfixed, zlib LOW postponed, gnutls28 NEGLIGIBLE,
#                            ncurses UNKNOWN (not yet assigned) unfixed
#   alpine-secdb             v3.16 / v3.12: busybox and musl fixed in 99.x
#   cisa-kev                 CVE-2099-3002 (curl) and CVE-2099-3101 (busybox)
# With "extra", also CVE-2099-3008 (curl, high, unfixed): a database update then changes
# the Debian image's findings (a second history entry, a second point of the trend).
set -euo pipefail
d=$1
mkdir -p "$d/debian-security-tracker/data/CVE" "$d/debian-security-tracker/data/DSA" \
  "$d/debian-security-tracker/data/DLA" "$d/debian-security-tracker/data/DTSA"
cat > "$d/debian-security-tracker/data/config.json" <<'J'
{"distributions": {"bookworm": {"major-version": "12"}, "bullseye": {"major-version": "11"}}}
J
cat > "$d/debian-security-tracker/data/CVE/list" <<'L'
CVE-2099-3001 (Buffer overflow in the test resolver of glibc)
	- glibc 2.99-1 (high)
	[bookworm] - glibc 2.99-1~deb12u1
	[bullseye] - glibc 2.31-13+deb11u99
CVE-2099-3002 (Heap overflow in curl's test protocol handler)
	- curl 8.99.0-1 (high**)
	[bookworm] - curl 7.88.1-10+deb12u99
	[bullseye] - curl 7.74.0-1.3+deb11u99
CVE-2099-3003 (Test flaw in bash globbing)
	- bash <unfixed> (medium)
	[bookworm] - bash <no-dsa> (Minor issue)
	[bullseye] - bash <no-dsa> (Minor issue)
CVE-2099-3004 (Test flaw in zlib inflate)
	- zlib <unfixed> (low)
	[bullseye] - zlib <postponed> (Fix along with the next point release)
CVE-2099-3005 (Test flaw in gnutls28)
	- gnutls28 3.99-1 (unimportant)
	[bullseye] - gnutls28 3.7.1-5+deb11u99
CVE-2099-3006 (Test flaw in ncurses)
	- ncurses <unfixed>
	[bullseye] - ncurses <ignored> (Too intrusive)
CVE-2099-3007 (Second test flaw in glibc)
	- glibc 2.99-2 (medium)
	[bullseye] - glibc 2.31-13+deb11u99
L
[ "${2:-}" = extra ] && printf '%s\n' 'CVE-2099-3008 (Another test flaw in curl)' \
  '	- curl <unfixed> (high)' '	[bullseye] - curl <no-dsa> (Minor issue)' \
  >> "$d/debian-security-tracker/data/CVE/list"
: > "$d/debian-security-tracker/data/DSA/list"
: > "$d/debian-security-tracker/data/DLA/list"
: > "$d/debian-security-tracker/data/DTSA/list"
for v in v3.16 v3.12; do
  mkdir -p "$d/alpine-secdb/$v"
  { printf 'distroversion: %s\nreponame: main\narchs:\n  - x86_64\npackages:\n' "$v"
    printf '  - pkg:\n      name: busybox\n      secfixes:\n        99.0-r0:\n          - CVE-2099-3101\n'
    printf '  - pkg:\n      name: musl\n      secfixes:\n        99.2-r0:\n          - CVE-2099-3102\n'
  } > "$d/alpine-secdb/$v/main.yaml"
done
mkdir -p "$d/cisa-kev"
cat > "$d/cisa-kev/known_exploited_vulnerabilities.json" <<'J'
{"title": "test catalog", "catalogVersion": "2099.01.01", "count": 2, "vulnerabilities": [
 {"cveID": "CVE-2099-3002", "vendorProject": "curl", "product": "curl", "vulnerabilityName": "test", "dateAdded": "2099-01-01"},
 {"cveID": "CVE-2099-3101", "vendorProject": "busybox", "product": "busybox", "vulnerabilityName": "test", "dateAdded": "2099-01-01"}]}
J
for f in debian-security-tracker alpine-secdb cisa-kev; do
  tar -czf "$d/$f.tar.gz" -C "$d" "$f" && rm -rf "${d:?}/$f"
done
