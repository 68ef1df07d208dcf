// Packing of GEMM operands into the panel layouts gemm_microkernel.hpp reads. Each case
// walks the source in its storage order so the reads stay contiguous.
#include <algorithm>
#include <cstddef>

#include "kernels/gemm_microkernel.hpp"
#include "kernels/simd_loops.hpp"

namespace simdnn::kernels::gemm_detail {
namespace {

// Four rows of A (row-major, stride lda) into a 4-row panel: 4 x 4 blocks transposed in
// registers, so the panel is written in whole batches instead of one float at a time
// (the convolution's im2col columns go through here on every forward).
void pack_four_rows(const float* src, int lda, int kc, float* dst) {
  using simd::Batch;
  const float* r0 = src;
  const float* r1 = src + lda;
  const float* r2 = src + 2 * std::ptrdiff_t(lda);
  const float* r3 = src + 3 * std::ptrdiff_t(lda);
  int p = 0;
  for (; p + 4 <= kc; p += 4, dst += 16) {
    Batch columns[4];
    simd::transpose4(simd::load(r0 + p), simd::load(r1 + p), simd::load(r2 + p),
                     simd::load(r3 + p), columns);
    for (int i = 0; i < 4; ++i) columns[i].store_unaligned(dst + 4 * i);
  }
  for (; p < kc; ++p, dst += 4) {
    dst[0] = r0[p];
    dst[1] = r1[p];
    dst[2] = r2[p];
    dst[3] = r3[p];
  }
}

}  // namespace

void pack_a(int kMR, bool trans_a, const float* a, int lda, int row0, int rows, int p0, int kc,
            float* out) {
  for (int panel = 0; panel < rows; panel += kMR) {
    const int r = std::min(kMR, rows - panel);
    float* dst = out + std::ptrdiff_t(panel) * kc;
    if (trans_a) {
      // A stored k x m: step p of the panel is r contiguous floats of row p0 + p.
      // Inline copies: a memcpy call per 3-4 floats dominated the backward pass's profile.
      const float* src = a + std::ptrdiff_t(p0) * lda + row0 + panel;
      if (r == int(simd::lanes)) {
        for (int p = 0; p < kc; ++p, src += lda) simd::load(src).store_unaligned(dst + p * kMR);
      } else {
        for (int p = 0; p < kc; ++p, src += lda)
          for (int i = 0; i < r; ++i) dst[p * kMR + i] = src[i];
      }
    } else if (kMR == 4 && r == 4) {
      pack_four_rows(a + std::ptrdiff_t(row0 + panel) * lda + p0, lda, kc, dst);
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
        float* row = dst + p * kNR;
        int j = 0;
        for (; j + int(simd::lanes) <= w; j += int(simd::lanes))
          simd::load(src + j).store_unaligned(row + j);
        for (; j < w; ++j) row[j] = src[j];
        for (; j < kNR; ++j) row[j] = 0.0f;
      }
    }
  }
}

}  // namespace simdnn::kernels::gemm_detail
