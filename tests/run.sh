#!/usr/bin/env bash
# Runs the whole test suite: unit tests, fuzz-corpus replay and the suite scripts
# (tests/*/test_*.sh), each against the normal build and the ASan+UBSan build.
# Prints one PASS/FAIL/SKIP line per check and ends with "N passed, N failed".
#   tests/run.sh [FILTER]   only suites whose path contains FILTER
#   VIGIL_SKIP_ASAN=1       run the normal build only
set -uo pipefail
cd "$(dirname "$0")/.."
filter=${1:-}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
export VIGIL_CACHE=${VIGIL_CACHE:-$HOME/.cache/vigil}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

variants=(build)
[ "${VIGIL_SKIP_ASAN:-0}" = 1 ] || variants+=(build-asan)

# run NAME CMD...: runs one step, keeps its PASS/FAIL/SKIP lines, and records a
# failure when the step exits non-zero without saying why
run() {
  local name=$1; shift
  local out rc
  out=$("$@" 2>&1); rc=$?
  printf '%s\n' "$out" | grep -E '^(PASS|FAIL|SKIP): ' | tee -a "$log"
  if [ $rc -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^FAIL: '; then
    echo "FAIL: $name: exited $rc" | tee -a "$log"
    printf '%s\n' "$out" | tail -20 | sed 's/^/    /'
  elif [ $rc -ne 0 ]; then
    printf '%s\n' "$out" | grep -v -E '^(PASS|SKIP): ' | tail -30 | sed 's/^/    /'
  fi
}

replay() {   # replay BUILD TARGET
  local out rc
  out=$("$1/fuzz_$2" "tests/fuzz/corpus/$2" 2>&1); rc=$?
  if [ $rc -eq 0 ]; then echo "PASS: fuzz/$2 ($1): $out"
  else echo "FAIL: fuzz/$2 ($1): exit $rc"; printf '%s\n' "$out" | tail -20; fi
}

for b in "${variants[@]}"; do
  if [ -z "$filter" ] || [[ unit == *"$filter"* ]]; then
    run "unit ($b)" "$b/test_unit"
  fi
  if [ -z "$filter" ] || [[ fuzz == *"$filter"* ]]; then
    for f in tests/fuzz/fuzz_*.c; do
      t=$(basename "$f" .c); t=${t#fuzz_}
      run "fuzz/$t ($b)" replay "$b" "$t"
    done
  fi
  for s in tests/*/test_*.sh; do
    [ -e "$s" ] || continue
    [ -z "$filter" ] || [[ $s == *"$filter"* ]] || continue
    echo "--- $s ($b)"
    run "$s ($b)" env VIGIL="$PWD/$b/vigil" bash "$s"
  done
done

pass=$(grep -c '^PASS: ' "$log"); fail=$(grep -c '^FAIL: ' "$log"); skip=$(grep -c '^SKIP: ' "$log")
echo
if [ "$fail" -gt 0 ]; then
  echo "Failures:"; grep '^FAIL: ' "$log" | sed 's/^/  /'
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
