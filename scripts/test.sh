#!/usr/bin/env bash
# Runs every test suite in order, stopping at the first failing phase:
#   native Catch2 (ctest, build/native) -> the same suite under ASan + UBSan (build/asan)
#   -> a bounded libFuzzer run over the model loader and IDX reader (scripts/fuzz.sh)
#   -> wasm Catch2 (ctest under node, build/wasm)
#   -> node --test tests/node/ -> node --test tests/browser/ (headless chromium)
#   -> node --test tests/slow/ (accuracy on real data; minutes, not seconds)
# Expects scripts/build.sh and scripts/prepare-data.mjs to have run (npm test does both first).
# Prints each phase's duration and test count, then one summary line.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log_dir=build/test-logs
mkdir -p "$log_dir"
now() { date +%s.%N; }
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Sanitizer reports fail the run: UBSan halts on the first error, ASan also checks leaks.
# allocator_may_return_null: the engine allocates tensors with nothrow new and reports a null
# as an Error (as the wasm heap does at its ceiling); ASan would otherwise abort first.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1:strict_string_checks=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
phase_names=(native-catch2 asan-catch2 fuzz wasm-catch2 node browser slow)
phase_commands=(
  "ctest --test-dir build/native --output-on-failure -V"
  "build/asan/simdnn_tests"
  "env ASAN_OPTIONS= bash scripts/fuzz.sh ${FUZZ_SECONDS:-30}"
  "ctest --test-dir build/wasm --output-on-failure -V"
  "node --test --test-reporter=spec tests/node/"
  "node --test --test-reporter=spec tests/browser/"
  "node --test --test-reporter=spec tests/slow/"
)

# Test counts from each runner's own closing lines: Catch2 (one ctest test runs every case)
# and node's spec reporter.
count_tests() {
  local log=$1 passed=0 failed=0 line
  if line=$(grep -E '^([0-9]+: )?All tests passed \(.* in [0-9]+ test cases?\)' "$log" | tail -1); [[ -n $line ]]; then
    passed=$(sed -E 's/.* in ([0-9]+) test cases?\)/\1/' <<<"$line")
  elif line=$(grep -E '^([0-9]+: )?test cases: +[0-9]+' "$log" | tail -1); [[ -n $line ]]; then
    passed=$(sed -nE 's/.*\| +([0-9]+) passed.*/\1/p' <<<"$line"); passed=${passed:-0}
    failed=$(sed -nE 's/.*\| +([0-9]+) failed.*/\1/p' <<<"$line"); failed=${failed:-0}
  else
    passed=$(sed -nE 's/^ℹ pass ([0-9]+)$/\1/p' "$log" | tail -1); passed=${passed:-0}
    failed=$(sed -nE 's/^ℹ fail ([0-9]+)$/\1/p' "$log" | tail -1); failed=${failed:-0}
  fi
  echo "$passed $failed"
}

total_passed=0
total_failed=0
summary=()
suite_start=$(now)
status=0
for i in "${!phase_names[@]}"; do
  name=${phase_names[$i]}
  log="$log_dir/$name.log"
  echo "=== test: $name: ${phase_commands[$i]}"
  start=$(now)
  ${phase_commands[$i]} 2>&1 | tee "$log"
  phase_status=${PIPESTATUS[0]}
  seconds=$(seconds_between "$start" "$(now)")
  read -r passed failed < <(count_tests "$log")
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  if ((phase_status != 0)); then
    ((failed > 0)) || total_failed=$((total_failed + 1))  # a crash counts as a failure
    summary+=("$name: FAILED (${seconds} s)")
    echo "=== test: $name FAILED after ${seconds} s (log: $log)"
    status=1
    break
  fi
  summary+=("$name: ${passed} passed (${seconds} s)")
  echo "=== test: $name passed: ${passed} tests in ${seconds} s"
done

echo "=== test: $(IFS='|'; echo "${summary[*]}" | sed 's/|/, /g'); total $(seconds_between "$suite_start" "$(now)") s"
echo "tests: ${total_passed} passed, ${total_failed} failed"
exit "$status"
