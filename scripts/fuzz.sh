#!/usr/bin/env bash
# Runs each libFuzzer target (build/asan/fuzz_*, from `scripts/build.sh asan`) for a bounded
# time over its committed seed corpus, with memory and time per input bounded. New inputs go
# to build/fuzz-corpus/<target> so the committed corpus only changes by hand; crash inputs are
# written to build/fuzz-findings/.
# Usage: scripts/fuzz.sh [seconds per target]   (default 30; FUZZ_SECONDS also works)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${1:-${FUZZ_SECONDS:-30}}
findings=build/fuzz-findings
mkdir -p "$findings"
# In a browser the wasm heap stops at 2 GiB and an allocation beyond it returns null, which the
# engine reports as an Error. max_allocation_size_mb gives the native fuzz run the same refusal
# path (a file declaring a 4 GiB layer gets "out of memory", not gigabytes of RSS); leaks on
# error paths are findings (libFuzzer checks each input that allocates).
export ASAN_OPTIONS=${ASAN_OPTIONS:-allocator_may_return_null=1:max_allocation_size_mb=256}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

status=0
total_runs=0
for target in model_loader idx_reader; do
  binary=build/asan/fuzz_$target
  [[ -x $binary ]] || { echo "fuzz: $binary is missing: run scripts/build.sh asan"; exit 1; }
  scratch=build/fuzz-corpus/$target
  mkdir -p "$scratch"
  log=$findings/$target.log
  echo "fuzz: $target for ${seconds} s"
  # -max_len: a model.json big enough to describe real models, small enough to mutate well.
  # -rss_limit_mb / -timeout: an input may not take more than 1 GiB or 10 s. Single allocations
  # are bounded by max_allocation_size_mb above, so libFuzzer's own malloc limit is left above it.
  if "$binary" "$scratch" "tests/fuzz/corpus/$target" -max_total_time="$seconds" \
      -max_len=16384 -rss_limit_mb=1024 -malloc_limit_mb=4096 -timeout=10 \
      -artifact_prefix="$findings/$target-" -print_final_stats=1 >"$log" 2>&1; then
    runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -1)
    total_runs=$((total_runs + ${runs:-0}))
    echo "fuzz: $target: ${runs:-?} executions, no crash ($(grep -c . "$log") log lines in $log)"
  else
    echo "fuzz: $target FOUND A PROBLEM; the input is in $findings/; log:"
    grep -E "ERROR|SUMMARY|runtime error|==[0-9]+==|Test unit written" "$log" | head -20
    status=1
  fi
done
echo "fuzz: ${total_runs} executions in total"
exit "$status"
