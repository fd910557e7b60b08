#!/usr/bin/env bash
# Golden vulnerability scans: `vigil scan --scanners vuln --format json` of fixture
# images against a database built from ../shared/vulndata, compared with the findings
# that tests/scan/golden/expect_*.py compute independently from the RAW feed archives
# and the package manager's own listing (dpkg-query, the apk installed db, rpm -qa,
# go version -m, package-lock.json, gem specifications), comparing versions with the real
# tools (dpkg --compare-versions, rpm.labelCompare) or Python written from the
# ecosystem's rules. Three checks per image: the set of (package, id); each finding's
# layer and package fields against the OCI layout (check_layers.py); the set of
# (package, id, fixed version). The rules are written down in docs/golden-scans.md.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=${VIGIL_SHARED:-$top/../shared}
VIGIL=${VIGIL:-$top/build/vigil}
PY=/usr/bin/python3
gd=$top/tests/scan/golden
fx=$top/tests/fixtures
vd=$shared/vulndata
fail=0
pass() { echo "PASS: golden: $1"; }
bad() { echo "FAIL: golden: $1"; fail=1; }
skip() { echo "SKIP: golden: $1"; }
[ -d "$vd" ] || { skip "$vd not found (../shared missing)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/vigil.db

# 0. the Python comparators the expectations rely on, against published vectors
if [ -d "$shared/specs/vercmp" ]; then
    if $PY "$gd/selftest.py" "$shared/specs" >"$tmp/selftest" 2>&1; then
        pass "expectation comparators agree with the published vectors: $(tr '\n' ';' <"$tmp/selftest")"
    else
        bad "expectation comparators disagree with the published vectors: $(cat "$tmp/selftest")"
    fi
fi

if ! "$VIGIL" db update --from "$vd" --db "$db" >"$tmp/dbout" 2>&1; then
    bad "db update --from ../shared/vulndata failed: $(tail -3 "$tmp/dbout")"
    exit 1
fi
has_feed() {
    "$VIGIL" db info --db "$db" --format json | $PY -c '
import json, sys
sys.exit(0 if any(f["name"] == sys.argv[1] for f in json.load(sys.stdin)["feeds"]) else 1)' "$1"
}

# golden NAME IMAGE EXPECTED.tsv PREFER [ids|all [TYPE]]: scan IMAGE, compare with
# EXPECTED.tsv; with "ids", (package, id) only (feeds of constraint lists have no single
# fixed version); with TYPE, only the findings of packages of that type
golden() {
    local name=$1 image=$2 exp=$3 prefer=$4 only=${5:-all} type=${6:-}
    local f="$tmp/${1//[^A-Za-z0-9.-]/_}" # file names for this check's outputs
    local out="$f.json"
    local rc=0
    "$VIGIL" scan "$image" --scanners vuln --db "$db" --format json >"$out" \
        2>"$f.err" || rc=$?
    if [ "$rc" != 0 ]; then
        bad "$name: vigil scan failed (exit $rc): $(tail -3 "$f.err")"
        return
    fi
    if ! $PY -c 'import json, sys; json.load(open(sys.argv[1]))' "$out" 2>"$f.jerr"; then
        bad "$name: the JSON report is malformed: $(tail -1 "$f.jerr")"
        return
    fi
    local n
    n=$(grep -c . "$exp")
    if $PY "$gd/compare.py" "$exp" "$out" --prefer "$prefer" --type "$type" --ids-only >"$f.ids" 2>&1; then
        pass "$name: the $n expected findings (package, id), no other, none twice"
    else
        bad "$name: findings (package, id) differ: $(cat "$f.ids")"
    fi
    if $PY "$gd/check_layers.py" "$image" "$out" >"$f.layers" 2>&1; then
        pass "$name: layer (index, diff_id, created_by) and package fields of every finding"
    else
        bad "$name: layer or package fields wrong: $(cat "$f.layers")"
    fi
    [ "$only" = ids ] && return
    if $PY "$gd/compare.py" "$exp" "$out" --prefer "$prefer" --type "$type" >"$f.fix" 2>&1; then
        pass "$name: fixed versions of the $n findings"
    else
        bad "$name: findings (package, id, fixed version) differ: $(cat "$f.fix")"
    fi
}

# 1. Debian 11 from the bullseye suite alone
if deb=$("$fx/make-golden-debian.sh" 2>"$tmp/deb.log"); then
    tracker=()
    has_feed debian-security-tracker && tracker=(--tracker)
    if $PY "$gd/expect_debian.py" "$deb/rootfs" "$vd" 11 "${tracker[@]}" >"$tmp/debian.tsv"; then
        golden "debian-bullseye${tracker:+ (changelog OSV + DSA/DLA)}" "$deb/oci" \
            "$tmp/debian.tsv" CVE-
    else
        bad "debian-bullseye: expect_debian.py failed"
    fi
else
    skip "debian-bullseye: fixture not built (needs mmdebstrap and deb.debian.org): $(tail -1 "$tmp/deb.log")"
fi

# 2. Alpine mini root filesystems (+ 3.9.6 with older versions in its installed db)
if alp=$("$fx/make-golden-alpine.sh" 2>"$tmp/alp.log"); then
    for v in 3.9.6 3.9.6-old 3.12.12 3.16.9 3.20.3; do
        if $PY "$gd/expect_alpine.py" "$alp/rootfs-$v" "$vd" >"$tmp/alpine-$v.tsv"; then
            golden "alpine-$v" "$alp/oci-$v" "$tmp/alpine-$v.tsv" CVE-
        else
            bad "alpine-$v: expect_alpine.py failed"
        fi
    done
else
    bad "alpine: fixture build failed: $(tail -1 "$tmp/alp.log")"
fi

# 3. RHEL 8.5 rpmdb (rpmbuild + rpm --justdb) against AlmaLinux 8 ALSA
if rpmimg=$("$fx/make-golden-rpm.sh" 2>"$tmp/rpm.log"); then
    if $PY "$gd/expect_rpm.py" "$rpmimg/rootfs" "$vd" >"$tmp/rpm.tsv"; then
        golden "rhel8-rpm" "$rpmimg/oci" "$tmp/rpm.tsv" ALSA-
    else
        bad "rhel8-rpm: expect_rpm.py failed"
    fi
else
    skip "rhel8-rpm: fixture not built (needs rpmbuild): $(tail -1 "$tmp/rpm.log")"
fi

# 4. Go program with old modules against the Go vulndb
if goimg=$("$fx/make-golden-go.sh" 2>"$tmp/go.log"); then
    if $PY "$gd/expect_go.py" "$vd" "$goimg/rootfs/usr/local/bin/golden-app" >"$tmp/go.tsv"; then
        golden "go-modules" "$goimg/oci" "$tmp/go.tsv" GO-
    else
        bad "go-modules: expect_go.py failed"
    fi
else
    skip "go-modules: fixture not built (needs go): $(tail -1 "$tmp/go.log")"
fi

# 5. npm lockfile and RubyGems specifications (feeds of the language importers)
if lang=$("$fx/make-golden-lang.sh" 2>"$tmp/lang.log"); then
    if ! has_feed nodejs-security-wg; then
        skip "npm-lockfile: the database has no nodejs-security-wg feed (language importers not merged)"
    elif $PY "$gd/expect_npm.py" "$vd" "$lang/rootfs/app/package-lock.json" >"$tmp/npm.tsv"; then
        golden "npm-lockfile" "$lang/oci" "$tmp/npm.tsv" NSWG- ids npm
    else
        bad "npm-lockfile: expect_npm.py failed"
    fi
    if ! has_feed ruby-advisory-db; then
        skip "gems: the database has no ruby-advisory-db feed (language importers not merged)"
    elif $PY "$gd/expect_gem.py" "$vd" "$lang/rootfs/usr/local/bundle/specifications" \
        >"$tmp/gem.tsv"; then
        golden "gems" "$lang/oci" "$tmp/gem.tsv" CVE- ids gem
    else
        bad "gems: expect_gem.py failed"
    fi
else
    bad "npm/gems: fixture build failed: $(tail -1 "$tmp/lang.log")"
fi

exit $fail
