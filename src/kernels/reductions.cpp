// xsimd reductions. Sums run in float lanes with four accumulators, so they differ from
// the double-accumulating reference by rounding only.
#include "kernels/reductions.hpp"

#include <algorithm>

#include "kernels/elementwise.hpp"
#include "kernels/simd_loops.hpp"

namespace simdnn::kernels {

using simd::Batch;

float sum(const float* x, std::size_t n) {
  return simd::sum_terms(
      n, [x](std::size_t i) { return simd::load(x + i); }, [x](std::size_t i) { return x[i]; });
}

float sum_squares(const float* x, std::size_t n) {
  return simd::sum_terms(
      n, [x](std::size_t i) { const Batch v = simd::load(x + i); return v * v; },
      [x](std::size_t i) { return x[i] * x[i]; });
}

float dot(const float* a, const float* b, std::size_t n) {
  return simd::sum_terms(
      n, [a, b](std::size_t i) { return simd::load(a + i) * simd::load(b + i); },
      [a, b](std::size_t i) { return a[i] * b[i]; });
}

float max(const float* x, std::size_t n) { return simd::max_of(x, n); }

void sum_rows(const float* x, std::size_t rows, std::size_t cols, float* out, bool accumulate) {
  // Row by row keeps the reads contiguous; out (one row long) stays in cache.
  std::size_t first_row = 0;
  if (!accumulate) {
    if (rows == 0) {
      std::fill_n(out, cols, 0.0f);
      return;
    }
    std::copy_n(x, cols, out);
    first_row = 1;
  }
  for (std::size_t r = first_row; r < rows; ++r) add(out, x + r * cols, out, cols);
}

void argmax_rows(const float* x, std::size_t rows, std::size_t cols, int* out) {
  for (std::size_t r = 0; r < rows; ++r) {
    const float* row = x + r * cols;
    out[r] = 0;
    if (cols == 0) continue;
    // Vector max, then the first position holding it; a row without a match (NaNs) keeps 0.
    const float best = simd::max_of(row, cols);
    for (std::size_t c = 0; c < cols; ++c) {
      if (row[c] == best) {
        out[r] = static_cast<int>(c);
        break;
      }
    }
  }
}

}  // namespace simdnn::kernels
