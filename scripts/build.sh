#!/usr/bin/env bash
# Builds, incrementally, with at most 2 parallel jobs (the machines have 2 cores):
#   build/native  native Release build: engine + Catch2 suite (build/native/simdnn_tests)
#   build/wasm    Emscripten Release build: dist/simdnn.{mjs,wasm} and the same Catch2 suite
#                 as build/wasm/simdnn_tests.cjs (ctest runs it under node)
#   build/wasm-threads  the threaded module dist/simdnn-threads.{mjs,wasm,worker.js} (-pthread,
#                 a fixed pool of pthread workers; web/load.js picks it, see docs/performance.md).
#                 The engine only: the Catch2 suite covers threads natively (tests/cpp/parallel_test)
#                 and tests/node/threads.test.js compares this module with the single-threaded one
#   build/asan    clang build under AddressSanitizer + UndefinedBehaviorSanitizer: the Catch2
#                 suite (build/asan/simdnn_tests) and the libFuzzer targets (build/asan/fuzz_*)
# Usage: scripts/build.sh [native|wasm|wasm-threads|asan]...   (default: native, wasm, wasm-threads)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'build: %s\n' "$*"; }
now() { date +%s.%N; }
seconds_since() { awk -v start="$1" -v end="$(now)" 'BEGIN { printf "%.1f", end - start }'; }

jobs=2
targets=("$@")
((${#targets[@]})) || targets=(native wasm wasm-threads)

configure_native() {
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release
}

configure_asan() {
  # clang: libFuzzer ships with it, and one instrumented engine serves both the suite and
  # the fuzz targets.
  CC=clang CXX=clang++ cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Release \
    -DSIMDNN_SANITIZE=ON -DSIMDNN_FUZZ=ON
}

configure_wasm() {
  # emcmake's toolchain would pick `node --experimental-wasm-threads` as the test emulator,
  # which Node 20 rejects: name node explicitly.
  emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CROSSCOMPILING_EMULATOR="$(command -v node)"
}

configure_wasm_threads() {
  emcmake cmake -S . -B build/wasm-threads -DCMAKE_BUILD_TYPE=Release -DSIMDNN_WASM_THREADS=ON \
    -DSIMDNN_TESTS=OFF
}

expect_outputs() {
  for file in "$@"; do
    [[ -s $file ]] || { say "FAILED: expected output $file is missing"; exit 1; }
  done
}

for target in "${targets[@]}"; do
  case $target in
    native|wasm|wasm-threads|asan) ;;
    *) say "unknown target '$target' (expected native, wasm, wasm-threads or asan)"; exit 2 ;;
  esac
  start=$(now)
  # Configure once; afterwards `cmake --build` re-runs CMake itself when CMake files or the
  # globbed source lists change.
  if [[ ! -f build/$target/Makefile && ! -f build/$target/build.ninja ]]; then
    say "configuring $target"
    "configure_${target//-/_}" || { say "FAILED: configuring $target"; exit 1; }
  fi
  say "building $target (-j$jobs)"
  cmake --build "build/$target" -j "$jobs" || { say "FAILED: building $target"; exit 1; }
  if [[ $target == native ]]; then
    expect_outputs build/native/simdnn_tests
  elif [[ $target == wasm-threads ]]; then
    expect_outputs dist/simdnn-threads.mjs dist/simdnn-threads.wasm dist/simdnn-threads.worker.js \
      dist/package.json
  elif [[ $target == asan ]]; then
    expect_outputs build/asan/simdnn_tests build/asan/fuzz_model_loader build/asan/fuzz_idx_reader
  else
    expect_outputs dist/simdnn.mjs dist/simdnn.wasm build/wasm/simdnn_tests.cjs
  fi
  say "$target done in $(seconds_since "$start") s"
done
