// Reductions: the xsimd path against the double-accumulating scalar reference. Sums are
// compared with a tolerance scaled by the sum of magnitudes, the natural bound for the
// rounding error of a reordered float summation.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "kernels/reductions.hpp"
#include "kernels_test_support.hpp"

namespace k = simdnn::kernels;
namespace ref = simdnn::kernels::reference;
using simdnn::kernels::testing::check_all_close;
using simdnn::kernels::testing::kSizes;
using simdnn::kernels::testing::random_vector;

namespace {

double sum_of_magnitudes(const std::vector<float>& a, const std::vector<float>& b) {
  double total = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) total += std::fabs(double(a[i]) * b[i]);
  return total;
}

void check_sum_close(float got, float want, double magnitude) {
  INFO("got " << got << ", want " << want << ", magnitude " << magnitude);
  CHECK(std::fabs(double(got) - want) <= 1e-6 * magnitude + 1e-7);
}

}  // namespace

TEST_CASE("reduction references compute the documented values", "[kernels]") {
  const std::vector<float> x = {1.0f, -2.0f, 3.0f, 0.5f};
  const std::vector<float> y = {2.0f, 1.0f, -1.0f, 4.0f};
  CHECK(ref::sum(x.data(), 4) == 2.5f);
  CHECK(ref::sum_squares(x.data(), 4) == 14.25f);
  CHECK(ref::dot(x.data(), y.data(), 4) == -1.0f);
  CHECK(ref::max(x.data(), 4) == 3.0f);
  const std::vector<float> matrix = {1, 2, 3, 4, 5, 6};  // 2 x 3
  std::vector<float> column_sums = {10, 20, 30};
  ref::sum_rows(matrix.data(), 2, 3, column_sums.data(), false);
  CHECK(column_sums == std::vector<float>{5, 7, 9});
  ref::sum_rows(matrix.data(), 2, 3, column_sums.data(), true);
  CHECK(column_sums == std::vector<float>{10, 14, 18});
  const std::vector<float> scores = {0, 3, 3, 1, /**/ 7, 2, 7, 7};  // 2 x 4, ties
  std::vector<int> best(2);
  ref::argmax_rows(scores.data(), 2, 4, best.data());
  CHECK(best == std::vector<int>{1, 0});
}

TEST_CASE("sum, sum_squares and dot match the reference at every size", "[kernels]") {
  for (std::size_t n : kSizes) {
    INFO("n = " << n);
    simdnn::Rng rng(n + 404);
    const std::vector<float> x = random_vector(rng, n, -2.0f, 2.0f);
    const std::vector<float> y = random_vector(rng, n, -2.0f, 2.0f);
    const std::vector<float> ones(n, 1.0f);
    check_sum_close(k::sum(x.data(), n), ref::sum(x.data(), n), sum_of_magnitudes(x, ones));
    check_sum_close(k::sum_squares(x.data(), n), ref::sum_squares(x.data(), n),
                    sum_of_magnitudes(x, x));
    check_sum_close(k::dot(x.data(), y.data(), n), ref::dot(x.data(), y.data(), n),
                    sum_of_magnitudes(x, y));
    check_sum_close(k::dot(x.data(), x.data(), n), ref::sum_squares(x.data(), n),
                    sum_of_magnitudes(x, x));
  }
}

TEST_CASE("sum of exactly representable values is exact in every lane position", "[kernels]") {
  // Small integers sum exactly in float, so any dropped or doubled tail element shows up.
  for (std::size_t n : kSizes) {
    std::vector<float> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = float(i % 7) - 2.0f;
    INFO("n = " << n);
    CHECK(k::sum(x.data(), n) == ref::sum(x.data(), n));
    CHECK(k::sum_squares(x.data(), n) == ref::sum_squares(x.data(), n));
  }
}

TEST_CASE("max matches the reference wherever the maximum sits", "[kernels]") {
  for (std::size_t n : kSizes) {
    if (n == 0) continue;  // max requires n >= 1
    simdnn::Rng rng(n + 505);
    // All negative, so a kernel that starts from 0 or pads with 0 would be caught.
    const std::vector<float> base = random_vector(rng, n, -9.0f, -1.0f);
    for (std::size_t position : {std::size_t{0}, n / 2, n - 1}) {
      INFO("n = " << n << ", maximum at " << position);
      std::vector<float> x = base;
      x[position] = -0.5f;
      CHECK(k::max(x.data(), n) == -0.5f);
      CHECK(ref::max(x.data(), n) == -0.5f);
    }
  }
}

TEST_CASE("sum_rows matches the reference, overwriting or accumulating", "[kernels]") {
  for (std::size_t cols : kSizes) {
    // 1001 rows: many whole periods of the narrow-row path plus a ragged end.
    for (std::size_t rows : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{7},
                             std::size_t{33}, std::size_t{1001}}) {
      INFO("rows = " << rows << ", cols = " << cols);
      simdnn::Rng rng(rows * 7919 + cols);
      const std::vector<float> x = random_vector(rng, rows * cols);
      const std::vector<float> start = random_vector(rng, cols);
      // Tolerance: rows values of magnitude <= 1 (plus the start value) per column.
      const float abs_tol = 1e-6f * float(rows + 1);
      std::vector<float> want = start, got = start;
      ref::sum_rows(x.data(), rows, cols, want.data(), false);
      k::sum_rows(x.data(), rows, cols, got.data(), false);
      check_all_close(got, want, 0.0f, abs_tol);
      want = start;
      got = start;
      ref::sum_rows(x.data(), rows, cols, want.data(), true);
      k::sum_rows(x.data(), rows, cols, got.data(), true);
      check_all_close(got, want, 0.0f, abs_tol);
    }
  }
}

TEST_CASE("argmax_rows returns the first maximum of each row", "[kernels]") {
  for (std::size_t cols : kSizes) {
    if (cols == 0) continue;
    const std::size_t rows = 6;
    simdnn::Rng rng(cols + 606);
    std::vector<float> x = random_vector(rng, rows * cols, -5.0f, -1.0f);
    std::vector<int> expected(rows);
    for (std::size_t r = 0; r < rows; ++r) {
      // Row r: the maximum first at a row-dependent column, repeated further right.
      const std::size_t first = (r * 5 + 3) % cols;
      expected[r] = int(first);
      x[r * cols + first] = 2.0f;
      for (std::size_t c = first + 2; c < cols; c += 3) x[r * cols + c] = 2.0f;
    }
    std::vector<int> got(rows, -1), want(rows, -1);
    k::argmax_rows(x.data(), rows, cols, got.data());
    ref::argmax_rows(x.data(), rows, cols, want.data());
    INFO("cols = " << cols);
    CHECK(got == expected);
    CHECK(want == expected);
  }
}
