// GEMM: the packed xsimd path against the double-accumulating triple loop, for all four
// transpose combinations, odd sizes, padded row strides, several alpha/beta, and
// beta == 0 over a NaN-filled C.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "core/error.hpp"
#include "kernels/gemm.hpp"
#include "kernels_test_support.hpp"

namespace k = simdnn::kernels;
namespace ref = simdnn::kernels::reference;
using simdnn::kernels::testing::random_vector;

namespace {

constexpr float kPadding = 12345.0f;  // sentinel in the stride gap of C, must survive

struct GemmCase {
  bool trans_a, trans_b;
  int m, n, k;
  float alpha, beta;
};

struct Operands {
  int lda, ldb, ldc;
  std::vector<float> a, b, c;
};

// Random A, B, C stored with row strides 3 wider than needed; C's gap holds kPadding.
Operands make_operands(const GemmCase& g, simdnn::Rng& rng, float c_fill_nan) {
  Operands o;
  const int a_rows = g.trans_a ? g.k : g.m, a_cols = g.trans_a ? g.m : g.k;
  const int b_rows = g.trans_b ? g.n : g.k, b_cols = g.trans_b ? g.k : g.n;
  o.lda = a_cols + 3;
  o.ldb = b_cols + 3;
  o.ldc = g.n + 3;
  o.a = random_vector(rng, std::size_t(a_rows) * o.lda);
  o.b = random_vector(rng, std::size_t(b_rows) * o.ldb);
  o.c = random_vector(rng, std::size_t(g.m) * o.ldc);
  for (int i = 0; i < g.m; ++i)
    for (int j = 0; j < o.ldc; ++j) {
      float& v = o.c[std::size_t(i) * o.ldc + j];
      if (j >= g.n) v = kPadding;
      else if (std::isnan(c_fill_nan)) v = c_fill_nan;
    }
  return o;
}

std::vector<float> absolute(std::vector<float> v) {
  for (float& x : v) x = std::fabs(x);
  return v;
}

void check_gemm_case(const GemmCase& g, bool nan_in_c) {
  INFO("trans_a=" << g.trans_a << " trans_b=" << g.trans_b << " m=" << g.m << " n=" << g.n
                  << " k=" << g.k << " alpha=" << g.alpha << " beta=" << g.beta
                  << " nan_in_c=" << nan_in_c);
  simdnn::Rng rng(std::uint64_t(g.m) * 10007 + g.n * 101 + g.k);
  const Operands o = make_operands(g, rng, nan_in_c ? std::numeric_limits<float>::quiet_NaN() : 0.0f);
  std::vector<float> want = o.c, got = o.c;
  ref::gemm(g.trans_a, g.trans_b, g.m, g.n, g.k, g.alpha, o.a.data(), o.lda, o.b.data(), o.ldb,
            g.beta, want.data(), o.ldc);
  k::gemm(g.trans_a, g.trans_b, g.m, g.n, g.k, g.alpha, o.a.data(), o.lda, o.b.data(), o.ldb,
          g.beta, got.data(), o.ldc);
  // Rounding bound per element: the same product over magnitudes, |alpha||A||B| + |beta||C|.
  std::vector<float> bound = absolute(o.c);
  if (nan_in_c) bound.assign(bound.size(), 0.0f);
  ref::gemm(g.trans_a, g.trans_b, g.m, g.n, g.k, std::fabs(g.alpha), absolute(o.a).data(), o.lda,
            absolute(o.b).data(), o.ldb, std::fabs(g.beta), bound.data(), o.ldc);

  std::size_t bad = 0, first = 0;
  for (int i = 0; i < g.m; ++i) {
    for (int j = 0; j < o.ldc; ++j) {
      const std::size_t at = std::size_t(i) * o.ldc + j;
      const bool ok = j >= g.n ? got[at] == kPadding && want[at] == kPadding
                               : std::isfinite(got[at]) &&
                                     std::fabs(got[at] - want[at]) <= 1e-5f * bound[at] + 1e-6f;
      if (!ok && bad++ == 0) first = at;
    }
  }
  INFO(bad << " bad elements; first at " << first << ": got " << got[first] << ", want "
           << want[first]);
  CHECK(bad == 0);
}

}  // namespace

TEST_CASE("reference gemm computes a hand-checked product", "[kernels]") {
  const std::vector<float> a = {1, 2, 3, 4, 5, 6};     // 2 x 3
  const std::vector<float> b = {7, 8, 9, 10, 11, 12};  // 3 x 2
  std::vector<float> c = {1, 1, 1, 1};
  ref::gemm(false, false, 2, 2, 3, 2.0f, a.data(), 3, b.data(), 2, -1.0f, c.data(), 2);
  // A*B = [58 64; 139 154]
  CHECK(c == std::vector<float>{115, 127, 277, 307});
  std::vector<float> fast = {1, 1, 1, 1};
  k::gemm(false, false, 2, 2, 3, 2.0f, a.data(), 3, b.data(), 2, -1.0f, fast.data(), 2);
  CHECK(fast == c);
  // A^T * A (3 x 3) through trans_a, first row [17 22 27].
  std::vector<float> gram(9);
  ref::gemm(true, false, 3, 3, 2, 1.0f, a.data(), 3, a.data(), 3, 0.0f, gram.data(), 3);
  CHECK(gram == std::vector<float>{17, 22, 27, 22, 29, 36, 27, 36, 45});
  fast.assign(9, 0.0f);
  k::gemm(true, false, 3, 3, 2, 1.0f, a.data(), 3, a.data(), 3, 0.0f, fast.data(), 3);
  CHECK(fast == gram);
}

TEST_CASE("gemm matches the reference for all transposes, odd sizes and padded strides",
          "[kernels]") {
  const int sizes[] = {1, 3, 7, 17, 33, 65};
  const float alpha_beta[][2] = {{1.0f, 0.0f}, {0.5f, 1.0f}, {-1.5f, 0.25f}};
  for (bool trans_a : {false, true})
    for (bool trans_b : {false, true})
      for (int m : sizes)
        for (int n : sizes)
          for (int k : sizes)
            for (const auto& ab : alpha_beta)
              check_gemm_case({trans_a, trans_b, m, n, k, ab[0], ab[1]}, false);
}

TEST_CASE("gemm matches the reference on every tile edge from 1 to 37", "[kernels]") {
  // Every m and n in 1..37 hits each partial register tile (rows mod 6, columns mod 8),
  // and m <= 6 takes the path that reads B in place.
  for (bool trans_a : {false, true})
    for (bool trans_b : {false, true})
      for (int m = 1; m <= 37; ++m)
        for (int n = 1; n <= 37; ++n)
          check_gemm_case({trans_a, trans_b, m, n, (m * 7 + n) % 37 + 1, 1.0f, 0.0f}, false);
  for (int m : {1, 2, 5, 6, 7, 13, 31, 37})
    for (int n : {1, 8, 11, 29, 37})
      check_gemm_case({false, false, m, n, 23, 0.5f, -1.0f}, false);
}

TEST_CASE("gemm matches the reference across its cache blocks", "[kernels]") {
  // k beyond one 256-deep slice (later slices add onto the first), m beyond one 72-row
  // block of A, n beyond one 1024-column block of B; and the in-place-B path with a long k.
  for (bool trans_a : {false, true})
    for (bool trans_b : {false, true}) {
      check_gemm_case({trans_a, trans_b, 79, 1031, 300, 1.0f, 0.0f}, true);
      check_gemm_case({trans_a, trans_b, 150, 21, 515, -0.5f, 1.0f}, false);
      check_gemm_case({trans_a, trans_b, 3, 45, 600, 2.0f, 0.5f}, false);
    }
}

TEST_CASE("gemm with beta == 0 overwrites a NaN-filled C", "[kernels]") {
  for (bool trans_a : {false, true})
    for (bool trans_b : {false, true})
      for (int size : {1, 3, 7, 17, 33, 65}) {
        check_gemm_case({trans_a, trans_b, size, size + 2, size + 4, 1.0f, 0.0f}, true);
        check_gemm_case({trans_a, trans_b, size + 4, size, size + 2, -0.75f, 0.0f}, true);
      }
}

TEST_CASE("gemm with k == 0 scales C by beta, and m or n == 0 touches nothing", "[kernels]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> unused = {nan};
  std::vector<float> c = {1, 2, 3, 4, 5, 6};
  k::gemm(false, false, 2, 3, 0, 1.0f, unused.data(), 1, unused.data(), 3, 0.5f, c.data(), 3);
  CHECK(c == std::vector<float>{0.5f, 1, 1.5f, 2, 2.5f, 3});
  std::vector<float> nan_c(6, nan);
  k::gemm(true, true, 2, 3, 0, 1.0f, unused.data(), 2, unused.data(), 1, 0.0f, nan_c.data(), 3);
  CHECK(nan_c == std::vector<float>(6, 0.0f));
  std::vector<float> untouched = {7, 8};
  k::gemm(false, false, 0, 2, 3, 1.0f, unused.data(), 3, unused.data(), 2, 0.0f,
          untouched.data(), 2);
  k::gemm(false, false, 2, 0, 3, 1.0f, unused.data(), 3, unused.data(), 0, 0.0f,
          untouched.data(), 1);
  CHECK(untouched == std::vector<float>{7, 8});
}

TEST_CASE("gemm rejects row strides shorter than a row", "[kernels]") {
  std::vector<float> a(12), b(12), c(12);
  using Catch::Matchers::Contains;
  CHECK_THROWS_WITH(k::gemm(false, false, 2, 3, 4, 1.0f, a.data(), 3, b.data(), 3, 0.0f,
                            c.data(), 3),
                    Contains("lda must be >= 4, got 3"));
  CHECK_THROWS_WITH(k::gemm(false, true, 2, 3, 4, 1.0f, a.data(), 4, b.data(), 3, 0.0f,
                            c.data(), 3),
                    Contains("ldb must be >= 4, got 3"));
  CHECK_THROWS_AS(ref::gemm(false, false, 2, 3, 4, 1.0f, a.data(), 4, b.data(), 3, 0.0f,
                            c.data(), 2),
                  simdnn::Error);
}
