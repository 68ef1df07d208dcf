// Scalar reduction references, accumulating in double so that they are a trustworthy
// yardstick for the float-lane fast paths.
#include "kernels/reductions.hpp"

namespace simdnn::kernels::reference {

float sum(const float* x, std::size_t n) {
  double acc = 0.0;
  for (std::size_t i = 0; i < n; ++i) acc += x[i];
  return static_cast<float>(acc);
}

float sum_squares(const float* x, std::size_t n) {
  double acc = 0.0;
  for (std::size_t i = 0; i < n; ++i) acc += static_cast<double>(x[i]) * x[i];
  return static_cast<float>(acc);
}

float dot(const float* a, const float* b, std::size_t n) {
  double acc = 0.0;
  for (std::size_t i = 0; i < n; ++i) acc += static_cast<double>(a[i]) * b[i];
  return static_cast<float>(acc);
}

float max(const float* x, std::size_t n) {
  float best = x[0];
  for (std::size_t i = 1; i < n; ++i)
    if (x[i] > best) best = x[i];
  return best;
}

void sum_rows(const float* x, std::size_t rows, std::size_t cols, float* out, bool accumulate) {
  for (std::size_t c = 0; c < cols; ++c) {
    double acc = accumulate ? out[c] : 0.0;
    for (std::size_t r = 0; r < rows; ++r) acc += x[r * cols + c];
    out[c] = static_cast<float>(acc);
  }
}

void argmax_rows(const float* x, std::size_t rows, std::size_t cols, int* out) {
  for (std::size_t r = 0; r < rows; ++r) {
    const float* row = x + r * cols;
    std::size_t best = 0;
    for (std::size_t c = 1; c < cols; ++c)
      if (row[c] > row[best]) best = c;  // strict: the first maximum wins
    out[r] = static_cast<int>(best);
  }
}

}  // namespace simdnn::kernels::reference
