// Fast reductions. Temporary: forward to the reference until the xsimd path lands.
#include "kernels/reductions.hpp"

namespace simdnn::kernels {

float sum(const float* x, std::size_t n) { return reference::sum(x, n); }
float sum_squares(const float* x, std::size_t n) { return reference::sum_squares(x, n); }
float dot(const float* a, const float* b, std::size_t n) { return reference::dot(a, b, n); }
float max(const float* x, std::size_t n) { return reference::max(x, n); }
void sum_rows(const float* x, std::size_t rows, std::size_t cols, float* out, bool accumulate) {
  reference::sum_rows(x, rows, cols, out, accumulate);
}
void argmax_rows(const float* x, std::size_t rows, std::size_t cols, int* out) {
  reference::argmax_rows(x, rows, cols, out);
}

}  // namespace simdnn::kernels
