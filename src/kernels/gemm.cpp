// GEMM on row-major float matrices: the scalar reference and the packed xsimd path.
// Both validate their arguments the same way, so a bad call fails loudly in either.
//
// Fast path (GotoBLAS loop order): for each kKC-deep slice of k, op(B) is packed into
// NR-column panels and op(A), kMC rows at a time, into MR-row panels; the register tile
// (gemm_microkernel.hpp) then sweeps every panel pair. The transposes are absorbed by the
// packing, so one kernel serves all four cases. A slice of kKC steps keeps one B panel
// (kKC x NR floats, 8-12 KB) in L1 and the packed A block (kMC x kKC, 72-96 KB) in L2.
// With at most kMR rows (batch-1 inference) each B row is read once anyway, so B is read in
// place rather than copied first.
#include "kernels/gemm.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "kernels/gemm_microkernel.hpp"

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

using Wide = gemm_detail::TileShape<3, 3>;    // 3 x 12
using Narrow = gemm_detail::TileShape<4, 2>;  // 4 x 8
constexpr int kKC = 256;

using TileFn = void (*)(int, const float*, const float*, std::ptrdiff_t, float*, int, float,
                        float, int);

template <typename Shape, std::size_t... Rows>
constexpr auto tile_table(std::index_sequence<Rows...>) {
  // Entry r runs the tile for r rows; entry 0 is never used.
  return std::array<TileFn, sizeof...(Rows) + 1>{
      nullptr, &gemm_detail::micro_tile<Shape, static_cast<int>(Rows) + 1>...};
}

// Packing buffers, grown to the largest call seen and then reused: no allocation per call
// in a steady-state loop. One set per thread, so concurrent callers never share them.
struct PackBuffers {
  std::vector<float> a, b;
};
PackBuffers& pack_buffers() {
  thread_local PackBuffers buffers;
  return buffers;
}
float* at_least(std::vector<float>& buffer, std::size_t count) {
  if (buffer.size() < count) buffer.resize(count);
  return buffer.data();
}

// C = beta * C for k == 0 (beta == 0 writes zeros without reading C).
void scale_c(int m, int n, float beta, float* c, int ldc) {
  for (int i = 0; i < m; ++i) {
    float* row = c + std::ptrdiff_t(i) * ldc;
    if (beta == 0.0f) std::fill(row, row + n, 0.0f);
    else if (beta != 1.0f) for (int j = 0; j < n; ++j) row[j] *= beta;
  }
}

// The blocked loops for one tile shape (see the top of the file).
template <typename Shape>
void packed_gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a,
                 int lda, const float* b, int ldb, float beta, float* c, int ldc) {
  constexpr int kMR = Shape::MR, kNR = Shape::NR;
  constexpr int kMC = 24 * kMR;
  constexpr int kNC = 96 * kNR;
  static constexpr auto tiles = tile_table<Shape>(std::make_index_sequence<kMR>());
  PackBuffers& buffers = pack_buffers();
  const bool b_in_place = !trans_b && m <= kMR;
  const int max_kc = std::min(k, kKC);
  float* packed_a = at_least(buffers.a, std::size_t(max_kc) * std::min(m + kMR, kMC));
  float* packed_b = at_least(buffers.b, std::size_t(max_kc) *
                                            (b_in_place ? kNR : std::min(n + kNR, kNC)));
  for (int jc = 0; jc < n; jc += kNC) {
    const int nc = std::min(kNC, n - jc);
    for (int pc = 0; pc < k; pc += kKC) {
      const int kc = std::min(kKC, k - pc);
      // Later slices add to what the first one wrote.
      const float slice_beta = pc == 0 ? beta : 1.0f;
      if (!b_in_place) gemm_detail::pack_b(kNR, trans_b, b, ldb, pc, kc, jc, nc, packed_b);
      for (int ic = 0; ic < m; ic += kMC) {
        const int mc = std::min(kMC, m - ic);
        gemm_detail::pack_a(kMR, trans_a, a, lda, ic, mc, pc, kc, packed_a);
        for (int jr = 0; jr < nc; jr += kNR) {
          const int cols = std::min(kNR, nc - jr);
          const float* b_panel = packed_b + std::ptrdiff_t(jr) * kc;
          std::ptrdiff_t b_stride = kNR;
          if (b_in_place) {
            if (cols == kNR) {
              b_panel = b + std::ptrdiff_t(pc) * ldb + jc + jr;
              b_stride = ldb;
            } else {
              // The last, narrow panel is padded so the tile can load whole batches.
              gemm_detail::pack_b(kNR, false, b, ldb, pc, kc, jc + jr, cols, packed_b);
              b_panel = packed_b;
            }
          }
          for (int ir = 0; ir < mc; ir += kMR) {
            const int rows = std::min(kMR, mc - ir);
            tiles[rows](kc, packed_a + std::ptrdiff_t(ir) * kc, b_panel, b_stride,
                        c + std::ptrdiff_t(ic + ir) * ldc + jc + jr, ldc, alpha, slice_beta,
                        cols);
          }
        }
      }
    }
  }
}

}  // namespace

void gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, int lda,
          const float* b, int ldb, float beta, float* c, int ldc) {
  check_gemm_arguments("gemm", trans_a, trans_b, m, n, k, lda, ldb, ldc);
  if (m == 0 || n == 0) return;
  if (k == 0) return scale_c(m, n, beta, c, ldc);
  // The narrow tile when the wide one would pad n by clearly more (n = 6 or 16: 8 vs 12,
  // 16 vs 24 columns computed); the wide one is faster per useful column otherwise.
  const auto padded = [n](int nr) { return (n + nr - 1) / nr * nr; };
  if (10 * padded(Narrow::NR) < 9 * padded(Wide::NR))
    packed_gemm<Narrow>(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  else
    packed_gemm<Wide>(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
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
