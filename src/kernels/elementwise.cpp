// Fast elementwise kernels. Temporary: forward to the reference until the xsimd path lands.
#include "kernels/elementwise.hpp"

namespace simdnn::kernels {

void add(const float* a, const float* b, float* out, std::size_t n) { reference::add(a, b, out, n); }
void sub(const float* a, const float* b, float* out, std::size_t n) { reference::sub(a, b, out, n); }
void mul(const float* a, const float* b, float* out, std::size_t n) { reference::mul(a, b, out, n); }
void axpy(float alpha, const float* x, float* y, std::size_t n) { reference::axpy(alpha, x, y, n); }
void scale(float alpha, const float* x, float* out, std::size_t n) {
  reference::scale(alpha, x, out, n);
}
void add_scalar(const float* x, float value, float* out, std::size_t n) {
  reference::add_scalar(x, value, out, n);
}
void add_bias_rows(const float* x, const float* bias, float* out, std::size_t rows,
                   std::size_t cols) {
  reference::add_bias_rows(x, bias, out, rows, cols);
}
void apply_mask(const float* x, const float* mask, float keep_scale, float* out, std::size_t n) {
  reference::apply_mask(x, mask, keep_scale, out, n);
}
bool all_finite(const float* x, std::size_t n) { return reference::all_finite(x, n); }

}  // namespace simdnn::kernels
