#pragma once
// Elementwise kernels. All accept out == an input (in place). n may be any size.
#include <cstddef>

namespace simdnn::kernels {

#define SIMDNN_ELEMENTWISE_KERNELS                                                   \
  void add(const float* a, const float* b, float* out, std::size_t n);               \
  void sub(const float* a, const float* b, float* out, std::size_t n);               \
  void mul(const float* a, const float* b, float* out, std::size_t n);               \
  /* y[i] += alpha * x[i] */                                                         \
  void axpy(float alpha, const float* x, float* y, std::size_t n);                   \
  /* out[i] = alpha * x[i] */                                                        \
  void scale(float alpha, const float* x, float* out, std::size_t n);                \
  /* out[i] = x[i] + value */                                                        \
  void add_scalar(const float* x, float value, float* out, std::size_t n);           \
  /* out[r, c] = x[r, c] + bias[c] for a rows x cols matrix */                       \
  void add_bias_rows(const float* x, const float* bias, float* out, std::size_t rows, \
                     std::size_t cols);                                              \
  /* out[i] = x[i] * (mask[i] != 0 ? keep_scale : 0) */                              \
  void apply_mask(const float* x, const float* mask, float keep_scale, float* out,   \
                  std::size_t n);                                                    \
  /* true when every value is finite */                                              \
  bool all_finite(const float* x, std::size_t n);

SIMDNN_ELEMENTWISE_KERNELS

namespace reference {
SIMDNN_ELEMENTWISE_KERNELS
}

}  // namespace simdnn::kernels
