#pragma once
// Constants shared by the reference and the SIMD activation kernels (internal header).
#include "kernels/activations.hpp"

namespace simdnn::kernels::detail {

inline constexpr float default_leaky_relu_alpha = 0.3f;  // Keras LeakyReLU layer default
inline constexpr float default_elu_alpha = 1.0f;
// SELU constants from Klambauer et al., as used by Keras.
inline constexpr float selu_alpha = 1.6732632423543772848170429916717f;
inline constexpr float selu_scale = 1.0507009873554804934193349852946f;
inline constexpr float inv_sqrt2 = 0.70710678118654752440f;
inline constexpr float inv_sqrt_2pi = 0.39894228040143267794f;

// ActivationSpec::alpha == 0 means "the Keras default" for the kinds that take an alpha.
inline float effective_alpha(const ActivationSpec& spec) {
  if (spec.alpha != 0.0f) return spec.alpha;
  switch (spec.kind) {
    case Activation::leaky_relu: return default_leaky_relu_alpha;
    case Activation::elu: return default_elu_alpha;
    default: return 0.0f;
  }
}

}  // namespace simdnn::kernels::detail
