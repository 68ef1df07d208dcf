#pragma once
// Activation functions, forward and backward, with Keras definitions:
//   relu, leaky_relu(alpha, default 0.3 as the Keras LeakyReLU layer), elu(alpha=1),
//   selu, sigmoid, tanh, softmax (over the last axis), softplus, gelu (exact, erf),
//   swish (x * sigmoid(x)), hard_sigmoid (clip(0.2x + 0.5, 0, 1), as Keras 2 / TF.js),
//   linear.
// Backward takes the forward input x and output y (whichever is cheaper is used, so pass
// both, valid) and dy, and writes dx = dy * f'(x) (softmax: dx = y * (dy - sum(dy * y)) per
// row). All kernels allow out to alias an input (y == x; dx == dy, x or y).
// Derivatives at kinks follow TensorFlow: relu'(0) = 0, leaky_relu'(0) = alpha,
// selu'(0) = scale, elu'(0) = alpha, hard_sigmoid' = 0.2 on (-2.5, 2.5) and 0 elsewhere.
// Large |x| never overflows (sigmoid, softplus and softmax use the stable forms).
#include <cstddef>
#include <string>
#include <string_view>

namespace simdnn::kernels {

enum class Activation {
  linear, relu, leaky_relu, elu, selu, sigmoid, tanh, softmax, softplus, gelu, swish,
  hard_sigmoid
};

// Keras names ("relu", "leaky_relu", "hard_sigmoid", ...), plus "silu" (= swish) and the
// TF.js spellings "leakyRelu", "hardSigmoid"; case-sensitive. Unknown names throw an Error
// listing the known ones. activation_name gives the Keras (snake_case) name.
Activation activation_from_name(std::string_view name);
std::string activation_name(Activation a);

struct ActivationSpec {
  Activation kind = Activation::linear;
  float alpha = 0.0f;  // leaky_relu slope, elu alpha; 0 means the Keras default
};

#define SIMDNN_ACTIVATION_KERNELS                                                          \
  /* x, y: rows x cols; softmax normalises each row, other activations ignore the split */ \
  void activation_forward(const ActivationSpec& spec, const float* x, float* y,            \
                          std::size_t rows, std::size_t cols);                             \
  void activation_backward(const ActivationSpec& spec, const float* x, const float* y,     \
                           const float* dy, float* dx, std::size_t rows, std::size_t cols);

SIMDNN_ACTIVATION_KERNELS

namespace reference {
SIMDNN_ACTIVATION_KERNELS
}

}  // namespace simdnn::kernels
