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

namespace {

// Narrow rows (a conv layer's bias gradient: 6 or 16 filters over every pixel of the batch)
// cost a call per row. Viewed flat, the columns repeat with period lcm(cols, lanes) floats
// (V batches): V accumulators sum whole periods, then fold into the columns, then the last
// rows that do not fill a period are added. Returns false when the period is too long (rows
// of more than 32 floats, or of 9-31 floats whose period would exceed 32).
template <int V>
void sum_periods(const float* x, std::size_t periods, float* folded) {
  Batch acc[V];
  for (int v = 0; v < V; ++v) acc[v] = Batch(0.0f);
  for (std::size_t p = 0; p < periods; ++p, x += V * simd::lanes)
    for (int v = 0; v < V; ++v) acc[v] += simd::load(x + v * simd::lanes);
  for (int v = 0; v < V; ++v) acc[v].store_unaligned(folded + v * simd::lanes);
}

bool sum_narrow_rows(const float* x, std::size_t rows, std::size_t cols, float* out) {
  constexpr std::size_t kMaxPeriod = 32;
  std::size_t period = cols;
  while (period % simd::lanes != 0) period += cols;
  if (cols == 0 || period > kMaxPeriod || rows * cols < period) return false;
  const std::size_t periods = rows * cols / period;
  float folded[kMaxPeriod];
  switch (period / simd::lanes) {
    case 1: sum_periods<1>(x, periods, folded); break;
    case 2: sum_periods<2>(x, periods, folded); break;
    case 3: sum_periods<3>(x, periods, folded); break;
    case 4: sum_periods<4>(x, periods, folded); break;
    case 5: sum_periods<5>(x, periods, folded); break;
    case 6: sum_periods<6>(x, periods, folded); break;
    case 7: sum_periods<7>(x, periods, folded); break;
    default: sum_periods<8>(x, periods, folded); break;
  }
  for (std::size_t i = 0; i < period; ++i) out[i % cols] += folded[i];
  for (std::size_t r = periods * period / cols; r < rows; ++r) add(out, x + r * cols, out, cols);
  return true;
}

}  // namespace

void sum_rows(const float* x, std::size_t rows, std::size_t cols, float* out, bool accumulate) {
  if (!accumulate) std::fill_n(out, cols, 0.0f);
  if (sum_narrow_rows(x, rows, cols, out)) return;
  // Row by row keeps the reads contiguous; out (one row long) stays in cache.
  for (std::size_t r = 0; r < rows; ++r) add(out, x + r * cols, out, cols);
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
