// SpatialDropout1D / SpatialDropout2D: whole channels dropped per sample in training.
#include <catch2/catch.hpp>

#include <cmath>

#include "gradcheck.hpp"
#include "layers/spatial_dropout.hpp"

using namespace simdnn;
using namespace simdnn::test;

namespace {

// For every (sample, channel) map of y = layer(ones): all positions must agree, and be either
// 0 or 1 / (1 - rate). Returns the fraction of maps dropped.
double dropped_fraction(const Tensor& y, int batch, int channels, int positions, bool channels_first,
                        float rate) {
  const float kept_value = 1.0f / (1.0f - rate);
  int dropped = 0;
  for (int b = 0; b < batch; ++b) {
    for (int c = 0; c < channels; ++c) {
      auto at = [&](int p) {
        return channels_first ? y[(b * channels + c) * positions + p]
                              : y[(b * positions + p) * channels + c];
      };
      const float first = at(0);
      REQUIRE((first == 0.0f || first == Approx(kept_value)));
      for (int p = 1; p < positions; ++p) REQUIRE(at(p) == first);
      dropped += first == 0.0f;
    }
  }
  return static_cast<double>(dropped) / (batch * channels);
}

}  // namespace

TEST_CASE("SpatialDropout drops whole channels per sample at the given rate", "[layers]") {
  SECTION("2D, channels last") {
    SpatialDropout2D layer("sd2_stats", 0.3f);
    const Tensor ones({40, 3, 4, 25}, 1.0f);
    const Tensor y = run_forward(layer, {ones}, true)[0];
    const double fraction = dropped_fraction(y, 40, 25, 12, false, 0.3f);
    // 1000 Bernoulli(0.3) draws: the standard deviation of the fraction is ~0.0145.
    CHECK(fraction == Approx(0.3).margin(0.06));
    // Inverted scaling keeps the mean.
    double total = 0.0;
    for (float v : y.span()) total += v;
    CHECK(total / y.size() == Approx(1.0).margin(0.1));
  }
  SECTION("2D, channels first") {
    SpatialDropout2D layer("sd2_first", 0.5f, "channels_first");
    const Tensor ones({40, 25, 3, 4}, 1.0f);
    const Tensor y = run_forward(layer, {ones}, true)[0];
    CHECK(dropped_fraction(y, 40, 25, 12, true, 0.5f) == Approx(0.5).margin(0.06));
  }
  SECTION("1D: one mask per (sample, feature), shared by all steps") {
    SpatialDropout1D layer("sd1_stats", 0.2f);
    const Tensor ones({50, 7, 20}, 1.0f);
    const Tensor y = run_forward(layer, {ones}, true)[0];
    CHECK(dropped_fraction(y, 50, 20, 7, false, 0.2f) == Approx(0.2).margin(0.06));
  }
  SECTION("masks differ between samples and come from call.rng") {
    SpatialDropout1D layer("sd1_rng", 0.5f);
    const Tensor ones({2, 3, 64}, 1.0f);
    const Tensor a = run_forward(layer, {ones}, true, 1)[0];
    const Tensor again = run_forward(layer, {ones}, true, 1)[0];
    const Tensor other_seed = run_forward(layer, {ones}, true, 2)[0];
    CHECK(max_abs_difference(a, again) == 0.0f);
    CHECK(max_abs_difference(a, other_seed) > 0.0f);
    int differing_channels = 0;
    for (int c = 0; c < 64; ++c) differing_channels += a[c] != a[3 * 64 + c];
    CHECK(differing_channels > 0);
  }
}

TEST_CASE("SpatialDropout is the identity at inference and with rate 0", "[layers]") {
  Rng rng(2);
  const Tensor x = random_tensor({2, 3, 4, 5}, rng);
  SpatialDropout2D layer("sd2_identity", 0.6f);
  CHECK(max_abs_difference(run_forward(layer, {x}, false)[0], x) == 0.0f);
  SpatialDropout2D zero_rate("sd2_zero", 0.0f);
  CHECK(max_abs_difference(run_forward(zero_rate, {x}, true)[0], x) == 0.0f);
  check_gradients(layer, {x});  // inference: the gradient passes through
}

TEST_CASE("SpatialDropout gradients match central differences in training", "[layers]") {
  Rng rng(3);
  GradCheckOptions training;
  training.training = true;  // the checker resets call.rng before each forward: same mask
  SECTION("2D channels last") {
    SpatialDropout2D layer("sd2_grad", 0.4f);
    check_gradients(layer, {random_tensor({3, 3, 2, 5}, rng)}, training);
  }
  SECTION("2D channels first") {
    SpatialDropout2D layer("sd2_grad_first", 0.4f, "channels_first");
    check_gradients(layer, {random_tensor({3, 5, 2, 3}, rng)}, training);
  }
  SECTION("1D") {
    SpatialDropout1D layer("sd1_grad", 0.5f);
    check_gradients(layer, {random_tensor({3, 4, 7}, rng)}, training);
  }
}

TEST_CASE("SpatialDropout config round trip", "[layers]") {
  SpatialDropout2D layer("sd2_rt", 0.25f, "channels_first", 17);
  const Json config = layer.config();
  CHECK(config["rate"] == 0.25);
  CHECK(config["seed"] == 17);
  CHECK(config["data_format"] == "channels_first");
  auto copy = round_trip(layer);
  CHECK(dynamic_cast<SpatialDropout2D&>(*copy).channels_first());

  SpatialDropout1D one("sd1_rt", 0.1f);
  CHECK(one.config()["seed"].is_null());
  CHECK_FALSE(one.config().contains("data_format"));
  round_trip(one);

  // Keras 2 / Keras 3 configs with their bookkeeping fields.
  auto keras = LayerRegistry::create("SpatialDropout2D",
                                     Json::parse(R"({"name": "spatial_dropout2d", "trainable": true,
      "dtype": "float32", "rate": 0.2, "noise_shape": null, "seed": null, "data_format": null})"));
  CHECK(keras->config()["data_format"] == "channels_last");
  CHECK(keras->config()["rate"] == 0.2);
}

TEST_CASE("SpatialDropout errors name the layer, the expectation and the value", "[layers]") {
  SpatialDropout2D layer("sd2_err", 0.5f);
  Rng rng(1);
  REQUIRE_THROWS_WITH(layer.build({{4, 4}}, rng),
                      Catch::Contains("SpatialDropout2D 'sd2_err'") && Catch::Contains("rank 4") &&
                          Catch::Contains("[?, 4, 4]"));
  SpatialDropout1D one("sd1_err", 0.5f);
  REQUIRE_THROWS_WITH(one.build({{4, 4, 4}}, rng),
                      Catch::Contains("SpatialDropout1D 'sd1_err'") && Catch::Contains("rank 3") &&
                          Catch::Contains("[?, 4, 4, 4]"));
  one.build({{4, 2}}, rng);
  const Tensor x({2, 4, 2}, 1.0f);
  LayerCall call;
  call.inputs = {&x};
  call.training = true;
  REQUIRE_THROWS_WITH(one.forward(call), Catch::Contains("sd1_err") && Catch::Contains("call.rng"));

  REQUIRE_THROWS_WITH(SpatialDropout2D("sd2_rate", 1.0f),
                      Catch::Contains("SpatialDropout2D 'sd2_rate'") && Catch::Contains("[0, 1)") &&
                          Catch::Contains("got 1"));
  REQUIRE_THROWS_WITH(SpatialDropout2D("sd2_fmt", 0.1f, "nhwc"),
                      Catch::Contains("sd2_fmt") && Catch::Contains("'nhwc'"));
  REQUIRE_THROWS_WITH(SpatialDropout1D::from_config(Json{{"name", "sd1_cfg"}}),
                      Catch::Contains("SpatialDropout1D 'sd1_cfg'") &&
                          Catch::Contains("missing required option 'rate'"));
  REQUIRE_THROWS_WITH(
      SpatialDropout1D::from_config(Json{{"name", "sd1_cfg"}, {"rate", 0.1}, {"data_format", "channels_last"}}),
      Catch::Contains("unknown option 'data_format'"));
  REQUIRE_THROWS_WITH(
      SpatialDropout2D::from_config(Json{{"name", "sd2_cfg"}, {"rate", 0.1}, {"data_format", "nchw"}}),
      Catch::Contains("'data_format' must be one of") && Catch::Contains("'nchw'"));
  REQUIRE_THROWS_WITH(
      SpatialDropout2D::from_config(Json{{"name", "sd2_cfg"}, {"rate", 0.1}, {"noise_shape", {1, 1}}}),
      Catch::Contains("noise_shape") && Catch::Contains("not supported"));
}
