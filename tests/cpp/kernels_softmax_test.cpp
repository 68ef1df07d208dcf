// Softmax (row-wise, so tested apart from the elementwise activations) and the
// activation name table.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "kernels/activations.hpp"
#include "kernels_test_support.hpp"

namespace k = simdnn::kernels;
namespace ref = simdnn::kernels::reference;
using simdnn::kernels::Activation;
using simdnn::kernels::ActivationSpec;
using simdnn::kernels::testing::check_all_close;
using simdnn::kernels::testing::kSizes;
using simdnn::kernels::testing::random_vector;

namespace {

const ActivationSpec kSoftmax{Activation::softmax};

// Rows of random logits in [-8, 8]; row 1 (if any) holds ±100 and ±50 to test stability.
std::vector<float> logits(std::size_t rows, std::size_t cols, std::uint64_t seed) {
  simdnn::Rng rng(seed);
  std::vector<float> x = random_vector(rng, rows * cols, -8.0f, 8.0f);
  if (rows > 1) {
    const float extremes[] = {100.0f, -100.0f, 50.0f, -50.0f};
    for (std::size_t c = 0; c < cols; ++c) x[cols + c] = extremes[c % 4];
  }
  return x;
}

// L(x) = sum over the row of dy * softmax(x), in double from the reference forward.
double weighted_output(const std::vector<float>& x, const std::vector<float>& dy) {
  std::vector<float> y(x.size());
  ref::activation_forward(kSoftmax, x.data(), y.data(), 1, x.size());
  double total = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) total += double(dy[i]) * y[i];
  return total;
}

}  // namespace

TEST_CASE("softmax forward matches the reference, rows sum to 1, also in place", "[kernels]") {
  for (std::size_t cols : kSizes) {
    if (cols == 0) continue;
    for (std::size_t rows : {std::size_t{1}, std::size_t{3}}) {
      INFO("rows = " << rows << ", cols = " << cols);
      const std::vector<float> x = logits(rows, cols, rows * 31 + cols);
      std::vector<float> want(x.size()), got(x.size()), in_place = x;
      ref::activation_forward(kSoftmax, x.data(), want.data(), rows, cols);
      k::activation_forward(kSoftmax, x.data(), got.data(), rows, cols);
      k::activation_forward(kSoftmax, in_place.data(), in_place.data(), rows, cols);
      check_all_close(got, want, 1e-5f, 1e-7f);
      check_all_close(in_place, want, 1e-5f, 1e-7f);
      for (std::size_t r = 0; r < rows; ++r) {
        double fast_total = 0.0, reference_total = 0.0;
        for (std::size_t c = 0; c < cols; ++c) {
          REQUIRE(got[r * cols + c] >= 0.0f);
          fast_total += got[r * cols + c];
          reference_total += want[r * cols + c];
        }
        CHECK(fast_total == Approx(1.0).epsilon(1e-5));
        CHECK(reference_total == Approx(1.0).epsilon(1e-5));
      }
    }
  }
}

TEST_CASE("softmax ignores a constant shift of the logits", "[kernels]") {
  const std::vector<float> x = {1.0f, 2.0f, 3.0f, -1.0f, 0.5f};
  std::vector<float> shifted = x;
  for (float& v : shifted) v += 1000.0f;  // exp(1000) overflows without the max shift
  std::vector<float> want(5), got(5);
  k::activation_forward(kSoftmax, x.data(), want.data(), 1, 5);
  k::activation_forward(kSoftmax, shifted.data(), got.data(), 1, 5);
  check_all_close(got, want, 1e-4f, 1e-6f);
  // Hand-checked: softmax([0, ln 3]) = [0.25, 0.75].
  const std::vector<float> pair = {0.0f, std::log(3.0f)};
  std::vector<float> pair_out(2);
  k::activation_forward(kSoftmax, pair.data(), pair_out.data(), 1, 2);
  CHECK(pair_out[0] == Approx(0.25f));
  CHECK(pair_out[1] == Approx(0.75f));
}

TEST_CASE("softmax backward matches the reference at every size and in place", "[kernels]") {
  for (std::size_t cols : kSizes) {
    const std::size_t rows = 3;
    INFO("cols = " << cols);
    const std::vector<float> x = logits(rows, cols, cols + 77);
    simdnn::Rng rng(cols + 78);
    const std::vector<float> dy = random_vector(rng, rows * cols, -2.0f, 2.0f);
    std::vector<float> y(x.size());
    ref::activation_forward(kSoftmax, x.data(), y.data(), rows, cols);
    std::vector<float> want(x.size()), got(x.size()), over_dy = dy, over_y = y;
    ref::activation_backward(kSoftmax, x.data(), y.data(), dy.data(), want.data(), rows, cols);
    k::activation_backward(kSoftmax, x.data(), y.data(), dy.data(), got.data(), rows, cols);
    k::activation_backward(kSoftmax, x.data(), y.data(), over_dy.data(), over_dy.data(), rows,
                           cols);
    k::activation_backward(kSoftmax, x.data(), over_y.data(), dy.data(), over_y.data(), rows,
                           cols);
    check_all_close(got, want, 1e-5f, 1e-6f);
    check_all_close(over_dy, want, 1e-5f, 1e-6f);
    check_all_close(over_y, want, 1e-5f, 1e-6f);
  }
}

TEST_CASE("softmax backward is the gradient of sum(dy * softmax(x))", "[kernels]") {
  for (std::size_t cols : {std::size_t{1}, std::size_t{3}, std::size_t{7}, std::size_t{17}}) {
    INFO("cols = " << cols);
    simdnn::Rng rng(cols + 5);
    const std::vector<float> x = random_vector(rng, cols, -3.0f, 3.0f);
    const std::vector<float> dy = random_vector(rng, cols, -2.0f, 2.0f);
    std::vector<float> numeric(cols);
    const float h = 1e-2f;
    for (std::size_t j = 0; j < cols; ++j) {
      // Central difference with a Richardson step, as for the elementwise activations.
      auto central = [&](float step) {
        std::vector<float> plus = x, minus = x;
        plus[j] += step;
        minus[j] -= step;
        return (weighted_output(plus, dy) - weighted_output(minus, dy)) / (2.0 * step);
      };
      numeric[j] = float((4.0 * central(h / 2) - central(h)) / 3.0);
    }
    std::vector<float> y(cols), reference_dx(cols), fast_dx(cols);
    ref::activation_forward(kSoftmax, x.data(), y.data(), 1, cols);
    ref::activation_backward(kSoftmax, x.data(), y.data(), dy.data(), reference_dx.data(), 1, cols);
    k::activation_backward(kSoftmax, x.data(), y.data(), dy.data(), fast_dx.data(), 1, cols);
    check_all_close(reference_dx, numeric, 1e-3f, 2e-4f);
    check_all_close(fast_dx, numeric, 1e-3f, 2e-4f);
  }
}

TEST_CASE("activation names round-trip and accept the Keras and TF.js aliases", "[kernels]") {
  const char* canonical[] = {"linear",  "relu",    "leaky_relu", "elu",  "selu",  "sigmoid",
                             "tanh",    "softmax", "softplus",   "gelu", "swish", "hard_sigmoid"};
  for (const char* name : canonical) {
    INFO(name);
    CHECK(k::activation_name(k::activation_from_name(name)) == name);
  }
  CHECK(k::activation_from_name("silu") == Activation::swish);
  CHECK(k::activation_from_name("leakyRelu") == Activation::leaky_relu);
  CHECK(k::activation_from_name("hardSigmoid") == Activation::hard_sigmoid);
}

TEST_CASE("an unknown activation name throws an Error listing the known names", "[kernels]") {
  using Catch::Matchers::Contains;
  CHECK_THROWS_AS(k::activation_from_name("reluu"), simdnn::Error);
  CHECK_THROWS_WITH(k::activation_from_name("reluu"),
                    Contains("unknown activation 'reluu'") && Contains("relu, leaky_relu") &&
                        Contains("hard_sigmoid") && Contains("hardSigmoid"));
  // Names are case-sensitive, as in Keras.
  CHECK_THROWS_AS(k::activation_from_name("ReLU"), simdnn::Error);
  CHECK_THROWS_AS(k::activation_from_name(""), simdnn::Error);
}
