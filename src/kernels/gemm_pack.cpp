// Packing of GEMM operands into the panel layouts gemm_microkernel.hpp reads. Each case
// walks the source in its storage order so the reads stay contiguous.
#include <algorithm>
#include <cstddef>

#include "kernels/gemm_microkernel.hpp"

namespace simdnn::kernels::gemm_detail {

void pack_a(int kMR, bool trans_a, const float* a, int lda, int row0, int rows, int p0, int kc,
            float* out) {
  for (int panel = 0; panel < rows; panel += kMR) {
    const int r = std::min(kMR, rows - panel);
    float* dst = out + std::ptrdiff_t(panel) * kc;
    if (trans_a) {
      // A stored k x m: step p of the panel is r contiguous floats of row p0 + p.
      const float* src = a + std::ptrdiff_t(p0) * lda + row0 + panel;
      for (int p = 0; p < kc; ++p, src += lda) std::copy_n(src, r, dst + p * kMR);
    } else {
      for (int i = 0; i < r; ++i) {
        const float* src = a + std::ptrdiff_t(row0 + panel + i) * lda + p0;
        for (int p = 0; p < kc; ++p) dst[p * kMR + i] = src[p];
      }
    }
  }
}

void pack_b(int kNR, bool trans_b, const float* b, int ldb, int p0, int kc, int col0, int cols,
            float* out) {
  for (int panel = 0; panel < cols; panel += kNR) {
    const int w = std::min(kNR, cols - panel);
    float* dst = out + std::ptrdiff_t(panel) * kc;
    if (trans_b) {
      // B stored n x k: column j of op(B) is row j of B, contiguous in p.
      for (int j = 0; j < w; ++j) {
        const float* src = b + std::ptrdiff_t(col0 + panel + j) * ldb + p0;
        for (int p = 0; p < kc; ++p) dst[p * kNR + j] = src[p];
      }
      for (int p = 0; p < kc; ++p) std::fill(dst + p * kNR + w, dst + (p + 1) * kNR, 0.0f);
    } else {
      const float* src = b + std::ptrdiff_t(p0) * ldb + col0 + panel;
      for (int p = 0; p < kc; ++p, src += ldb) {
        std::copy_n(src, w, dst + p * kNR);
        std::fill(dst + p * kNR + w, dst + (p + 1) * kNR, 0.0f);
      }
    }
  }
}

}  // namespace simdnn::kernels::gemm_detail
