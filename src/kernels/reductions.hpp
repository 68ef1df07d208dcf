#pragma once
// Reductions. Sums accumulate in float lanes; results are compared to the scalar
// reference with a relative tolerance, since summation order differs. With NaN inputs
// max and argmax_rows give an unspecified (but in-range) answer.
#include <cstddef>

namespace simdnn::kernels {

#define SIMDNN_REDUCTION_KERNELS                                                        \
  float sum(const float* x, std::size_t n);                                             \
  float sum_squares(const float* x, std::size_t n);                                     \
  float dot(const float* a, const float* b, std::size_t n);                             \
  float max(const float* x, std::size_t n); /* n >= 1 */                                \
  /* out[c] (+)= sum over rows of x[r, c]; accumulate adds into out instead of overwriting */ \
  void sum_rows(const float* x, std::size_t rows, std::size_t cols, float* out, bool accumulate); \
  /* out[r] = argmax over c of x[r, c] (first maximum) */                               \
  void argmax_rows(const float* x, std::size_t rows, std::size_t cols, int* out);

SIMDNN_REDUCTION_KERNELS

namespace reference {
SIMDNN_REDUCTION_KERNELS
}

}  // namespace simdnn::kernels
