// Bindings used only by the benchmark (bench/cases/simdnn.mjs): a raw SGEMM on matrices that
// live in the wasm heap, so the timing measures simdnn::kernels::gemm and nothing else.
// JS times each benchGemmRun(1) call on its own: V8 only swaps in optimised wasm code between
// calls, so one GEMM per call after a warm-up is what a trained model actually sees.
#include <emscripten/bind.h>

#include <vector>

#include "core/error.hpp"
#include "guard.hpp"
#include "kernels/gemm.hpp"

using namespace emscripten;

namespace simdnn::bindings {
namespace {

struct GemmBenchState {
  int n = 0;
  std::vector<float> a, b, c;
};

GemmBenchState& gemm_state() {
  static GemmBenchState state;
  return state;
}

// The same formulas as gemmValueA/gemmValueB in bench/cases/common.mjs, which checks one entry
// of C against them: small exact values, so every library computes the same product.
float gemm_value_a(int row, int col) { return static_cast<float>((row * 7 + col * 3) % 17 - 8) / 8.0f; }
float gemm_value_b(int row, int col) { return static_cast<float>((row * 5 + col * 11) % 13 - 6) / 8.0f; }

void bench_gemm_prepare(int n) {
  guarded([&] {
    check(n > 0 && n <= 4096, "benchGemmPrepare: n must be in [1, 4096], got ", n);
    GemmBenchState& state = gemm_state();
    const size_t count = static_cast<size_t>(n) * static_cast<size_t>(n);
    state.n = n;
    state.a.resize(count);
    state.b.resize(count);
    state.c.assign(count, 0.0f);
    for (int row = 0; row < n; ++row) {
      for (int col = 0; col < n; ++col) {
        state.a[static_cast<size_t>(row) * n + col] = gemm_value_a(row, col);
        state.b[static_cast<size_t>(row) * n + col] = gemm_value_b(row, col);
      }
    }
  });
}

void bench_gemm_run(int repeats) {
  guarded([&] {
    GemmBenchState& state = gemm_state();
    check(state.n > 0, "benchGemmRun: call benchGemmPrepare(n) first");
    check(repeats > 0, "benchGemmRun: repeats must be positive, got ", repeats);
    const int n = state.n;
    for (int i = 0; i < repeats; ++i) {
      kernels::gemm(false, false, n, n, n, 1.0f, state.a.data(), n, state.b.data(), n, 0.0f,
                    state.c.data(), n);
    }
  });
}

float bench_gemm_entry(int row, int col) {
  return guarded([&] {
    const GemmBenchState& state = gemm_state();
    check(state.n > 0, "benchGemmEntry: call benchGemmPrepare(n) first");
    check(row >= 0 && row < state.n && col >= 0 && col < state.n, "benchGemmEntry: (", row, ", ",
          col, ") is outside the ", state.n, "x", state.n, " result");
    return state.c[static_cast<size_t>(row) * state.n + col];
  });
}

void bench_gemm_release() {
  GemmBenchState& state = gemm_state();
  state = GemmBenchState{};  // a fresh state frees the buffers (clear() would keep capacity)
}

}  // namespace
}  // namespace simdnn::bindings

EMSCRIPTEN_BINDINGS(simdnn_bench) {
  using namespace simdnn::bindings;
  function("benchGemmPrepare", &bench_gemm_prepare);
  function("benchGemmRun", &bench_gemm_run);
  function("benchGemmEntry", &bench_gemm_entry);
  function("benchGemmRelease", &bench_gemm_release);
}
