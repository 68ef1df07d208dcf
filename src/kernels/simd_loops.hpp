#pragma once
// Internal helpers for the xsimd kernels: loops over a buffer in whole batches, with the
// tail (n not a multiple of the lane width) handled by the same vector code on a padded
// copy, so fast-path results do not depend on where an element sits in the buffer.
//
// xsimd 8.1 picks sse2 natively; under emcc -msimd128 -msse2 Emscripten translates the
// SSE2 intrinsics to WASM SIMD. Either way a batch holds 4 floats.
#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <array>
#include <cstddef>

namespace simdnn::kernels::simd {

using Batch = xsimd::batch<float>;
inline constexpr std::size_t lanes = Batch::size;

inline Batch load(const float* p) { return Batch::load_unaligned(p); }

// Copies count (< lanes) floats into a batch whose other lanes hold pad.
inline Batch load_partial(const float* p, std::size_t count, float pad = 0.0f) {
  std::array<float, lanes> padded;
  padded.fill(pad);
  std::copy_n(p, count, padded.data());
  return load(padded.data());
}

// The 4 x 4 transpose of rows a, b, c, d: columns[i] holds lane i of each row, in order.
// Pairs of floats move as doubles: (a0 b0)(c0 d0) is column 0, (a1 b1)(c1 d1) column 1, ...
inline void transpose4(const Batch& a, const Batch& b, const Batch& c, const Batch& d,
                       Batch columns[4]) {
  using Pairs = xsimd::batch<double>;
  const Pairs ab_lo = xsimd::bitwise_cast<Pairs>(xsimd::zip_lo(a, b));  // a0 b0 a1 b1
  const Pairs ab_hi = xsimd::bitwise_cast<Pairs>(xsimd::zip_hi(a, b));  // a2 b2 a3 b3
  const Pairs cd_lo = xsimd::bitwise_cast<Pairs>(xsimd::zip_lo(c, d));
  const Pairs cd_hi = xsimd::bitwise_cast<Pairs>(xsimd::zip_hi(c, d));
  columns[0] = xsimd::bitwise_cast<Batch>(xsimd::zip_lo(ab_lo, cd_lo));
  columns[1] = xsimd::bitwise_cast<Batch>(xsimd::zip_hi(ab_lo, cd_lo));
  columns[2] = xsimd::bitwise_cast<Batch>(xsimd::zip_lo(ab_hi, cd_hi));
  columns[3] = xsimd::bitwise_cast<Batch>(xsimd::zip_hi(ab_hi, cd_hi));
}

inline void store_partial(const Batch& value, float* p, std::size_t count) {
  std::array<float, lanes> result;
  value.store_unaligned(result.data());
  std::copy_n(result.data(), count, p);
}

// out[i..] = op(in_0[i..], in_1[i..], ...) batch by batch. Every input batch is loaded
// before the output batch is stored, so out may alias any input. Tail lanes are padded
// with 0, a value every op here handles without overflow or division by zero.
template <typename Op, typename... Inputs>
inline void transform(std::size_t n, float* out, Op op, Inputs... inputs) {
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) op(load(inputs + i)...).store_unaligned(out + i);
  if (i < n) {
    const std::size_t rest = n - i;
    store_partial(op(load_partial(inputs + i, rest)...), out + i, rest);
  }
}

// Sums term(i) over the whole batches with four independent accumulators (hides the
// add latency), then adds scalar_term(i) for the tail.
template <typename VectorTerm, typename ScalarTerm>
inline float sum_terms(std::size_t n, VectorTerm term, ScalarTerm scalar_term) {
  Batch acc0(0.0f), acc1(0.0f), acc2(0.0f), acc3(0.0f);
  std::size_t i = 0;
  for (; i + 4 * lanes <= n; i += 4 * lanes) {
    acc0 += term(i);
    acc1 += term(i + lanes);
    acc2 += term(i + 2 * lanes);
    acc3 += term(i + 3 * lanes);
  }
  for (; i + lanes <= n; i += lanes) acc0 += term(i);
  float total = xsimd::hadd((acc0 + acc1) + (acc2 + acc3));
  for (; i < n; ++i) total += scalar_term(i);
  return total;
}

// Largest lane of a batch.
inline float lane_max(const Batch& value) {
  std::array<float, lanes> values;
  value.store_unaligned(values.data());
  return *std::max_element(values.begin(), values.end());
}

// Maximum of x[0..n), n >= 1. NaN inputs give an unspecified result.
inline float max_of(const float* x, std::size_t n) {
  Batch best0(x[0]), best1(x[0]);
  std::size_t i = 0;
  for (; i + 2 * lanes <= n; i += 2 * lanes) {
    best0 = xsimd::max(best0, load(x + i));
    best1 = xsimd::max(best1, load(x + i + lanes));
  }
  if (i + lanes <= n) {
    best0 = xsimd::max(best0, load(x + i));
    i += lanes;
  }
  float best = lane_max(xsimd::max(best0, best1));
  for (; i < n; ++i) best = std::max(best, x[i]);
  return best;
}

}  // namespace simdnn::kernels::simd
