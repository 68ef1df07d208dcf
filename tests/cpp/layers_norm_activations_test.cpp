// Advanced activation layers: LeakyReLU, ELU, ReLU, PReLU, Softmax.
#include <catch2/catch.hpp>

#include <cmath>
#include <initializer_list>

#include "gradcheck.hpp"
#include "layers/elu.hpp"
#include "layers/leaky_relu.hpp"
#include "layers/prelu.hpp"
#include "layers/relu.hpp"
#include "layers/softmax.hpp"

using namespace simdnn;
using namespace simdnn::test;

namespace {

// Central differences straddling a kink (or ReLU's jump at its threshold) are meaningless:
// push every value at least 0.02 away from the given points.
Tensor away_from(Tensor t, std::initializer_list<float> kinks) {
  for (float& v : t.span())
    for (float kink : kinks)
      if (std::fabs(v - kink) < 0.02f) v = kink + (v < kink ? -0.05f : 0.05f);
  return t;
}

const std::vector<float> kValues{-2.0f, -0.5f, 0.0f, 1.5f, 3.0f, 7.0f};

Tensor values_tensor() { return Tensor::from({2, 3}, kValues); }

void check_values(const Tensor& y, const std::vector<double>& expected) {
  REQUIRE(y.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("element " << i);
    CHECK(y[i] == Approx(expected[i]).margin(1e-6));
  }
}

GradCheckOptions inference() { return {}; }

}  // namespace

TEST_CASE("LeakyReLU layer: forward, gradients, config", "[layers]") {
  LeakyReLU layer("leaky");  // Keras 3 default negative_slope 0.3
  check_values(run_forward(layer, {values_tensor()})[0], {-0.6, -0.15, 0.0, 1.5, 3.0, 7.0});
  LeakyReLU gentle("leaky_01", 0.1f);
  check_values(run_forward(gentle, {values_tensor()})[0], {-0.2, -0.05, 0.0, 1.5, 3.0, 7.0});
  // Slope 0 is relu (not the kernel's "alpha 0 = default" reading).
  LeakyReLU flat("leaky_0", 0.0f);
  check_values(run_forward(flat, {values_tensor()})[0], {0, 0, 0, 1.5, 3.0, 7.0});

  Rng rng(1);
  for (LeakyReLU* l : {&layer, &gentle, &flat})
    check_gradients(*l, {away_from(random_tensor({4, 3}, rng), {0.0f})}, inference());

  CHECK(gentle.config()["negative_slope"] == 0.1);
  round_trip(gentle);
  // Keras 2 and TF.js call the slope alpha.
  auto keras2 = LayerRegistry::create("LeakyReLU", Json{{"name", "leaky_k2"}, {"alpha", 0.2}});
  CHECK(keras2->config()["negative_slope"] == 0.2);
  CHECK(LayerRegistry::create("LeakyReLU", Json::object())->config()["negative_slope"] == 0.3);

  REQUIRE_THROWS_WITH(LeakyReLU("leaky_neg", -0.1f),
                      Catch::Contains("LeakyReLU 'leaky_neg'") && Catch::Contains("non-negative") &&
                          Catch::Contains("-0.1"));
  REQUIRE_THROWS_WITH(LeakyReLU::from_config(Json{{"name", "lk"}, {"alpha", 0.1}, {"negative_slope", 0.2}}),
                      Catch::Contains("LeakyReLU 'lk'") && Catch::Contains("not both"));
  REQUIRE_THROWS_WITH(LeakyReLU::from_config(Json{{"name", "lk"}, {"slope", 0.1}}),
                      Catch::Contains("unknown option 'slope'"));
}

TEST_CASE("ELU layer: forward, gradients, config", "[layers]") {
  ELU layer("elu_default");
  const double e2 = std::expm1(-2.0), e05 = std::expm1(-0.5);
  check_values(run_forward(layer, {values_tensor()})[0], {e2, e05, 0.0, 1.5, 3.0, 7.0});
  ELU half("elu_half", 0.5f);
  check_values(run_forward(half, {values_tensor()})[0], {0.5 * e2, 0.5 * e05, 0.0, 1.5, 3.0, 7.0});
  ELU zero("elu_zero", 0.0f);
  check_values(run_forward(zero, {values_tensor()})[0], {0, 0, 0, 1.5, 3.0, 7.0});

  Rng rng(2);
  for (ELU* l : {&layer, &half})
    check_gradients(*l, {away_from(random_tensor({5, 3}, rng, -3.0f, 2.0f), {0.0f})}, inference());

  CHECK(half.config()["alpha"] == 0.5);
  round_trip(half);
  CHECK(LayerRegistry::create("ELU", Json::object())->config()["alpha"] == 1.0);
  REQUIRE_THROWS_WITH(ELU::from_config(Json{{"name", "elu_cfg"}, {"alpha", "one"}}),
                      Catch::Contains("ELU 'elu_cfg'") && Catch::Contains("'alpha'"));
}

TEST_CASE("ReLU layer: max_value, negative_slope and threshold as Keras", "[layers]") {
  ReLU plain("relu_plain");
  check_values(run_forward(plain, {values_tensor()})[0], {0, 0, 0, 1.5, 3.0, 7.0});
  ReLU six("relu6", {6.0f, 0.0f, 0.0f});
  check_values(run_forward(six, {values_tensor()})[0], {0, 0, 0, 1.5, 3.0, 6.0});
  ReLU leaky("relu_leaky", {std::nullopt, 0.1f, 0.0f});
  check_values(run_forward(leaky, {values_tensor()})[0], {-0.2, -0.05, 0, 1.5, 3.0, 7.0});
  // Above the threshold x itself passes (capped); below, slope * (x - threshold).
  ReLU all("relu_all", {5.0f, 0.1f, 1.0f});
  check_values(run_forward(all, {values_tensor()})[0], {-0.3, -0.15, -0.1, 1.5, 3.0, 5.0});
  ReLU thresholded("relu_threshold", {std::nullopt, 0.0f, 2.0f});
  check_values(run_forward(thresholded, {values_tensor()})[0], {0, 0, 0, 0, 3.0, 7.0});

  Rng rng(3);
  for (ReLU* l : {&plain, &six, &leaky, &all, &thresholded}) {
    const Tensor x = away_from(random_tensor({5, 3}, rng, -3.0f, 8.0f), {0.0f, 1.0f, 2.0f, 5.0f, 6.0f});
    check_gradients(*l, {x}, inference());
  }

  const Json config = all.config();
  CHECK(config["max_value"] == 5.0);
  CHECK(config["negative_slope"] == 0.1);
  CHECK(config["threshold"] == 1.0);
  CHECK(plain.config()["max_value"].is_null());
  const Tensor x = random_tensor({4, 3}, rng, -3.0f, 8.0f);
  CHECK(max_abs_difference(run_forward(all, {x})[0], run_forward(*round_trip(all), {x})[0]) == 0.0f);
  // TF.js writes only maxValue (here in Keras spelling).
  CHECK(LayerRegistry::create("ReLU", Json{{"max_value", 6}})->config()["max_value"] == 6.0);

  REQUIRE_THROWS_WITH(ReLU("relu_bad", {-1.0f, 0.0f, 0.0f}),
                      Catch::Contains("ReLU 'relu_bad'") && Catch::Contains("max_value") &&
                          Catch::Contains("-1"));
  REQUIRE_THROWS_WITH(ReLU::from_config(Json{{"name", "relu_cfg"}, {"negative_slope", -0.5}}),
                      Catch::Contains("ReLU 'relu_cfg'") && Catch::Contains("negative_slope") &&
                          Catch::Contains("-0.5"));
  REQUIRE_THROWS_WITH(ReLU::from_config(Json{{"name", "relu_cfg"}, {"threshold", -2}}),
                      Catch::Contains("threshold") && Catch::Contains("-2"));
}

TEST_CASE("PReLU layer: learned slopes, shared axes, gradients, config", "[layers]") {
  Rng rng(4);
  SECTION("starts as relu with zero alphas, one alpha per element") {
    PReLU layer("prelu_fresh");
    const Tensor x = values_tensor().reshaped({1, 6});
    check_values(run_forward(layer, {x})[0], {0, 0, 0, 1.5, 3.0, 7.0});
    REQUIRE(layer.params().size() == 1);
    CHECK(layer.params()[0].name == "alpha");
    CHECK(layer.alpha().shape() == Shape{6});
  }
  SECTION("shared over the spatial axes of a conv map: one alpha per channel") {
    PReLUOptions options;
    options.shared_axes = {1, 2};
    PReLU layer("prelu_conv", options);
    const Tensor x = random_tensor({2, 3, 2, 4}, rng, -2.0f, 2.0f);
    build_for(layer, {x});
    REQUIRE(layer.alpha().shape() == Shape{1, 1, 4});
    for (int c = 0; c < 4; ++c) layer.alpha()[c] = 0.1f * (c + 1);
    const Tensor y = run_forward(layer, {x})[0];
    for (std::size_t i = 0; i < x.size(); ++i) {
      const float slope = 0.1f * static_cast<float>(i % 4 + 1);
      CHECK(y[i] == Approx(x[i] > 0.0f ? x[i] : slope * x[i]));
    }
    check_gradients(layer, {away_from(x, {0.0f})}, inference());
  }
  SECTION("gradients with an unshared alpha and with a middle shared axis") {
    PReLU full("prelu_full");
    const Tensor x = away_from(random_tensor({3, 2, 3}, rng), {0.0f});
    build_for(full, {x});
    for (float& a : full.alpha().span()) a = rng.uniform(-0.5f, 0.5f);
    check_gradients(full, {x}, inference());

    PReLUOptions options;
    options.shared_axes = {2};
    options.alpha_initializer = Json{{"class_name", "Constant"}, {"config", {{"value", 0.25}}}};
    PReLU middle("prelu_middle", options);
    const Tensor x3 = away_from(random_tensor({2, 3, 4, 2}, rng), {0.0f});
    build_for(middle, {x3});
    CHECK(middle.alpha().shape() == Shape{3, 1, 2});
    CHECK(middle.alpha()[0] == 0.25f);
    for (float& a : middle.alpha().span()) a = rng.uniform(0.0f, 0.5f);
    check_gradients(middle, {x3}, inference());

    const Json config = middle.config();
    CHECK(config["shared_axes"] == Json::array({2}));
    CHECK(config["alpha_initializer"]["class_name"] == "Constant");
    CHECK(max_abs_difference(run_forward(middle, {x3})[0], run_forward(*round_trip(middle), {x3})[0]) ==
          0.0f);
  }
  SECTION("Keras configs: a single shared axis, nulls") {
    auto one_axis = LayerRegistry::create("PReLU", Json{{"name", "prelu_one"}, {"shared_axes", 1}});
    CHECK(one_axis->config()["shared_axes"] == Json::array({1}));
    auto keras = LayerRegistry::create("PReLU", Json::parse(R"({"name": "p_re_lu", "trainable": true,
      "alpha_initializer": {"class_name": "Zeros", "config": {}}, "alpha_regularizer": null,
      "alpha_constraint": null, "shared_axes": null})"));
    CHECK(keras->config()["shared_axes"].is_null());
    CHECK(PReLU::from_config(Json::object())->name().rfind("p_re_lu", 0) == 0);
  }
  SECTION("errors") {
    PReLUOptions options;
    options.shared_axes = {3};
    PReLU layer("prelu_axis", options);
    REQUIRE_THROWS_WITH(layer.build({{4, 5}}, rng),
                        Catch::Contains("PReLU 'prelu_axis'") && Catch::Contains("shared axis 3") &&
                            Catch::Contains("[?, 4, 5]"));
    options.shared_axes = {0};
    REQUIRE_THROWS_WITH(PReLU("prelu_zero", options),
                        Catch::Contains("PReLU 'prelu_zero'") && Catch::Contains("got 0"));
    REQUIRE_THROWS_WITH(PReLU::from_config(Json{{"name", "prelu_reg"}, {"alpha_regularizer", "l2"}}),
                        Catch::Contains("alpha_regularizer") && Catch::Contains("not supported"));
  }
}

TEST_CASE("Softmax layer: last and other axes, gradients, config", "[layers]") {
  Rng rng(5);
  SECTION("last axis, stable for large inputs") {
    Softmax layer("softmax_last");
    const Tensor x = Tensor::from({2, 3}, std::vector<float>{1, 2, 3, 1000, 1000, 990});
    const Tensor y = run_forward(layer, {x})[0];
    const double total = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
    check_values(y, {std::exp(1.0) / total, std::exp(2.0) / total, std::exp(3.0) / total,
                     1.0 / (2.0 + std::exp(-10.0)), 1.0 / (2.0 + std::exp(-10.0)),
                     std::exp(-10.0) / (2.0 + std::exp(-10.0))});
    check_gradients(layer, {random_tensor({4, 3}, rng, -2.0f, 2.0f)}, inference());
  }
  SECTION("axis 1 of [batch, classes, positions] equals the last axis of the transpose") {
    Softmax on_axis("softmax_axis1", 1);
    Softmax on_last("softmax_last_t");
    const Tensor x = random_tensor({2, 4, 3}, rng, -3.0f, 3.0f);
    Tensor transposed({2, 3, 4});
    for (int b = 0; b < 2; ++b)
      for (int c = 0; c < 4; ++c)
        for (int p = 0; p < 3; ++p) transposed[(b * 3 + p) * 4 + c] = x[(b * 4 + c) * 3 + p];
    const Tensor y = run_forward(on_axis, {x})[0];
    const Tensor y_t = run_forward(on_last, {transposed})[0];
    for (int b = 0; b < 2; ++b)
      for (int c = 0; c < 4; ++c)
        for (int p = 0; p < 3; ++p)
          CHECK(y[(b * 4 + c) * 3 + p] == Approx(y_t[(b * 3 + p) * 4 + c]).margin(1e-6));
    check_gradients(on_axis, {x}, inference());
    Softmax middle("softmax_middle", -2);
    check_gradients(middle, {random_tensor({2, 3, 5, 2}, rng)}, inference());
  }
  SECTION("config") {
    Softmax layer("softmax_rt", 1);
    CHECK(layer.config()["axis"] == 1);
    round_trip(layer);
    CHECK(LayerRegistry::create("Softmax", Json{{"axis", Json::array({-1})}})->config()["axis"] == -1);
  }
  SECTION("errors") {
    Softmax layer("softmax_err", 3);
    REQUIRE_THROWS_WITH(layer.build({{4, 5}}, rng),
                        Catch::Contains("Softmax 'softmax_err'") && Catch::Contains("axis 3") &&
                            Catch::Contains("[?, 4, 5]"));
    REQUIRE_THROWS_WITH(Softmax("softmax_zero", 0), Catch::Contains("softmax_zero") &&
                                                        Catch::Contains("batch axis"));
    REQUIRE_THROWS_WITH(Softmax::from_config(Json{{"name", "softmax_cfg"}, {"axis", Json::array({1, 2})}}),
                        Catch::Contains("Softmax 'softmax_cfg'") && Catch::Contains("one integer axis") &&
                            Catch::Contains("[1,2]"));
  }
}
