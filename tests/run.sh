#!/usr/bin/env bash
# Runs the whole test suite: unit tests, fuzz-corpus replay and the suite scripts
# (tests/*/test_*.sh), each against the normal build and the ASan+UBSan build.
# Prints one PASS/FAIL/SKIP line per check and ends with "N passed, N failed".
#   tests/run.sh [FILTER]   only suites whose path contains FILTER
#   VIGIL_SKIP_ASAN=1       run the normal build only
#   CI=true                 a SKIP is a FAIL unless its reason names a capability the
#                           machine lacks ("capability:", "needs root", ASan-only limits):
#                           a missing tool, data file or download must not pass silently
#   VIGIL_TEST_JOBS=N       steps run at once (default: the number of CPUs); each step's
#                           output is printed whole when it ends, so lines never interleave
# Steps are independent: each makes its own temporary directories and picks free ports;
# shared fixtures under $VIGIL_CACHE are built once, under flock.
set -uo pipefail
cd "$(dirname "$0")/.."
filter=${1:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log=$work/log
: >"$log"
export VIGIL_CACHE=${VIGIL_CACHE:-$HOME/.cache/vigil}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
jobs_max=${VIGIL_TEST_JOBS:-$(nproc)}
[ "$jobs_max" -ge 1 ] 2>/dev/null || jobs_max=1

variants=(build)
[ "${VIGIL_SKIP_ASAN:-0}" = 1 ] || variants+=(build-asan)

# step NAME CMD...: runs one step, keeps its PASS/FAIL/SKIP lines, and records a
# failure when the step exits non-zero without saying why. Writes to stdout only.
step() {
  local name=$1; shift
  local out rc start=$SECONDS
  out=$("$@" 2>&1); rc=$?
  if [ "${CI:-}" = true ]; then
    out=$(printf '%s\n' "$out" | sed -E '/^SKIP: /{/capability:|needs root|ASan/!s/^SKIP: (.*)$/FAIL: \1 [CI=true: a missing tool, data file or download is a failure]/}')
    printf '%s\n' "$out" | grep -q '^FAIL: ' && [ $rc -eq 0 ] && rc=1
  fi
  echo "--- $name ($((SECONDS - start)) s)"
  printf '%s\n' "$out" | grep -E '^(PASS|FAIL|SKIP): '
  if [ $rc -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^FAIL: '; then
    echo "FAIL: $name: exited $rc"
    printf '%s\n' "$out" | tail -20 | sed 's/^/    /'
  elif [ $rc -ne 0 ]; then
    printf '%s\n' "$out" | grep -v -E '^(PASS|SKIP): ' | tail -30 | sed 's/^/    /'
  fi
}

replay() {   # replay BUILD TARGET: the committed corpus, and the seeds derived from ../shared
  local out rc extra=()
  [ -d "$SHARED_SEEDS/$2" ] && extra=("$SHARED_SEEDS/$2")
  out=$("$1/fuzz_$2" "tests/fuzz/corpus/$2" "${extra[@]}" 2>&1); rc=$?
  if [ $rc -eq 0 ]; then echo "PASS: fuzz/$2 ($1): $out"
  else echo "FAIL: fuzz/$2 ($1): exit $rc"; printf '%s\n' "$out" | tail -20; fi
}

# fuzz seeds derived from the real data in ../shared (never committed): made once per run
export SHARED_SEEDS=$work/shared-seeds
if [ -z "$filter" ] || [[ fuzz == *"$filter"* ]]; then
  if ! msg=$(python3 tests/fuzz/shared-seeds.py "${VIGIL_SHARED:-../shared}" "$SHARED_SEEDS" 2>&1); then
    echo "SKIP: fuzz/shared-seeds: ${msg:0:300}" | tee -a "$log"
    [ "${CI:-}" = true ] && echo "FAIL: fuzz/shared-seeds: ../shared seeds missing [CI=true]" | tee -a "$log"
  else
    echo "PASS: fuzz/shared-seeds: $msg" | tee -a "$log"
  fi
fi

# the step list: NAME<TAB>COMMAND (a bash command line)
steps=()
for b in "${variants[@]}"; do
  if [ -z "$filter" ] || [[ unit == *"$filter"* ]]; then
    steps+=("unit ($b)"$'\t'"$b/test_unit")
  fi
  if [ -z "$filter" ] || [[ fuzz == *"$filter"* ]]; then
    fz=()
    for f in tests/fuzz/fuzz_*.c; do
      t=$(basename "$f" .c); fz+=("${t#fuzz_}")
    done
    # the replays are short: one step per build
    steps+=("fuzz replay ($b)"$'\t'"for t in ${fz[*]}; do replay $b \$t; done")
  fi
  for s in tests/*/test_*.sh; do
    [ -e "$s" ] || continue
    [ -z "$filter" ] || [[ $s == *"$filter"* ]] || continue
    steps+=("$s ($b)"$'\t'"env VIGIL=$PWD/$b/vigil bash $s")
  done
done

export -f step replay
{
  running=0
  i=0
  for s in "${steps[@]}"; do
    name=${s%%$'\t'*}; cmd=${s#*$'\t'}
    ( step "$name" bash -c "$cmd" >"$work/$i.out" 2>&1
      flock "$work/lock" cat "$work/$i.out" ) &
    i=$((i + 1)); running=$((running + 1))
    if [ "$running" -ge "$jobs_max" ]; then
      wait -n; running=$((running - 1))
    fi
  done
  wait
} | tee -a "$log"

pass=$(grep -c '^PASS: ' "$log"); fail=$(grep -c '^FAIL: ' "$log"); skip=$(grep -c '^SKIP: ' "$log")
# distinct checks: the same check in both builds counts once
distinct=$(grep -E '^(PASS|FAIL): ' "$log" | sed -E 's/ \((build|build-asan)\)//g' | sort -u | wc -l)
echo
if [ "$skip" -gt 0 ]; then
  echo "Skipped (the machine lacks what they need):"; grep '^SKIP: ' "$log" | sort -u | sed 's/^/  /'
fi
if [ "$fail" -gt 0 ]; then
  echo "Failures:"; grep '^FAIL: ' "$log" | sed 's/^/  /'
fi
echo "$pass passed, $fail failed, $skip skipped ($distinct distinct checks)"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
