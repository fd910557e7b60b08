#!/usr/bin/env bash
# The runner's CI mode (issue 23): on a machine where one tool is missing, `CI=true
# tests/run.sh` fails and names the tool, while the same run without CI=true skips that
# suite and lists the skip at the end. The machine here has every tool, so one is hidden:
# PATH becomes a directory of links to every program of the system's PATH except
# `buildah`, which tests/ci/test_container.sh needs (it then stops at once, before
# building anything).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
fail=0
pass() { echo "PASS: ci-mode: $1"; }
bad() { echo "FAIL: ci-mode: $1${2:+: $2}"; fail=1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

gone=buildah
mkdir "$tmp/bin"
IFS=: read -r -a dirs <<<"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
for d in "${dirs[@]}"; do
    for p in "$d"/*; do
        n=${p##*/}
        [ -x "$p" ] && [ ! -d "$p" ] && [ "$n" != "$gone" ] && [ ! -e "$tmp/bin/$n" ] && ln -s "$p" "$tmp/bin/$n"
    done
done
if PATH=$tmp/bin command -v "$gone" >/dev/null; then
    bad "the restricted PATH still has $gone"
    exit 1
fi

# one nested run of the runner on one suite, the normal build only
nested() { # nested CI_VALUE OUT
    (cd "$top" && env PATH="$tmp/bin" CI="$1" VIGIL_SKIP_ASAN=1 VIGIL_TEST_JOBS=1 \
        bash tests/run.sh ci/test_container >"$2" 2>&1)
}

nested true "$tmp/ci.out"; rc=$?
last=$(tail -1 "$tmp/ci.out")
if [ $rc -ne 0 ] && grep -q "^FAIL: container: $gone not installed.*\[CI=true" "$tmp/ci.out" &&
    [[ $last == "0 passed, 1 failed, 0 skipped"* ]]; then
    pass "CI=true with $gone removed: exit $rc, 'FAIL: container: $gone not installed ...', '$last'"
else
    bad "CI=true with $gone removed: exit $rc" "$(tail -6 "$tmp/ci.out" | tr '\n' '|')"
fi

nested false "$tmp/local.out"; rc=$?
if grep -q "^SKIP: container: $gone not installed" "$tmp/local.out" &&
    grep -q "^Skipped (the machine lacks what they need):" "$tmp/local.out" &&
    ! grep -q '^FAIL: ' "$tmp/local.out"; then
    pass "without CI=true the same run skips the suite, names $gone and lists the skip at the end"
else
    bad "without CI=true" "exit $rc: $(tail -6 "$tmp/local.out" | tr '\n' '|')"
fi

exit $fail
