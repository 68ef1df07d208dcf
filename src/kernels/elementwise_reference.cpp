// Scalar elementwise references. Each loop reads element i before writing it, so
// out may alias an input.
#include <cmath>

#include "kernels/elementwise.hpp"

namespace simdnn::kernels::reference {

void add(const float* a, const float* b, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
}

void sub(const float* a, const float* b, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = a[i] - b[i];
}

void mul(const float* a, const float* b, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = a[i] * b[i];
}

void axpy(float alpha, const float* x, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}

void scale(float alpha, const float* x, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = alpha * x[i];
}

void add_scalar(const float* x, float value, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = x[i] + value;
}

void add_bias_rows(const float* x, const float* bias, float* out, std::size_t rows,
                   std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) out[r * cols + c] = x[r * cols + c] + bias[c];
}

void apply_mask(const float* x, const float* mask, float keep_scale, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = mask[i] != 0.0f ? x[i] * keep_scale : 0.0f;
}

bool all_finite(const float* x, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(x[i])) return false;
  return true;
}

}  // namespace simdnn::kernels::reference
