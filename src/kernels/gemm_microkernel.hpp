#pragma once
// The GEMM register tile: R (<= MR) rows of C by NV batches of columns, held in R * NV xsimd
// batches while the k loop streams one packed column of A (broadcast per row) and one row
// of B. Register budget under V8 (x64): 15 allocatable xmm registers (one is its scratch),
// and each multiply-add needs the broadcast plus a temporary, so R * NV + NV + 2 <= 15.
// Measured in wasm (Node 20, 256..512 SGEMM): 3 x 12 (9 accumulators) ~37 GFLOP/s, 4 x 8
// ~34, 4 x 12 and 6 x 8 (12 accumulators: spills) ~25. gemm.cpp uses 3 x 12, and 4 x 8 when
// n is small enough that 12-wide tiles would mostly multiply padding (n = 6, 16 in LeNet).
// Internal to gemm.cpp / gemm_pack.cpp.
#include <cstddef>

#include "kernels/simd_loops.hpp"

namespace simdnn::kernels::gemm_detail {

// A tile shape: MR rows by NV batches (NR floats) of columns.
template <int MR_, int NV_>
struct TileShape {
  static constexpr int MR = MR_;
  static constexpr int NV = NV_;
  static constexpr int NR = NV_ * static_cast<int>(simd::lanes);
};

// C tile (R x cols, cols <= NR) = alpha * sum_p a_p b_p + beta * C.
//   a: packed, row i of step p at a[p * MR + i]
//   b: row p (NR contiguous floats) at b + p * b_stride
// beta == 0 never reads C. A partial tile (cols < kNR) goes through a local copy, so the
// kernel never touches C past its last column.
template <typename Shape, int R>
void micro_tile(int kc, const float* a, const float* b, std::ptrdiff_t b_stride, float* c,
                int ldc, float alpha, float beta, int cols) {
  using simd::Batch;
  constexpr std::size_t L = simd::lanes;
  constexpr int kMR = Shape::MR, kNV = Shape::NV, kNR = Shape::NR;
  Batch acc[R][kNV];
  for (int i = 0; i < R; ++i)
    for (int v = 0; v < kNV; ++v) acc[i][v] = Batch(0.0f);
  for (int p = 0; p < kc; ++p, a += kMR, b += b_stride) {
    Batch bv[kNV];
    for (int v = 0; v < kNV; ++v) bv[v] = simd::load(b + v * L);
    for (int i = 0; i < R; ++i) {
      const Batch ai(a[i]);
      for (int v = 0; v < kNV; ++v) acc[i][v] += ai * bv[v];
    }
  }
  const Batch alpha_v(alpha), beta_v(beta);
  if (cols == kNR) {
    for (int i = 0; i < R; ++i) {
      float* row = c + std::ptrdiff_t(i) * ldc;
      for (int v = 0; v < kNV; ++v) {
        Batch r = acc[i][v] * alpha_v;
        if (beta == 1.0f) r += simd::load(row + v * L);
        else if (beta != 0.0f) r += beta_v * simd::load(row + v * L);
        r.store_unaligned(row + v * L);
      }
    }
    return;
  }
  alignas(16) float tile[R][kNR];
  for (int i = 0; i < R; ++i)
    for (int v = 0; v < kNV; ++v) (acc[i][v] * alpha_v).store_aligned(&tile[i][v * L]);
  for (int i = 0; i < R; ++i) {
    float* row = c + std::ptrdiff_t(i) * ldc;
    for (int j = 0; j < cols; ++j)
      row[j] = beta == 0.0f ? tile[i][j] : tile[i][j] + beta * row[j];
  }
}

// Copies op(A)[row0, row0 + rows) x [p0, p0 + kc) into mr-row panels, panel after panel,
// each laid out as kc steps of mr floats (rows past the end of the last panel are left
// unset: the tile for a short panel never reads them).
void pack_a(int mr, bool trans_a, const float* a, int lda, int row0, int rows, int p0, int kc,
            float* out);
// Copies op(B)[p0, p0 + kc) x [col0, col0 + cols) into nr-column panels of kc rows each,
// zero-padding the last panel to nr columns.
void pack_b(int nr, bool trans_b, const float* b, int ldb, int p0, int kc, int col0, int cols,
            float* out);

}  // namespace simdnn::kernels::gemm_detail
