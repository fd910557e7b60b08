#!/usr/bin/env bash
# Style checks that CI can make: every C file is clang-formatted, and functions that are
# unsafe on untrusted input (STYLE.md) do not appear in the library or the CLI.
set -uo pipefail
cd "$(dirname "$0")/../.."
fail=0

if command -v clang-format >/dev/null; then
  bad=()
  for f in $(git ls-files '*.c' '*.h'); do
    clang-format "$f" | cmp -s "$f" - || bad+=("$f")
  done
  if [ ${#bad[@]} -eq 0 ]; then echo "PASS: style: clang-format"
  else echo "FAIL: style: clang-format: not formatted (run 'make format'): ${bad[*]}"; fail=1; fi
else
  echo "SKIP: style: clang-format: not installed"
fi

banned='\b(sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|sscanf|gets)[[:space:]]*\('
hits=$(git grep -nE "$banned" -- 'src/*.c' 'src/*.h' 'include/*.h' || true)
if [ -z "$hits" ]; then echo "PASS: style: no banned functions in src/"
else echo "FAIL: style: banned functions in src/: $hits"; fail=1; fi

# every deliberate bug of `make mutate` still applies exactly once to the tree as it is
# (a mutation whose text has moved would prove nothing: mutate.py refuses to run it)
if out=$(python3 scripts/mutate.py --list 2>&1); then
  echo "PASS: style: make mutate list applies ($(echo "$out" | tail -1))"
else
  echo "FAIL: style: make mutate list: $(echo "$out" | grep '^BAD' | head -5 | tr '\n' ' ')"; fail=1
fi
exit $fail
