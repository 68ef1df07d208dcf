// Activations: hand-checked values, the xsimd path against the scalar reference (including
// ±50, ±100 and 0), every backward pass against a central difference of the reference
// forward, softmax rows summing to 1, and the name table.
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

// Every kind, with the Keras default alpha, plus explicit alphas where one applies.
const std::vector<ActivationSpec> kSpecs = {
    {Activation::linear},     {Activation::relu},         {Activation::leaky_relu},
    {Activation::leaky_relu, 0.1f}, {Activation::elu},    {Activation::elu, 1.7f},
    {Activation::selu},       {Activation::sigmoid},      {Activation::tanh},
    {Activation::softmax},    {Activation::softplus},     {Activation::gelu},
    {Activation::swish},      {Activation::hard_sigmoid},
};

std::string describe(const ActivationSpec& spec) {
  return k::activation_name(spec.kind) + " (alpha " + std::to_string(spec.alpha) + ")";
}

float forward_one(const ActivationSpec& spec, float x) {
  float y = 0.0f;
  ref::activation_forward(spec, &x, &y, 1, 1);
  return y;
}

// Random values in [-6, 6] with the extremes and zero planted at the front and back,
// so they land both in full batches and in the tail.
std::vector<float> inputs_with_extremes(std::size_t n, std::uint64_t seed) {
  simdnn::Rng rng(seed);
  std::vector<float> x = random_vector(rng, n, -6.0f, 6.0f);
  const float extremes[] = {100.0f, -100.0f, 50.0f, -50.0f, 0.0f, 2.5f, -2.5f};
  for (std::size_t i = 0; i < n && i < 7; ++i) {
    x[i] = extremes[i];
    x[n - 1 - i] = extremes[(i + 3) % 7];
  }
  return x;
}

// Derivative of the reference forward by central differences with one Richardson step
// (error O(h^4)), in float, so h stays large enough for the rounding error to be small.
float numeric_derivative(const ActivationSpec& spec, float x) {
  const float h = 0.02f;
  auto central = [&](float step) {
    return (forward_one(spec, x + step) - forward_one(spec, x - step)) / (2.0f * step);
  };
  return (4.0f * central(h / 2.0f) - central(h)) / 3.0f;
}

// Points in [-4, 4] at least 0.05 from the kinks at 0 and ±2.5 (hard_sigmoid).
std::vector<float> smooth_points(std::size_t n, std::uint64_t seed) {
  simdnn::Rng rng(seed);
  std::vector<float> x;
  while (x.size() < n) {
    const float v = rng.uniform(-4.0f, 4.0f);
    if (std::fabs(v) > 0.05f && std::fabs(std::fabs(v) - 2.5f) > 0.05f) x.push_back(v);
  }
  return x;
}

}  // namespace

TEST_CASE("activations compute Keras values at hand-checked points", "[kernels]") {
  struct Point {
    ActivationSpec spec;
    float x, y;
  };
  const Point points[] = {
      {{Activation::linear}, -1.5f, -1.5f},
      {{Activation::relu}, -1.0f, 0.0f},
      {{Activation::relu}, 2.0f, 2.0f},
      {{Activation::leaky_relu}, -1.0f, -0.3f},  // alpha 0 means the Keras default 0.3
      {{Activation::leaky_relu, 0.1f}, -2.0f, -0.2f},
      {{Activation::elu}, -1.0f, -0.63212055882f},
      {{Activation::elu, 2.0f}, -1.0f, -1.2642411176f},
      {{Activation::selu}, 1.0f, 1.0507009873554805f},
      {{Activation::selu}, -1.0f, -1.1113307378f},
      {{Activation::sigmoid}, 0.0f, 0.5f},
      {{Activation::sigmoid}, 2.0f, 0.88079707797788f},
      {{Activation::tanh}, 1.0f, 0.76159415595576f},
      {{Activation::softplus}, 0.0f, 0.69314718055995f},
      {{Activation::softplus}, -3.0f, 0.04858735157374f},
      {{Activation::gelu}, 1.0f, 0.84134474606854f},
      {{Activation::gelu}, -1.0f, -0.15865525393146f},
      {{Activation::swish}, 1.0f, 0.73105857863001f},
      {{Activation::hard_sigmoid}, 1.0f, 0.7f},
      {{Activation::hard_sigmoid}, 3.0f, 1.0f},
      {{Activation::hard_sigmoid}, -3.0f, 0.0f},
  };
  for (const Point& p : points) {
    INFO(describe(p.spec) << " at " << p.x);
    float fast = 0.0f;
    k::activation_forward(p.spec, &p.x, &fast, 1, 1);
    CHECK(forward_one(p.spec, p.x) == Approx(p.y).epsilon(1e-6).margin(1e-7));
    CHECK(fast == Approx(p.y).epsilon(1e-6).margin(1e-7));
  }
}

TEST_CASE("activation forward matches the reference at every size, including extremes",
          "[kernels]") {
  for (const ActivationSpec& spec : kSpecs) {
    for (std::size_t n : kSizes) {
      INFO(describe(spec) << ", n = " << n);
      const std::vector<float> x = inputs_with_extremes(n, n + 707);
      std::vector<float> want(n), got(n), in_place = x;
      ref::activation_forward(spec, x.data(), want.data(), 1, n);
      k::activation_forward(spec, x.data(), got.data(), 1, n);
      k::activation_forward(spec, in_place.data(), in_place.data(), 1, n);
      check_all_close(got, want, 1e-5f, 1e-6f);
      check_all_close(in_place, want, 1e-5f, 1e-6f);
      for (float y : got) REQUIRE(std::isfinite(y));
    }
  }
}

TEST_CASE("activation backward matches the reference at every size and in place",
          "[kernels]") {
  for (const ActivationSpec& spec : kSpecs) {
    for (std::size_t n : kSizes) {
      INFO(describe(spec) << ", n = " << n);
      const std::vector<float> x = inputs_with_extremes(n, n + 808);
      simdnn::Rng rng(n + 909);
      const std::vector<float> dy = random_vector(rng, n, -2.0f, 2.0f);
      std::vector<float> y(n);
      ref::activation_forward(spec, x.data(), y.data(), 1, n);
      std::vector<float> want(n), got(n), in_place = dy;
      ref::activation_backward(spec, x.data(), y.data(), dy.data(), want.data(), 1, n);
      k::activation_backward(spec, x.data(), y.data(), dy.data(), got.data(), 1, n);
      k::activation_backward(spec, x.data(), y.data(), in_place.data(), in_place.data(), 1, n);
      check_all_close(got, want, 1e-5f, 1e-6f);
      check_all_close(in_place, want, 1e-5f, 1e-6f);
      for (float g : got) REQUIRE(std::isfinite(g));
    }
  }
}

TEST_CASE("activation backward equals dy times the numeric derivative", "[kernels]") {
  const std::size_t n = 37;
  for (const ActivationSpec& spec : kSpecs) {
    if (spec.kind == Activation::softmax) continue;  // not elementwise: its own test below
    INFO(describe(spec));
    const std::vector<float> x = smooth_points(n, 1234);
    simdnn::Rng rng(4321);
    const std::vector<float> dy = random_vector(rng, n, -2.0f, 2.0f);
    std::vector<float> y(n), numeric(n), reference_dx(n), fast_dx(n);
    ref::activation_forward(spec, x.data(), y.data(), 1, n);
    for (std::size_t i = 0; i < n; ++i) numeric[i] = dy[i] * numeric_derivative(spec, x[i]);
    ref::activation_backward(spec, x.data(), y.data(), dy.data(), reference_dx.data(), 1, n);
    k::activation_backward(spec, x.data(), y.data(), dy.data(), fast_dx.data(), 1, n);
    check_all_close(reference_dx, numeric, 1e-3f, 2e-4f);
    check_all_close(fast_dx, numeric, 1e-3f, 2e-4f);
  }
}

TEST_CASE("activation derivatives at the kinks follow TensorFlow", "[kernels]") {
  struct Kink {
    ActivationSpec spec;
    float x, slope;
  };
  const Kink kinks[] = {
      {{Activation::relu}, 0.0f, 0.0f},
      {{Activation::leaky_relu}, 0.0f, 0.3f},
      {{Activation::selu}, 0.0f, 1.0507009873554805f},
      {{Activation::hard_sigmoid}, 2.5f, 0.0f},
      {{Activation::hard_sigmoid}, -2.5f, 0.0f},
      {{Activation::hard_sigmoid}, 2.49f, 0.2f},
  };
  for (const Kink& kink : kinks) {
    INFO(describe(kink.spec) << " at " << kink.x);
    const float y = forward_one(kink.spec, kink.x);
    const float dy = 2.0f;
    float reference_dx = 0.0f, fast_dx = 0.0f;
    ref::activation_backward(kink.spec, &kink.x, &y, &dy, &reference_dx, 1, 1);
    k::activation_backward(kink.spec, &kink.x, &y, &dy, &fast_dx, 1, 1);
    CHECK(reference_dx == Approx(2.0f * kink.slope));
    CHECK(fast_dx == Approx(2.0f * kink.slope));
  }
}
