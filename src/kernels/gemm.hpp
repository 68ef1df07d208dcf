#pragma once
// GEMM on row-major float32 matrices: C = alpha * op(A) * op(B) + beta * C.
// op(A) is m x k (A is k x m when trans_a), op(B) is k x n (B is n x k when trans_b).
// lda/ldb/ldc are row strides in floats. beta == 0 overwrites C (NaNs in C ignored).
// Negative sizes or strides shorter than a stored row throw simdnn::Error. k == 0 gives
// C = beta * C. The fast path is the packed xsimd GEMM of gemm.cpp (pack buffers are
// reused per thread: no allocation per call once the largest shape has been seen).
namespace simdnn::kernels {

void gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, int lda,
          const float* b, int ldb, float beta, float* c, int ldc);

namespace reference {
void gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, int lda,
          const float* b, int ldb, float beta, float* c, int ldc);
}

}  // namespace simdnn::kernels
