// GEMM on row-major float matrices: the scalar reference and the packed xsimd path.
// Both validate their arguments the same way, so a bad call fails loudly in either.
//
// Fast path (GotoBLAS loop order): for each kKC-deep slice of k, op(B) is packed into
// NR-column panels and op(A), kMC rows at a time, into MR-row panels; the register tile
// (gemm_microkernel.hpp) then sweeps every panel pair. The transposes are absorbed by the
// packing, so one kernel serves all four cases. A slice of kKC steps keeps one B panel
// (kKC x NR floats, 8-12 KB) in L1 and the packed A block (kMC x kKC, 72-96 KB) in L2.
// With at most kMR rows (batch-1 inference) each B row is read once anyway, so B is read in
// place rather than copied first; likewise when B's rows are short (ldb <= kInPlaceRow: a Dense
// layer's weights), where strided reads of a panel stay within a few KB and the prefetcher
// follows them: Dense 400 -> 120 at batch 64 ran 6% faster so, while SGEMM 512 (2 KB rows) ran
// 40% slower.
#include "kernels/gemm.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/parallel.hpp"
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
constexpr int kInPlaceRow = 128;

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

// Threads split C, never the sum behind one element: each item below is a block of C rows
// or columns aligned to the tile grid of the whole problem, or a fixed k-chunk whose partial
// product has its own buffer. The items depend on the shape only, so every thread count
// computes each element with the same operations in the same order.
// Work per thread below which handing a worker a share costs more than it saves (~12 us of
// GEMM; idle workers poll for jobs, so a hand-over costs a few microseconds, not a wake-up).
// It lets LeNet-5's dense layers split too.
constexpr double kMinFlopsPerThread = 0.5e6;
// k-chunks for a small C over a long k (weight gradients: C is taps x filters, k is every
// pixel of the batch): 2 slices of kKC per chunk, when C has at most this many elements.
// Short chunks balance 2 threads better (LeNet's conv2 at batch 64: 13 chunks of 512 pixels
// rather than 7 of 1024) and their partial sums are cheap to add (C is small).
constexpr int kKChunk = 2 * kKC;
constexpr long kSmallOutput = 64 * 64;

std::size_t min_items(double flops_per_item) {
  return static_cast<std::size_t>(std::max(1.0, kMinFlopsPerThread / std::max(flops_per_item, 1.0)));
}

// B is read where it is (no packing) for a few rows of A or short B rows; see the top.
template <typename Shape>
bool reads_b_in_place(bool trans_b, int m, int ldb) {
  return !trans_b && (m <= Shape::MR || ldb <= kInPlaceRow);
}

// op(B) packed whole, for row blocks on several threads to share: the kKC-slice of column
// block jc starting at step pc is at slice(n, jc, pc), laid out as pack_b writes it.
template <typename Shape>
struct PackedB {
  static constexpr int kNC = 96 * Shape::NR;
  float* b;
  int k;
  static std::size_t padded(int cols) {
    return std::size_t(cols + Shape::NR - 1) / Shape::NR * Shape::NR;
  }
  float* slice(int n, int jc, int pc) const {
    return b + std::size_t(jc) * k + std::size_t(pc) * padded(std::min(kNC, n - jc));
  }
};

// The blocked loops for one tile shape (see the top of the file). With `shared` set, op(B)
// was packed beforehand (pack_all_b) and b, ldb and trans_b are not read.
template <typename Shape>
void packed_gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a,
                 int lda, const float* b, int ldb, float beta, float* c, int ldc,
                 const PackedB<Shape>* shared = nullptr) {
  constexpr int kMR = Shape::MR, kNR = Shape::NR;
  constexpr int kMC = 24 * kMR;
  constexpr int kNC = PackedB<Shape>::kNC;
  static constexpr auto tiles = tile_table<Shape>(std::make_index_sequence<kMR>());
  PackBuffers& buffers = pack_buffers();
  const bool b_in_place = shared == nullptr && reads_b_in_place<Shape>(trans_b, m, ldb);
  const int max_kc = std::min(k, kKC);
  float* packed_a = at_least(buffers.a, std::size_t(max_kc) * std::min(m + kMR, kMC));
  float* packed_b = shared ? nullptr : at_least(buffers.b, std::size_t(max_kc) *
                                            (b_in_place ? kNR : std::min(n + kNR, kNC)));
  for (int jc = 0; jc < n; jc += kNC) {
    const int nc = std::min(kNC, n - jc);
    for (int pc = 0; pc < k; pc += kKC) {
      const int kc = std::min(kKC, k - pc);
      // Later slices add to what the first one wrote.
      const float slice_beta = pc == 0 ? beta : 1.0f;
      if (shared) packed_b = shared->slice(n, jc, pc);
      else if (!b_in_place) gemm_detail::pack_b(kNR, trans_b, b, ldb, pc, kc, jc, nc, packed_b);
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

// C = alpha * op(A) op(B) + beta * C as independent k-chunks: each chunk's product goes to
// its own slice of a buffer, then the slices are added to C in chunk order.
template <typename Shape>
void k_chunked_gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a,
                    int lda, const float* b, int ldb, float beta, float* c, int ldc) {
  const std::size_t chunks = (static_cast<std::size_t>(k) + kKChunk - 1) / kKChunk;
  const std::size_t area = std::size_t(m) * n;
  thread_local std::vector<float> partials;
  float* partial = at_least(partials, chunks * area);
  parallel_for(chunks, min_items(2.0 * area * kKChunk), [&](std::size_t first, std::size_t end) {
    for (std::size_t i = first; i < end; ++i) {
      const int p = static_cast<int>(i) * kKChunk;
      const int kc = std::min(kKChunk, k - p);
      const float* a_chunk = trans_a ? a + std::ptrdiff_t(p) * lda : a + p;
      const float* b_chunk = trans_b ? b + p : b + std::ptrdiff_t(p) * ldb;
      packed_gemm<Shape>(trans_a, trans_b, m, n, kc, alpha, a_chunk, lda, b_chunk, ldb, 0.0f,
                         partial + i * area, n);
    }
  });
  for (int i = 0; i < m; ++i) {
    float* row = c + std::ptrdiff_t(i) * ldc;
    const float* first = partial + std::size_t(i) * n;
    for (int j = 0; j < n; ++j) row[j] = beta == 0.0f ? first[j] : first[j] + beta * row[j];
    for (std::size_t chunk = 1; chunk < chunks; ++chunk) {
      const float* part = partial + chunk * area + std::size_t(i) * n;
      for (int j = 0; j < n; ++j) row[j] += part[j];
    }
  }
}

// Packs all of op(B) for PackedB, its kKC-slices in parallel (each writes its own panels).
template <typename Shape>
PackedB<Shape> pack_all_b(bool trans_b, int n, int k, const float* b, int ldb) {
  using Packed = PackedB<Shape>;
  thread_local std::vector<float> storage;
  const int column_blocks = (n + Packed::kNC - 1) / Packed::kNC;
  const int slices = (k + kKC - 1) / kKC;
  const Packed packed{at_least(storage, std::size_t(k) * Packed::padded(n)), k};
  parallel_for(std::size_t(column_blocks) * slices, 1, [&](std::size_t first, std::size_t end) {
    for (std::size_t item = first; item < end; ++item) {
      const int jc = static_cast<int>(item / slices) * Packed::kNC;
      const int pc = static_cast<int>(item % slices) * kKC;
      gemm_detail::pack_b(Shape::NR, trans_b, b, ldb, pc, std::min(kKC, k - pc), jc,
                          std::min(Packed::kNC, n - jc), packed.slice(n, jc, pc));
    }
  });
  return packed;
}

// Splits C into row blocks of whole kMC panels, else column blocks of whole NR panels, else
// (small C, long k) into k-chunks; see kMinFlopsPerThread and kSmallOutput. Row blocks on
// several threads share one packing of B: packing it per block cost a copy of B for every 72
// rows of C (SGEMM 512: 8 copies of a 1 MB matrix).
template <typename Shape>
void split_gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a,
                int lda, const float* b, int ldb, float beta, float* c, int ldc) {
  constexpr int kMC = 24 * Shape::MR;
  constexpr int kColumnBlock = 4 * Shape::NR;
  if (long(m) * n <= kSmallOutput && k >= 2 * kKChunk)
    return k_chunked_gemm<Shape>(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  const double flops_per_row = 2.0 * n * k;
  if (m > kMC) {
    const std::size_t blocks = (static_cast<std::size_t>(m) + kMC - 1) / kMC;
    const std::size_t min_blocks = min_items(flops_per_row * kMC);
    PackedB<Shape> packed{};
    const bool share_b = thread_count() > 1 && blocks >= 2 * min_blocks &&
                         !reads_b_in_place<Shape>(trans_b, m, ldb);
    if (share_b) packed = pack_all_b<Shape>(trans_b, n, k, b, ldb);
    parallel_for(blocks, min_blocks, [&](std::size_t first, std::size_t end) {
      const int row = static_cast<int>(first) * kMC;
      const int rows = std::min(m, static_cast<int>(end) * kMC) - row;
      const float* a_rows = trans_a ? a + row : a + std::ptrdiff_t(row) * lda;
      packed_gemm<Shape>(trans_a, trans_b, rows, n, k, alpha, a_rows, lda, b, ldb, beta,
                         c + std::ptrdiff_t(row) * ldc, ldc, share_b ? &packed : nullptr);
    });
    return;
  }
  const std::size_t blocks = (static_cast<std::size_t>(n) + kColumnBlock - 1) / kColumnBlock;
  parallel_for(blocks, min_items(2.0 * m * k * kColumnBlock), [&](std::size_t first, std::size_t end) {
    const int col = static_cast<int>(first) * kColumnBlock;
    const int cols = std::min(n, static_cast<int>(end) * kColumnBlock) - col;
    const float* b_cols = trans_b ? b + std::ptrdiff_t(col) * ldb : b + col;
    packed_gemm<Shape>(trans_a, trans_b, m, cols, k, alpha, a, lda, b_cols, ldb, beta, c + col,
                       ldc);
  });
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
    split_gemm<Narrow>(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  else
    split_gemm<Wide>(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
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
