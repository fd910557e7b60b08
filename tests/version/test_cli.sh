#!/usr/bin/env bash
# vigil vercmp: the three modes, --help, and the errors (exit 2, one "vigil: error:" line).
set -uo pipefail
VIGIL=${VIGIL:-build/vigil}
fail=0
check() { # check NAME EXPECTED-OUTPUT EXPECTED-EXIT CMD...
  local name=$1 want=$2 want_rc=$3; shift 3
  local out rc
  out=$("$@" 2> /tmp/vercmp-cli.$$); rc=$?
  if [ "$out" != "$want" ] || [ "$rc" != "$want_rc" ]; then
    echo "FAIL: version/cli/$name: got '$out' exit $rc, want '$want' exit $want_rc"; fail=1
  else
    echo "PASS: version/cli/$name"
  fi
}
check "compare <" "<" 0 "$VIGIL" vercmp deb 1.0~rc1 1.0
check "compare =" "=" 0 "$VIGIL" vercmp pypi 1.0 1.0.0
check "compare >" ">" 0 "$VIGIL" vercmp rpm 1:0.1 2.0
check "satisfies yes" "yes" 0 "$VIGIL" vercmp npm --satisfies 1.4.0 "^1.2.3"
check "satisfies no" "no" 0 "$VIGIL" vercmp gem --satisfies 1.3.0 "~> 1.2.3"
check "batch" "$(printf '<\n>\n=\ninvalid\nvalid')" 0 sh -c "printf '1.0\t1.1\n2\t1.9\n1.0\t1.0\n1.0_foo\n1.0-r1\n' | $VIGIL vercmp apk -"
check "unknown scheme" "" 2 "$VIGIL" vercmp nosuch 1 2
if ! grep -q "^vigil: error: unknown version scheme 'nosuch'" /tmp/vercmp-cli.$$; then
  echo "FAIL: version/cli/unknown scheme message: $(cat /tmp/vercmp-cli.$$)"; fail=1
fi
check "invalid version" "" 2 "$VIGIL" vercmp pep440 "french toast" 1.0
check "invalid constraint" "" 2 "$VIGIL" vercmp maven --satisfies 1.0 "[1.0"
check "usage" "" 2 "$VIGIL" vercmp dpkg 1.0
if "$VIGIL" vercmp --help | grep -q "vercmp SCHEME --satisfies"; then echo "PASS: version/cli/help"
else echo "FAIL: version/cli/help: no usage text"; fail=1; fi
rm -f /tmp/vercmp-cli.$$
exit $fail
