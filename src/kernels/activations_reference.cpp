// Scalar activation references, written straight from the Keras definitions. Every loop
// reads index i of its inputs before writing index i of its output, so outputs may alias
// inputs. Where a derivative has a kink we follow TensorFlow's choice (documented inline).
#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "kernels/activation_constants.hpp"
#include "kernels/activations.hpp"

namespace simdnn::kernels::reference {
namespace {

using namespace simdnn::kernels::detail;

// exp of a negative-or-zero argument only, so it never overflows.
float stable_sigmoid(float x) {
  if (x >= 0.0f) return 1.0f / (1.0f + std::exp(-x));
  const float e = std::exp(x);
  return e / (1.0f + e);
}

float forward_one(Activation kind, float alpha, float x) {
  switch (kind) {
    case Activation::linear: return x;
    case Activation::relu: return x > 0.0f ? x : 0.0f;
    case Activation::leaky_relu: return x > 0.0f ? x : alpha * x;
    case Activation::elu: return x > 0.0f ? x : alpha * std::expm1(x);
    case Activation::selu: return x > 0.0f ? selu_scale * x : selu_scale * selu_alpha * std::expm1(x);
    case Activation::sigmoid: return stable_sigmoid(x);
    case Activation::tanh: return std::tanh(x);
    case Activation::softplus: return std::log1p(std::exp(-std::fabs(x))) + std::max(x, 0.0f);
    case Activation::gelu: return 0.5f * x * (1.0f + std::erf(x * inv_sqrt2));
    case Activation::swish: return x * stable_sigmoid(x);
    case Activation::hard_sigmoid: return std::clamp(0.2f * x + 0.5f, 0.0f, 1.0f);
    case Activation::softmax: break;  // row-wise, handled by the caller
  }
  fail("activation_forward: unhandled activation ", static_cast<int>(kind));
}

// d activation / d x at x (forward output y given for the kinds where it is cheaper).
float derivative_one(Activation kind, float alpha, float x, float y) {
  switch (kind) {
    case Activation::linear: return 1.0f;
    case Activation::relu: return x > 0.0f ? 1.0f : 0.0f;  // 0 at x == 0, as TF
    case Activation::leaky_relu: return x > 0.0f ? 1.0f : alpha;
    // Keras 2 computes elu as where(x > 0, x, alpha * elu(x)): slope alpha at 0.
    case Activation::elu: return x > 0.0f ? 1.0f : alpha * std::exp(x);
    // TF's SeluGrad tests the output < 0: slope scale at 0.
    case Activation::selu: return x >= 0.0f ? selu_scale : selu_scale * selu_alpha * std::exp(x);
    case Activation::sigmoid: return y * (1.0f - y);
    case Activation::tanh: return 1.0f - y * y;
    case Activation::softplus: return stable_sigmoid(x);
    case Activation::gelu:
      return 0.5f * (1.0f + std::erf(x * inv_sqrt2)) + x * inv_sqrt_2pi * std::exp(-0.5f * x * x);
    case Activation::swish: {
      const float s = stable_sigmoid(x);
      return s * (1.0f + x * (1.0f - s));
    }
    case Activation::hard_sigmoid: return (x > -2.5f && x < 2.5f) ? 0.2f : 0.0f;
    case Activation::softmax: break;
  }
  fail("activation_backward: unhandled activation ", static_cast<int>(kind));
}

void softmax_forward_rows(const float* x, float* y, std::size_t rows, std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r) {
    const float* in = x + r * cols;
    float* out = y + r * cols;
    if (cols == 0) continue;
    float row_max = in[0];
    for (std::size_t c = 1; c < cols; ++c) row_max = std::max(row_max, in[c]);
    double total = 0.0;
    for (std::size_t c = 0; c < cols; ++c) {
      out[c] = std::exp(in[c] - row_max);  // <= 1, never overflows
      total += out[c];
    }
    const float inv_total = static_cast<float>(1.0 / total);
    for (std::size_t c = 0; c < cols; ++c) out[c] *= inv_total;
  }
}

// dx = y * (dy - sum(dy * y)), the softmax Jacobian-vector product per row.
void softmax_backward_rows(const float* y, const float* dy, float* dx, std::size_t rows,
                           std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t base = r * cols;
    double weighted = 0.0;
    for (std::size_t c = 0; c < cols; ++c) weighted += static_cast<double>(dy[base + c]) * y[base + c];
    const float w = static_cast<float>(weighted);
    for (std::size_t c = 0; c < cols; ++c) dx[base + c] = y[base + c] * (dy[base + c] - w);
  }
}

}  // namespace

void activation_forward(const ActivationSpec& spec, const float* x, float* y, std::size_t rows,
                        std::size_t cols) {
  if (spec.kind == Activation::softmax) return softmax_forward_rows(x, y, rows, cols);
  const float alpha = effective_alpha(spec);
  const std::size_t n = rows * cols;
  for (std::size_t i = 0; i < n; ++i) y[i] = forward_one(spec.kind, alpha, x[i]);
}

void activation_backward(const ActivationSpec& spec, const float* x, const float* y,
                         const float* dy, float* dx, std::size_t rows, std::size_t cols) {
  if (spec.kind == Activation::softmax) return softmax_backward_rows(y, dy, dx, rows, cols);
  const float alpha = effective_alpha(spec);
  const std::size_t n = rows * cols;
  for (std::size_t i = 0; i < n; ++i) dx[i] = dy[i] * derivative_one(spec.kind, alpha, x[i], y[i]);
}

}  // namespace simdnn::kernels::reference
