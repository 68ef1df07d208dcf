#include <catch2/catch.hpp>

#include <numeric>

#include "gradcheck.hpp"
#include "layers/global_pooling.hpp"
#include "layers/pooling.hpp"

using namespace simdnn;
using namespace simdnn::test;

namespace {

PoolingOptions pool(std::vector<int> size, std::vector<int> strides = {},
                    const std::string& padding = "valid") {
  PoolingOptions o;
  o.pool_size = std::move(size);
  o.strides = std::move(strides);
  o.padding = padding;
  return o;
}

Tensor iota(const Shape& shape) {
  Tensor t(shape);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = float(i + 1);
  return t;
}

std::vector<float> values(const Tensor& t) { return {t.data(), t.data() + t.size()}; }

// Averages multiply by 1/count, which can differ from a division in the last bit.
void check_close(const Tensor& got, const std::vector<float>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) CHECK(got[i] == Approx(want[i]).epsilon(1e-6));
}

// Distinct values 0.01 apart in random order: no window holds two values within the
// gradient check's step, so the argmax never flips under a probe.
Tensor distinct_tensor(const Shape& shape, Rng& rng) {
  Tensor t(shape);
  std::vector<int> order(t.size());
  std::iota(order.begin(), order.end(), 0);
  rng.shuffle(order);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = 0.01f * (order[i] - int(t.size()) / 2);
  return t;
}

// Runs forward and backward with dy on a built layer; returns dx.
Tensor input_gradient(Layer& layer, const Tensor& x, const Tensor& dy) {
  LayerCall call;
  call.inputs = {&x};
  layer.forward(call);
  call.grad_outputs = {&dy};
  layer.backward(call);
  return call.grad_inputs[0].clone();
}

}  // namespace

TEST_CASE("MaxPooling2D and AveragePooling2D forward match hand-computed values", "[layers]") {
  const Tensor x = Tensor::from({1, 4, 4, 1}, std::vector<float>{1, 5, 2, 0, 3, 4, 8, 1,  //
                                                                 9, 0, 6, 7, 2, 2, 3, 5});
  MaxPooling2D max_default("mp_default");  // pool 2, strides = pool
  CHECK(values(run_forward(max_default, {x})[0]) == std::vector<float>{5, 8, 9, 7});
  AveragePooling2D average_default("ap_default");
  CHECK(values(run_forward(average_default, {iota({1, 4, 4, 1})})[0]) ==
        std::vector<float>{3.5f, 5.5f, 11.5f, 13.5f});

  // 5x5 'same', pool 2 stride 2: 3x3 output, the last row and column of windows are partial.
  MaxPooling2D max_same("mp_same", pool({2}, {}, "same"));
  const Tensor y = run_forward(max_same, {iota({1, 5, 5, 1})})[0];
  REQUIRE(y.shape() == Shape{1, 3, 3, 1});
  CHECK(values(y) == std::vector<float>{7, 9, 10, 17, 19, 20, 22, 24, 25});

  // 'same' averages only over cells inside the input (TF), pool 2 stride 1 on 3x3.
  AveragePooling2D average_same("ap_same", pool({2}, {1}, "same"));
  CHECK(values(run_forward(average_same, {iota({1, 3, 3, 1})})[0]) ==
        std::vector<float>{3, 4, 4.5f, 6, 7, 7.5f, 7.5f, 8.5f, 9});

  // Non-square pool and strides, two channels pooled independently.
  MaxPooling2D max_rect("mp_rect", pool({1, 3}, {2, 1}));
  const Tensor y2 = run_forward(max_rect, {iota({1, 3, 4, 2})})[0];
  REQUIRE(y2.shape() == Shape{1, 2, 2, 2});
  CHECK(values(y2) == std::vector<float>{5, 6, 7, 8, 21, 22, 23, 24});
}

TEST_CASE("MaxPooling1D and AveragePooling1D forward match hand-computed values", "[layers]") {
  const Tensor x = Tensor::from({1, 5, 1}, std::vector<float>{1, 5, 2, 0, 3});
  MaxPooling1D max_valid("mp1_valid");
  CHECK(values(run_forward(max_valid, {x})[0]) == std::vector<float>{5, 2});
  MaxPooling1D max_same("mp1_same", pool({2}, {}, "same"));
  CHECK(values(run_forward(max_same, {x})[0]) == std::vector<float>{5, 2, 3});
  AveragePooling1D average_same("ap1_same", pool({2}, {}, "same"));
  CHECK(values(run_forward(average_same, {x})[0]) == std::vector<float>{3, 1, 3});
  AveragePooling1D average_overlap("ap1_overlap", pool({3}, {1}));
  check_close(run_forward(average_overlap, {x})[0], {8.0f / 3.0f, 7.0f / 3.0f, 5.0f / 3.0f});
}

TEST_CASE("max pooling routes the gradient to the first maximum", "[layers]") {
  SECTION("overlapping windows add up at a shared maximum") {
    MaxPooling1D layer("mp1_route", pool({3}, {1}));
    const Tensor x = Tensor::from({1, 5, 1}, std::vector<float>{1, 5, 2, 0, 3});
    build_for(layer, {x});
    const Tensor dy = Tensor::from({1, 3, 1}, std::vector<float>{1, 2, 3});
    CHECK(values(input_gradient(layer, x, dy)) == std::vector<float>{0, 3, 0, 0, 3});
  }
  SECTION("ties go to the first cell of the window in row-major order") {
    MaxPooling2D layer("mp_ties");
    const Tensor x({1, 2, 4, 1}, 1.0f);
    build_for(layer, {x});
    const Tensor dy = Tensor::from({1, 1, 2, 1}, std::vector<float>{4, 5});
    CHECK(values(input_gradient(layer, x, dy)) == std::vector<float>{4, 0, 5, 0, 0, 0, 0, 0});
  }
  SECTION("average pooling spreads over the inside cells only") {
    AveragePooling2D layer("ap_spread", pool({2}, {1}, "same"));
    const Tensor x({1, 2, 2, 1}, 0.0f);
    build_for(layer, {x});
    const Tensor dy({1, 2, 2, 1}, 1.0f);
    // Cell (0,0) is in 1 window of 4 cells; (1,1) is in 4 windows of 4, 2, 2 and 1 cells.
    CHECK(values(input_gradient(layer, x, dy)) ==
          std::vector<float>{0.25f, 0.75f, 0.75f, 2.25f});
  }
}

TEST_CASE("global pooling forward matches hand-computed values", "[layers]") {
  // [1, 2, 3, 2]: channel 0 holds 1, 3, ..., 11; channel 1 holds 2, 4, ..., 12.
  const Tensor x = iota({1, 2, 3, 2});
  GlobalMaxPooling2D max2d("gmp2");
  const Tensor y = run_forward(max2d, {x})[0];
  REQUIRE(y.shape() == Shape{1, 2});
  CHECK(values(y) == std::vector<float>{11, 12});
  GlobalAveragePooling2D average2d("gap2", true);
  const Tensor y2 = run_forward(average2d, {x})[0];
  REQUIRE(y2.shape() == Shape{1, 1, 1, 2});
  check_close(y2, {6, 7});

  const Tensor seq = Tensor::from({2, 3, 1}, std::vector<float>{1, -4, 2, 0, 6, 3});
  GlobalMaxPooling1D max1d("gmp1", true);
  const Tensor y3 = run_forward(max1d, {seq})[0];
  REQUIRE(y3.shape() == Shape{2, 1, 1});
  CHECK(values(y3) == std::vector<float>{2, 6});
  GlobalAveragePooling1D average1d("gap1");
  const Tensor y4 = run_forward(average1d, {seq})[0];
  REQUIRE(y4.shape() == Shape{2, 1});
  check_close(y4, {-1.0f / 3.0f, 3.0f});
}

TEST_CASE("pooling gradients match central differences", "[layers]") {
  Rng rng(12);
  std::vector<std::pair<std::shared_ptr<Layer>, Shape>> cases;
  cases.push_back({std::make_shared<MaxPooling2D>("gp_max"), {2, 4, 6, 3}});
  cases.push_back({std::make_shared<MaxPooling2D>("gp_max_same", pool({3}, {2}, "same")), {2, 5, 6, 2}});
  cases.push_back({std::make_shared<MaxPooling2D>("gp_max_overlap", pool({3, 2}, {1})), {1, 5, 4, 2}});
  cases.push_back({std::make_shared<AveragePooling2D>("gp_avg_same", pool({2, 3}, {1, 2}, "same")), {2, 5, 5, 2}});
  cases.push_back({std::make_shared<AveragePooling2D>("gp_avg"), {2, 4, 5, 3}});
  cases.push_back({std::make_shared<MaxPooling1D>("gp_max1", pool({3}, {2}, "same")), {2, 7, 3}});
  cases.push_back({std::make_shared<AveragePooling1D>("gp_avg1", pool({3}, {1}, "same")), {2, 6, 2}});
  cases.push_back({std::make_shared<GlobalMaxPooling2D>("gp_gmax2"), {2, 3, 4, 3}});
  cases.push_back({std::make_shared<GlobalAveragePooling2D>("gp_gavg2", true), {2, 3, 4, 3}});
  cases.push_back({std::make_shared<GlobalMaxPooling1D>("gp_gmax1", true), {3, 5, 2}});
  cases.push_back({std::make_shared<GlobalAveragePooling1D>("gp_gavg1"), {3, 5, 2}});
  for (auto& [layer, shape] : cases) check_gradients(*layer, {distinct_tensor(shape, rng)});
}

TEST_CASE("pooling config round trips give the same layer", "[layers]") {
  Rng rng(13);
  MaxPooling2D max2d("mp_rt", pool({3, 2}, {1, 2}, "same"));
  max2d.set_declared_input_shape({6, 6, 2});
  const Json config = max2d.config();
  CHECK(config["pool_size"] == Json::array({3, 2}));
  CHECK(config["strides"] == Json::array({1, 2}));
  CHECK(config["padding"] == "same");
  CHECK(config["data_format"] == "channels_last");
  CHECK(config["batch_input_shape"] == Json::array({nullptr, 6, 6, 2}));
  CHECK(AveragePooling1D("ap1_rt").config()["strides"] == Json::array({2}));  // = pool_size

  std::vector<std::pair<std::shared_ptr<Layer>, Shape>> layers;
  layers.push_back({std::make_shared<MaxPooling2D>("mp_rt2", pool({3, 2}, {1, 2}, "same")), {2, 6, 6, 2}});
  layers.push_back({std::make_shared<AveragePooling2D>("ap_rt2", pool({2}, {1})), {2, 4, 4, 1}});
  layers.push_back({std::make_shared<MaxPooling1D>("mp1_rt2", pool({3}, {}, "same")), {2, 7, 2}});
  layers.push_back({std::make_shared<AveragePooling1D>("ap1_rt2"), {2, 6, 2}});
  layers.push_back({std::make_shared<GlobalMaxPooling2D>("gmp2_rt", true), {2, 3, 3, 2}});
  layers.push_back({std::make_shared<GlobalAveragePooling2D>("gap2_rt"), {2, 3, 3, 2}});
  layers.push_back({std::make_shared<GlobalMaxPooling1D>("gmp1_rt"), {2, 5, 2}});
  layers.push_back({std::make_shared<GlobalAveragePooling1D>("gap1_rt", true), {2, 5, 2}});
  for (auto& [layer, shape] : layers) {
    const Tensor x = random_tensor(shape, rng);
    build_for(*layer, {x});
    auto copy = round_trip(*layer);
    CHECK(max_abs_difference(run_forward(*layer, {x})[0], run_forward(*copy, {x})[0]) == 0.0f);
  }
  CHECK(layers[4].first->config()["keepdims"] == true);
  CHECK(layers[5].first->config()["keepdims"] == false);

  // Keras 2 configs as written by model.to_json(), and the TF.js-style int forms.
  const Json keras = Json::parse(R"({"name": "max_pooling2d", "trainable": true,
    "dtype": "float32", "pool_size": [2, 2], "padding": "valid", "strides": [2, 2],
    "data_format": "channels_last"})");
  auto loaded = LayerRegistry::create("MaxPooling2D", keras);
  Rng build_rng(1);
  CHECK(loaded->build({{28, 28, 6}}, build_rng)[0] == Shape{14, 14, 6});
  auto ints = LayerRegistry::create("AveragePooling1D",
                                    {{"pool_size", 3}, {"strides", nullptr}, {"padding", "same"}});
  CHECK(ints->config()["strides"] == Json::array({3}));
  CHECK(ints->build({{10, 4}}, build_rng)[0] == Shape{4, 4});
  const Json keras_global = Json::parse(R"({"name": "gap", "trainable": true, "dtype": "float32",
    "data_format": "channels_last", "keepdims": false})");
  CHECK(LayerRegistry::create("GlobalAveragePooling2D", keras_global)->build({{7, 7, 5}}, build_rng)[0] ==
        Shape{5});
}

TEST_CASE("pooling errors name the layer, the expectation and the value", "[layers]") {
  Rng rng(1);
  MaxPooling2D too_big("mp_err", pool({3}));
  REQUIRE_THROWS_WITH(too_big.build({{2, 4, 1}}, rng),
                      Catch::Contains("MaxPooling2D 'mp_err'") && Catch::Contains("[?, 2, 4, 1]") &&
                          Catch::Contains("pool_size [3, 3]") && Catch::Contains("empty"));
  REQUIRE_THROWS_WITH(too_big.build({{4, 4}}, rng),
                      Catch::Contains("MaxPooling2D 'mp_err'") && Catch::Contains("rank 4") &&
                          Catch::Contains("[?, 4, 4]"));
  GlobalAveragePooling1D global("gap1_err");
  REQUIRE_THROWS_WITH(global.build({{4, 4, 2}}, rng),
                      Catch::Contains("GlobalAveragePooling1D 'gap1_err'") &&
                          Catch::Contains("[batch, steps, channels]") && Catch::Contains("[?, 4, 4, 2]"));
  MaxPooling1D no_forward("mp1_err");
  no_forward.build({{4, 2}}, rng);
  const Tensor x({1, 4, 2}), dy({1, 2, 2});
  LayerCall call;
  call.inputs = {&x};
  call.outputs.resize(1);
  call.outputs[0].resize({1, 2, 2});
  call.grad_outputs = {&dy};
  REQUIRE_THROWS_WITH(no_forward.backward(call),
                      Catch::Contains("MaxPooling1D 'mp1_err'") && Catch::Contains("forward"));
  const Tensor wrong({1, 5, 2});
  call.inputs = {&wrong};
  REQUIRE_THROWS_WITH(no_forward.forward(call), Catch::Contains("[?, 4, 2]") && Catch::Contains("[1, 5, 2]"));

  const auto config = [](const char* key, const Json& value) {
    Json c{{"name", "p_cfg"}};
    c[key] = value;
    return c;
  };
  REQUIRE_THROWS_WITH(MaxPooling2D::from_config(config("padding", "causal")),
                      Catch::Contains("MaxPooling2D 'p_cfg'") && Catch::Contains("got 'causal'"));
  REQUIRE_THROWS_WITH(AveragePooling2D::from_config(config("pool_size", Json::array({2, 0}))),
                      Catch::Contains("AveragePooling2D 'p_cfg'") && Catch::Contains("'pool_size'") &&
                          Catch::Contains("[2, 0]"));
  REQUIRE_THROWS_WITH(MaxPooling1D::from_config(config("strides", Json::array({1, 1}))),
                      Catch::Contains("'strides'") && Catch::Contains("1 integers"));
  REQUIRE_THROWS_WITH(MaxPooling2D::from_config(config("pool", 2)),
                      Catch::Contains("unknown option 'pool'"));
  REQUIRE_THROWS_WITH(GlobalMaxPooling2D::from_config(config("data_format", "channels_first")),
                      Catch::Contains("GlobalMaxPooling2D 'p_cfg'") && Catch::Contains("channels_first"));
  REQUIRE_THROWS_WITH(GlobalMaxPooling1D::from_config(config("keepdims", 1)),
                      Catch::Contains("'keepdims'") && Catch::Contains("true or false"));
  REQUIRE_THROWS_WITH(MaxPooling2D("mp_neg", pool({2}, {0})),
                      Catch::Contains("MaxPooling2D 'mp_neg'") && Catch::Contains("'strides'") &&
                          Catch::Contains("[0]"));
}
