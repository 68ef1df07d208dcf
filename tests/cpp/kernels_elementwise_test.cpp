// Elementwise kernels: the xsimd path against the scalar reference at every size around
// the lane width, out of place and in place, plus hand-checked values for the reference.
#include <catch2/catch.hpp>

#include <limits>
#include <vector>

#include "kernels/elementwise.hpp"
#include "kernels_test_support.hpp"

namespace k = simdnn::kernels;
namespace ref = simdnn::kernels::reference;
using simdnn::kernels::testing::check_all_close;
using simdnn::kernels::testing::kSizes;
using simdnn::kernels::testing::random_vector;

namespace {

constexpr float kRel = 1e-6f;
constexpr float kAbs = 1e-7f;

using BinaryKernel = void (*)(const float*, const float*, float*, std::size_t);

// fast(a, b) vs reference(a, b), then fast in place into a, and with both inputs aliased.
void check_binary(BinaryKernel fast, BinaryKernel reference, std::size_t n) {
  simdnn::Rng rng(n + 11);
  const std::vector<float> a = random_vector(rng, n, -3.0f, 3.0f);
  const std::vector<float> b = random_vector(rng, n, -3.0f, 3.0f);
  std::vector<float> want(n), got(n, -99.0f);
  reference(a.data(), b.data(), want.data(), n);
  fast(a.data(), b.data(), got.data(), n);
  check_all_close(got, want, kRel, kAbs);

  std::vector<float> in_place = a;
  fast(in_place.data(), b.data(), in_place.data(), n);
  check_all_close(in_place, want, kRel, kAbs);

  std::vector<float> want_self(n), self = a;
  reference(a.data(), a.data(), want_self.data(), n);
  fast(self.data(), self.data(), self.data(), n);
  check_all_close(self, want_self, kRel, kAbs);
}

}  // namespace

TEST_CASE("elementwise references compute the documented values", "[kernels]") {
  const std::vector<float> a = {1.0f, -2.0f, 3.5f};
  const std::vector<float> b = {4.0f, 0.5f, -1.0f};
  std::vector<float> out(3);
  ref::add(a.data(), b.data(), out.data(), 3);
  CHECK(out == std::vector<float>{5.0f, -1.5f, 2.5f});
  ref::sub(a.data(), b.data(), out.data(), 3);
  CHECK(out == std::vector<float>{-3.0f, -2.5f, 4.5f});
  ref::mul(a.data(), b.data(), out.data(), 3);
  CHECK(out == std::vector<float>{4.0f, -1.0f, -3.5f});
  out = b;
  ref::axpy(2.0f, a.data(), out.data(), 3);
  CHECK(out == std::vector<float>{6.0f, -3.5f, 6.0f});
  ref::scale(-2.0f, a.data(), out.data(), 3);
  CHECK(out == std::vector<float>{-2.0f, 4.0f, -7.0f});
  ref::add_scalar(a.data(), 0.5f, out.data(), 3);
  CHECK(out == std::vector<float>{1.5f, -1.5f, 4.0f});
  const std::vector<float> mask = {1.0f, 0.0f, 0.3f};
  ref::apply_mask(a.data(), mask.data(), 2.0f, out.data(), 3);
  CHECK(out == std::vector<float>{2.0f, 0.0f, 7.0f});
  const std::vector<float> matrix = {1, 2, 3, 4, 5, 6};  // 2 x 3
  std::vector<float> biased(6);
  ref::add_bias_rows(matrix.data(), b.data(), biased.data(), 2, 3);
  CHECK(biased == std::vector<float>{5.0f, 2.5f, 2.0f, 8.0f, 5.5f, 5.0f});
}

TEST_CASE("add, sub and mul match the reference at every size and in place", "[kernels]") {
  for (std::size_t n : kSizes) {
    INFO("n = " << n);
    check_binary(k::add, ref::add, n);
    check_binary(k::sub, ref::sub, n);
    check_binary(k::mul, ref::mul, n);
  }
}

TEST_CASE("axpy, scale and add_scalar match the reference at every size and in place",
          "[kernels]") {
  for (std::size_t n : kSizes) {
    INFO("n = " << n);
    simdnn::Rng rng(n + 101);
    const std::vector<float> x = random_vector(rng, n, -3.0f, 3.0f);
    const std::vector<float> y = random_vector(rng, n, -3.0f, 3.0f);

    std::vector<float> want = y, got = y;
    ref::axpy(-0.75f, x.data(), want.data(), n);
    k::axpy(-0.75f, x.data(), got.data(), n);
    check_all_close(got, want, kRel, kAbs);
    // y aliasing x: y += alpha * y.
    std::vector<float> want_self = x, self = x;
    ref::axpy(1.5f, want_self.data(), want_self.data(), n);
    k::axpy(1.5f, self.data(), self.data(), n);
    check_all_close(self, want_self, kRel, kAbs);

    std::vector<float> want_scaled(n), scaled = x;
    ref::scale(2.5f, x.data(), want_scaled.data(), n);
    k::scale(2.5f, scaled.data(), scaled.data(), n);
    check_all_close(scaled, want_scaled, kRel, kAbs);

    std::vector<float> want_shifted(n), shifted(n), shifted_in_place = x;
    ref::add_scalar(x.data(), -1.25f, want_shifted.data(), n);
    k::add_scalar(x.data(), -1.25f, shifted.data(), n);
    k::add_scalar(shifted_in_place.data(), -1.25f, shifted_in_place.data(), n);
    check_all_close(shifted, want_shifted, kRel, kAbs);
    check_all_close(shifted_in_place, want_shifted, kRel, kAbs);
  }
}

TEST_CASE("apply_mask matches the reference at every size and in place", "[kernels]") {
  for (std::size_t n : kSizes) {
    INFO("n = " << n);
    simdnn::Rng rng(n + 202);
    const std::vector<float> x = random_vector(rng, n, -3.0f, 3.0f);
    std::vector<float> mask(n);
    for (float& m : mask) m = rng.uniform() < 0.5f ? 0.0f : 1.0f;
    std::vector<float> want(n), got(n), in_place = x;
    ref::apply_mask(x.data(), mask.data(), 1.0f / 0.7f, want.data(), n);
    k::apply_mask(x.data(), mask.data(), 1.0f / 0.7f, got.data(), n);
    k::apply_mask(in_place.data(), mask.data(), 1.0f / 0.7f, in_place.data(), n);
    check_all_close(got, want, kRel, kAbs);
    check_all_close(in_place, want, kRel, kAbs);
    for (std::size_t i = 0; i < n; ++i)
      if (mask[i] == 0.0f) REQUIRE(got[i] == 0.0f);
  }
}

TEST_CASE("add_bias_rows matches the reference for odd shapes and in place", "[kernels]") {
  for (std::size_t cols : kSizes) {
    for (std::size_t rows : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{5}}) {
      INFO("rows = " << rows << ", cols = " << cols);
      simdnn::Rng rng(rows * 1000 + cols);
      const std::vector<float> x = random_vector(rng, rows * cols);
      const std::vector<float> bias = random_vector(rng, cols);
      std::vector<float> want(rows * cols), got(rows * cols), in_place = x;
      ref::add_bias_rows(x.data(), bias.data(), want.data(), rows, cols);
      k::add_bias_rows(x.data(), bias.data(), got.data(), rows, cols);
      k::add_bias_rows(in_place.data(), bias.data(), in_place.data(), rows, cols);
      check_all_close(got, want, kRel, kAbs);
      check_all_close(in_place, want, kRel, kAbs);
    }
  }
}

TEST_CASE("all_finite finds a non-finite value at any position", "[kernels]") {
  const float bad_values[] = {std::numeric_limits<float>::infinity(),
                              -std::numeric_limits<float>::infinity(),
                              std::numeric_limits<float>::quiet_NaN()};
  for (std::size_t n : kSizes) {
    INFO("n = " << n);
    simdnn::Rng rng(n + 303);
    // Large finite values: x - x must stay 0, not overflow.
    std::vector<float> x = random_vector(rng, n);
    for (float& v : x) v *= 3e38f;
    CHECK(k::all_finite(x.data(), n));
    CHECK(ref::all_finite(x.data(), n));
    // Every position for short buffers; start, middle and the tail for long ones.
    std::vector<std::size_t> positions;
    if (n <= 40) {
      for (std::size_t i = 0; i < n; ++i) positions.push_back(i);
    } else {
      positions = {0, n / 2, n - 3, n - 1};
    }
    for (std::size_t position : positions) {
      for (float bad : bad_values) {
        INFO("bad value " << bad << " at " << position);
        std::vector<float> poisoned = x;
        poisoned[position] = bad;
        CHECK_FALSE(k::all_finite(poisoned.data(), n));
        CHECK_FALSE(ref::all_finite(poisoned.data(), n));
      }
    }
  }
}
