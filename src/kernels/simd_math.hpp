#pragma once
// exp and tanh on batches without float <-> int conversion instructions. xsimd's versions
// round and scale through _mm_cvtps_epi32 / _mm_cvttps_epi32, which Emscripten's SSE2
// layer emulates lane by lane with lrint calls: 4.5 ns per element in wasm, against 2.1 here
// (docs/performance.md). Both are at most 1-2 ulp from std::exp / std::tanh (tested in
// kernels_activations_test.cpp), natively and in wasm, so the two builds agree.
#include <cstdint>
#include <limits>

#include "kernels/simd_loops.hpp"

namespace simdnn::kernels::simd {

// exp(x) = 2^k * e^r with k = round(x / ln 2) and |r| <= ln 2 / 2 (Cody-Waite: ln 2 in two
// parts, so k * ln 2 is subtracted without rounding error), e^r by a degree-7 polynomial
// (the Cephes expf coefficients). The rounding adds 1.5 * 2^23, which leaves k in the low
// mantissa bits; 2^k is applied as two halves so denormal results (k down to -150) and
// k = 128 stay exact. NaN passes through; overflow gives inf, underflow 0.
inline Batch exp(const Batch& x) {
  using Ints = xsimd::batch<std::int32_t>;
  const Batch max_arg(88.72283905206835f), min_arg(-103.972077083991796f);
  const Batch clamped = xsimd::min(xsimd::max(x, min_arg), max_arg);
  const Batch shifter(12582912.0f);  // 1.5 * 2^23
  const Batch shifted = clamped * Batch(1.44269504088896341f) + shifter;
  const Batch k = shifted - shifter;
  const Batch r = (clamped - k * Batch(0.693359375f)) - k * Batch(-2.12194440e-4f);
  Batch p(1.9875691500e-4f);
  p = p * r + Batch(1.3981999507e-3f);
  p = p * r + Batch(8.3334519073e-3f);
  p = p * r + Batch(4.1665795894e-2f);
  p = p * r + Batch(1.6666665459e-1f);
  p = p * r + Batch(5.0000001201e-1f);
  p = p * (r * r) + r + Batch(1.0f);
  const Ints k_int = xsimd::bitwise_cast<Ints>(shifted) - xsimd::bitwise_cast<Ints>(shifter);
  const Ints half = k_int >> 1;
  const Batch scale_low = xsimd::bitwise_cast<Batch>((half + Ints(127)) << 23);
  const Batch scale_high = xsimd::bitwise_cast<Batch>((k_int - half + Ints(127)) << 23);
  Batch y = p * scale_low * scale_high;
  y = xsimd::select(x > max_arg, Batch(std::numeric_limits<float>::infinity()), y);
  y = xsimd::select(x < min_arg, Batch(0.0f), y);
  return xsimd::select(x != x, x, y);
}

// tanh: below |x| = 0.625 the Cephes tanhf odd polynomial (1 - 2 / (e^2|x| + 1) would lose
// the relative accuracy of small results to cancellation); above it, that formula with the
// sign restored. NaN passes through.
inline Batch tanh(const Batch& x) {
  const Batch a = xsimd::abs(x);
  const Batch z = x * x;
  Batch p(-5.70498872745e-3f);
  p = p * z + Batch(2.06390887954e-2f);
  p = p * z + Batch(-5.37397155531e-2f);
  p = p * z + Batch(1.33314422036e-1f);
  p = p * z + Batch(-3.33332819422e-1f);
  const Batch small = p * z * x + x;
  const Batch large_abs = Batch(1.0f) - Batch(2.0f) / (exp(a + a) + Batch(1.0f));
  const Batch large = xsimd::select(x < Batch(0.0f), -large_abs, large_abs);
  return xsimd::select(a < Batch(0.625f), small, large);
}

}  // namespace simdnn::kernels::simd
