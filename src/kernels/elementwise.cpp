// xsimd elementwise kernels (see simd_loops.hpp for the tail and aliasing rules).
#include "kernels/elementwise.hpp"

#include <algorithm>

#include "core/parallel.hpp"
#include "kernels/simd_loops.hpp"

namespace simdnn::kernels {

using simd::Batch;

void add(const float* a, const float* b, float* out, std::size_t n) {
  simd::transform(n, out, [](Batch x, Batch y) { return x + y; }, a, b);
}

void sub(const float* a, const float* b, float* out, std::size_t n) {
  simd::transform(n, out, [](Batch x, Batch y) { return x - y; }, a, b);
}

void mul(const float* a, const float* b, float* out, std::size_t n) {
  simd::transform(n, out, [](Batch x, Batch y) { return x * y; }, a, b);
}

void axpy(float alpha, const float* x, float* y, std::size_t n) {
  const Batch alpha_b(alpha);
  // Written as mul + add (not fma) so the result matches the scalar reference exactly.
  simd::transform(n, y, [alpha_b](Batch xv, Batch yv) { return yv + alpha_b * xv; }, x,
                  static_cast<const float*>(y));
}

void scale(float alpha, const float* x, float* out, std::size_t n) {
  const Batch alpha_b(alpha);
  simd::transform(n, out, [alpha_b](Batch xv) { return alpha_b * xv; }, x);
}

void add_scalar(const float* x, float value, float* out, std::size_t n) {
  const Batch value_b(value);
  simd::transform(n, out, [value_b](Batch xv) { return xv + value_b; }, x);
}

namespace {
void add_bias_rows_serial(const float* x, const float* bias, float* out, std::size_t rows,
                          std::size_t cols) {
  // Narrow rows (conv layers with 6 or 16 filters) would spend most of their time in the
  // per-row tail. Viewed flat, the bias repeats with period lcm(cols, lanes) floats, so a
  // short tiled copy of it turns the whole buffer into one run of full batches.
  constexpr std::size_t kMaxPeriod = 64;
  if (rows == 0 || cols == 0) return;
  std::size_t period = cols;
  while (period % simd::lanes != 0) period += cols;
  if (cols >= 2 * simd::lanes || period > kMaxPeriod || rows * cols < period) {
    for (std::size_t r = 0; r < rows; ++r) add(x + r * cols, bias, out + r * cols, cols);
    return;
  }
  alignas(16) float pattern[kMaxPeriod];
  for (std::size_t i = 0; i < period; ++i) pattern[i] = bias[i % cols];
  const std::size_t n = rows * cols;
  std::size_t i = 0;
  for (; i + period <= n; i += period)
    for (std::size_t j = 0; j < period; j += simd::lanes)
      (simd::load(x + i + j) + simd::load(pattern + j)).store_unaligned(out + i + j);
  // The rest is whole rows, so the pattern still lines up with it.
  add(x + i, pattern, out + i, n - i);
}
}  // namespace

// Threads take runs of whole rows (about kElementBlock floats each), so the bias pattern
// lines up in every run as it does over the whole buffer.
void add_bias_rows(const float* x, const float* bias, float* out, std::size_t rows,
                   std::size_t cols) {
  if (rows == 0 || cols == 0) return;
  const std::size_t block_rows = std::max<std::size_t>(1, kElementBlock / cols);
  const std::size_t blocks = (rows + block_rows - 1) / block_rows;
  parallel_for(blocks, kMinElementsPerThread / kElementBlock, [&](std::size_t first, std::size_t end) {
    const std::size_t row = first * block_rows;
    const std::size_t count = std::min(rows, end * block_rows) - row;
    add_bias_rows_serial(x + row * cols, bias, out + row * cols, count, cols);
  });
}

void apply_mask(const float* x, const float* mask, float keep_scale, float* out, std::size_t n) {
  const Batch keep_b(keep_scale);
  const Batch zero(0.0f);
  simd::transform(
      n, out,
      [keep_b, zero](Batch xv, Batch mv) { return xsimd::select(mv != zero, xv * keep_b, zero); },
      x, mask);
}

bool all_finite(const float* x, std::size_t n) {
  // x - x is 0 for finite x and NaN for inf or NaN; NaN survives the sum, so one check at
  // the end replaces a branch per batch.
  const float residue = simd::sum_terms(
      n, [x](std::size_t i) { const Batch v = simd::load(x + i); return v - v; },
      [x](std::size_t i) { return x[i] - x[i]; });
  return residue == 0.0f;
}

}  // namespace simdnn::kernels
