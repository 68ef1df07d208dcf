// Scalar GEMM reference: a triple loop with double accumulation. Slow and obviously
// correct; the fast path is tested against it.
#include "kernels/gemm.hpp"

namespace simdnn::kernels::reference {

void gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, int lda,
          const float* b, int ldb, float beta, float* c, int ldc) {
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

}  // namespace simdnn::kernels::reference
