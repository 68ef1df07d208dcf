// Fast GEMM. Temporary: forwards to the reference until the Eigen path lands.
#include "kernels/gemm.hpp"

namespace simdnn::kernels {

void gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, int lda,
          const float* b, int ldb, float beta, float* c, int ldc) {
  reference::gemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace simdnn::kernels
