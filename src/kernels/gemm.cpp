// GEMM on row-major float matrices: the scalar reference and the Eigen fast path.
// Both validate their arguments the same way, so a bad call fails loudly in either.
#include "kernels/gemm.hpp"

#include <Eigen/Core>

#include "core/error.hpp"

namespace simdnn::kernels {
namespace {

void check_gemm_arguments(const char* function, bool trans_a, bool trans_b, int m, int n, int k,
                          int lda, int ldb, int ldc) {
  check(m >= 0 && n >= 0 && k >= 0, function, ": sizes must be non-negative, got m=", m,
        " n=", n, " k=", k);
  // Row strides must cover a stored row: A is m x k (k x m when transposed), likewise B.
  const int a_row = trans_a ? m : k;
  const int b_row = trans_b ? k : n;
  check(lda >= a_row, function, ": lda must be >= ", a_row, ", got ", lda);
  check(ldb >= b_row, function, ": ldb must be >= ", b_row, ", got ", ldb);
  check(ldc >= n, function, ": ldc must be >= ", n, ", got ", ldc);
}

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstView = Eigen::Map<const RowMajor, Eigen::Unaligned, Eigen::OuterStride<>>;
using MutableView = Eigen::Map<RowMajor, Eigen::Unaligned, Eigen::OuterStride<>>;

// C = alpha * op_a * op_b + beta * C for already-transposed-or-not operand expressions.
template <typename OpA, typename OpB>
void multiply_into(const OpA& op_a, const OpB& op_b, float alpha, float beta, MutableView& c) {
  if (beta == 0.0f) {
    // Assignment, never a scaling of the old C: beta * NaN would be NaN.
    c.noalias() = alpha * (op_a * op_b);
    return;
  }
  if (beta != 1.0f) c *= beta;
  c.noalias() += alpha * (op_a * op_b);
}

}  // namespace

void gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, int lda,
          const float* b, int ldb, float beta, float* c, int ldc) {
  check_gemm_arguments("gemm", trans_a, trans_b, m, n, k, lda, ldb, ldc);
  if (m == 0 || n == 0) return;
  // Stored shapes: A is m x k or k x m, B is k x n or n x k.
  const ConstView a_view(a, trans_a ? k : m, trans_a ? m : k, Eigen::OuterStride<>(lda));
  const ConstView b_view(b, trans_b ? n : k, trans_b ? k : n, Eigen::OuterStride<>(ldb));
  MutableView c_view(c, m, n, Eigen::OuterStride<>(ldc));
  if (trans_a) {
    if (trans_b) multiply_into(a_view.transpose(), b_view.transpose(), alpha, beta, c_view);
    else multiply_into(a_view.transpose(), b_view, alpha, beta, c_view);
  } else {
    if (trans_b) multiply_into(a_view, b_view.transpose(), alpha, beta, c_view);
    else multiply_into(a_view, b_view, alpha, beta, c_view);
  }
}

namespace reference {

// Triple loop with double accumulation: slow and obviously correct.
void gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, int lda,
          const float* b, int ldb, float beta, float* c, int ldc) {
  check_gemm_arguments("reference::gemm", trans_a, trans_b, m, n, k, lda, ldb, ldc);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      double acc = 0.0;
      for (int p = 0; p < k; ++p) {
        const float a_ip = trans_a ? a[p * lda + i] : a[i * lda + p];
        const float b_pj = trans_b ? b[j * ldb + p] : b[p * ldb + j];
        acc += static_cast<double>(a_ip) * static_cast<double>(b_pj);
      }
      float& c_ij = c[i * ldc + j];
      // beta == 0 must not read C: it may hold NaN or garbage from a previous use.
      const double previous = beta == 0.0f ? 0.0 : static_cast<double>(beta) * c_ij;
      c_ij = static_cast<float>(static_cast<double>(alpha) * acc + previous);
    }
  }
}

}  // namespace reference
}  // namespace simdnn::kernels
