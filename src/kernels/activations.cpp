// xsimd activation kernels: the same formulas as activations_reference.cpp, lane-wise.
// Exponentials only ever see arguments <= 0 (via -|x| or min(x, 0)), so nothing
// overflows for large |x|. Tail and aliasing rules: see simd_loops.hpp.
#include "kernels/activations.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "kernels/activation_constants.hpp"
#include "kernels/reductions.hpp"
#include "kernels/simd_loops.hpp"
#include "kernels/simd_math.hpp"

namespace simdnn::kernels {
namespace {

using namespace simdnn::kernels::detail;
using simd::Batch;

Batch sigmoid(Batch x) {
  const Batch e = simd::exp(-xsimd::abs(x));  // in (0, 1]
  const Batch r = Batch(1.0f) / (Batch(1.0f) + e);
  return xsimd::select(x >= Batch(0.0f), r, e * r);
}

Batch negative_part_exp(Batch x) { return simd::exp(xsimd::min(x, Batch(0.0f))); }

// Φ(x), the standard normal CDF, for the exact GELU.
Batch normal_cdf(Batch x) { return Batch(0.5f) * (Batch(1.0f) + xsimd::erf(x * Batch(inv_sqrt2))); }

void forward_elementwise(Activation kind, float alpha, const float* x, float* y, std::size_t n) {
  const Batch zero(0.0f);
  const Batch alpha_b(alpha);
  switch (kind) {
    case Activation::linear:
      return simd::transform(n, y, [](Batch v) { return v; }, x);
    case Activation::relu:
      return simd::transform(n, y, [zero](Batch v) { return xsimd::max(v, zero); }, x);
    case Activation::leaky_relu:
      return simd::transform(
          n, y, [=](Batch v) { return xsimd::select(v > zero, v, alpha_b * v); }, x);
    case Activation::elu:
      return simd::transform(
          n, y,
          [=](Batch v) { return xsimd::select(v > zero, v, alpha_b * xsimd::expm1(xsimd::min(v, zero))); },
          x);
    case Activation::selu: {
      const Batch scale_b(selu_scale), scaled_alpha(selu_scale * selu_alpha);
      return simd::transform(
          n, y,
          [=](Batch v) {
            return xsimd::select(v > zero, scale_b * v, scaled_alpha * xsimd::expm1(xsimd::min(v, zero)));
          },
          x);
    }
    case Activation::sigmoid:
      return simd::transform(n, y, [](Batch v) { return sigmoid(v); }, x);
    case Activation::tanh:
      return simd::transform(n, y, [](Batch v) { return simd::tanh(v); }, x);
    case Activation::softplus:
      return simd::transform(
          n, y,
          [zero](Batch v) { return xsimd::log1p(simd::exp(-xsimd::abs(v))) + xsimd::max(v, zero); },
          x);
    case Activation::gelu:
      return simd::transform(n, y, [](Batch v) { return v * normal_cdf(v); }, x);
    case Activation::swish:
      return simd::transform(n, y, [](Batch v) { return v * sigmoid(v); }, x);
    case Activation::hard_sigmoid: {
      const Batch slope(0.2f), offset(0.5f), one(1.0f);
      return simd::transform(
          n, y, [=](Batch v) { return xsimd::min(xsimd::max(slope * v + offset, zero), one); }, x);
    }
    case Activation::softmax: break;
  }
  fail("activation_forward: unhandled activation ", static_cast<int>(kind));
}

// dx = dy * f'(x); kinks follow the reference (relu' (0) = 0, selu' (0) = scale, ...).
void backward_elementwise(Activation kind, float alpha, const float* x, const float* y,
                          const float* dy, float* dx, std::size_t n) {
  const Batch zero(0.0f), one(1.0f);
  const Batch alpha_b(alpha);
  switch (kind) {
    case Activation::linear:
      return simd::transform(n, dx, [](Batch g) { return g; }, dy);
    case Activation::relu:
      return simd::transform(
          n, dx, [zero](Batch v, Batch g) { return xsimd::select(v > zero, g, zero); }, x, dy);
    case Activation::leaky_relu:
      return simd::transform(
          n, dx, [=](Batch v, Batch g) { return xsimd::select(v > zero, g, alpha_b * g); }, x, dy);
    case Activation::elu:
      return simd::transform(
          n, dx,
          [=](Batch v, Batch g) {
            return xsimd::select(v > zero, g, g * alpha_b * negative_part_exp(v));
          },
          x, dy);
    case Activation::selu: {
      const Batch scale_b(selu_scale), scaled_alpha(selu_scale * selu_alpha);
      return simd::transform(
          n, dx,
          [=](Batch v, Batch g) {
            return g * xsimd::select(v >= zero, scale_b, scaled_alpha * negative_part_exp(v));
          },
          x, dy);
    }
    case Activation::sigmoid:
      return simd::transform(
          n, dx, [one](Batch out, Batch g) { return g * (out * (one - out)); }, y, dy);
    case Activation::tanh:
      return simd::transform(
          n, dx, [one](Batch out, Batch g) { return g * (one - out * out); }, y, dy);
    case Activation::softplus:
      return simd::transform(n, dx, [](Batch v, Batch g) { return g * sigmoid(v); }, x, dy);
    case Activation::gelu: {
      const Batch density_scale(inv_sqrt_2pi), minus_half(-0.5f);
      return simd::transform(
          n, dx,
          [=](Batch v, Batch g) {
            const Batch density = density_scale * simd::exp(minus_half * v * v);
            return g * (normal_cdf(v) + v * density);
          },
          x, dy);
    }
    case Activation::swish:
      return simd::transform(
          n, dx,
          [one](Batch v, Batch g) {
            const Batch s = sigmoid(v);
            return g * (s * (one + v * (one - s)));
          },
          x, dy);
    case Activation::hard_sigmoid: {
      const Batch lower(-2.5f), upper(2.5f), slope(0.2f);
      return simd::transform(
          n, dx,
          [=](Batch v, Batch g) {
            return xsimd::select((v > lower) && (v < upper), slope * g, zero);
          },
          x, dy);
    }
    case Activation::softmax: break;
  }
  fail("activation_backward: unhandled activation ", static_cast<int>(kind));
}

// Per row: subtract the row max (so exp never overflows), exponentiate, normalise.
void softmax_forward_rows(const float* x, float* y, std::size_t rows, std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r) {
    const float* in = x + r * cols;
    float* out = y + r * cols;
    if (cols == 0) continue;
    const Batch row_max(simd::max_of(in, cols));
    simd::transform(cols, out, [row_max](Batch v) { return simd::exp(v - row_max); }, in);
    const float inv_total = 1.0f / kernels::sum(out, cols);
    const Batch inv_total_b(inv_total);
    simd::transform(cols, out, [inv_total_b](Batch v) { return v * inv_total_b; },
                    static_cast<const float*>(out));
  }
}

// dx = y * (dy - sum(dy * y)) per row.
void softmax_backward_rows(const float* y, const float* dy, float* dx, std::size_t rows,
                           std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t base = r * cols;
    const float* yr = y + base;
    const float* dyr = dy + base;
    const Batch weighted(simd::sum_terms(
        cols, [=](std::size_t i) { return simd::load(yr + i) * simd::load(dyr + i); },
        [=](std::size_t i) { return yr[i] * dyr[i]; }));
    simd::transform(
        cols, dx + base, [weighted](Batch out, Batch g) { return out * (g - weighted); }, yr, dyr);
  }
}

// An input an activation does not read may be null (the backward pass of sigmoid reads y only).
const float* offset(const float* p, std::size_t begin) { return p ? p + begin : nullptr; }

}  // namespace

void activation_forward(const ActivationSpec& spec, const float* x, float* y, std::size_t rows,
                        std::size_t cols) {
  if (spec.kind == Activation::softmax) return softmax_forward_rows(x, y, rows, cols);
  const float alpha = effective_alpha(spec);
  parallel_for_elements(rows * cols, [&](std::size_t begin, std::size_t end) {
    forward_elementwise(spec.kind, alpha, x + begin, y + begin, end - begin);
  });
}

void activation_backward(const ActivationSpec& spec, const float* x, const float* y,
                         const float* dy, float* dx, std::size_t rows, std::size_t cols) {
  if (spec.kind == Activation::softmax) return softmax_backward_rows(y, dy, dx, rows, cols);
  const float alpha = effective_alpha(spec);
  parallel_for_elements(rows * cols, [&](std::size_t begin, std::size_t end) {
    backward_elementwise(spec.kind, alpha, offset(x, begin), offset(y, begin), dy + begin,
                         dx + begin, end - begin);
  });
}

}  // namespace simdnn::kernels
