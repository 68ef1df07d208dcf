#include <catch2/catch.hpp>

#include "gradcheck.hpp"
#include "layers/flatten.hpp"
#include "layers/input_layer.hpp"
#include "layers/reshape.hpp"

using namespace simdnn;
using namespace simdnn::test;

namespace {
Tensor counting(const Shape& shape) {
  Tensor t(shape);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = static_cast<float>(i);
  return t;
}
}  // namespace

TEST_CASE("InputLayer passes data through and reads every Keras shape spelling", "[layers]") {
  for (const char* text : {R"({"name": "in1", "batch_input_shape": [null, 2, 3], "dtype": "float32", "sparse": false})",
                           R"({"name": "in1", "batch_shape": [null, 2, 3], "dtype": "float32", "sparse": false, "ragged": false})",
                           R"({"name": "in1", "shape": [2, 3]})"}) {
    INFO(text);
    auto layer = LayerRegistry::create("InputLayer", Json::parse(text));
    REQUIRE(layer->declared_input_shape());
    CHECK(*layer->declared_input_shape() == Shape{2, 3});
    const Tensor x = counting({4, 2, 3});
    CHECK(max_abs_difference(run_forward(*layer, {x})[0], x) == 0.0f);
  }
  InputLayer layer("in_grad", {5});
  Rng rng(1);
  check_gradients(layer, {random_tensor({3, 5}, rng)});
  auto copy = round_trip(layer);
  CHECK(copy->config()["batch_input_shape"] == Json::parse("[null, 5]"));
}

TEST_CASE("InputLayer errors", "[layers]") {
  REQUIRE_THROWS_WITH(InputLayer::from_config({{"name", "in2"}}),
                      Catch::Contains("InputLayer 'in2'") && Catch::Contains("missing the input shape"));
  REQUIRE_THROWS_WITH(InputLayer::from_config(Json::parse(R"({"name": "in3", "shape": [4], "sparse": true})")),
                      Catch::Contains("sparse"));
  InputLayer layer("in4", {4});
  Rng rng(1);
  REQUIRE_THROWS_WITH(layer.build({{5}}, rng), Catch::Contains("InputLayer 'in4'") &&
                                                   Catch::Contains("[?, 4]") && Catch::Contains("[?, 5]"));
}

TEST_CASE("Flatten forward, gradients and round trip", "[layers]") {
  Flatten layer("flat");
  const Tensor x = counting({2, 2, 3});
  const Tensor y = run_forward(layer, {x})[0];
  REQUIRE(y.shape() == Shape{2, 6});
  CHECK(max_abs_difference(y, x.reshaped({2, 6})) == 0.0f);
  Rng rng(4);
  Flatten grad("flat_grad");
  check_gradients(grad, {random_tensor({3, 2, 3, 1}, rng)});
  CHECK(grad.output_shapes()[0] == Shape{6});
  auto copy = round_trip(layer);
  CHECK(copy->config()["data_format"] == "channels_last");
  REQUIRE_THROWS_WITH(Flatten::from_config({{"name", "f1"}, {"data_format", "channels_first"}}),
                      Catch::Contains("Flatten 'f1'") && Catch::Contains("channels_first"));
}

TEST_CASE("Reshape forward infers -1, gradients and round trip", "[layers]") {
  Reshape layer("reshape", {3, -1});
  const Tensor x = counting({2, 6});
  const Tensor y = run_forward(layer, {x})[0];
  REQUIRE(y.shape() == Shape{2, 3, 2});
  CHECK(max_abs_difference(y.reshaped({2, 6}), x) == 0.0f);
  Rng rng(6);
  Reshape grad("reshape_grad", {5, 3});
  check_gradients(grad, {random_tensor({3, 15}, rng)});
  auto copy = round_trip(layer);
  CHECK(copy->config()["target_shape"] == Json::parse("[3, -1]"));
  CHECK(max_abs_difference(run_forward(*copy, {x})[0], y) == 0.0f);
}

TEST_CASE("Reshape errors", "[layers]") {
  Rng rng(1);
  Reshape fixed("r_fixed", {4, 2});
  REQUIRE_THROWS_WITH(fixed.build({{2, 3}}, rng), Catch::Contains("Reshape 'r_fixed'") &&
                                                      Catch::Contains("[?, 2, 3]") &&
                                                      Catch::Contains("6 values") &&
                                                      Catch::Contains("[4, 2]"));
  Reshape inferred("r_inferred", {4, -1});
  REQUIRE_THROWS_WITH(inferred.build({{6}}, rng), Catch::Contains("[4, -1]"));
  REQUIRE_THROWS_WITH(Reshape::from_config(Json::parse(R"({"name": "r2", "target_shape": [-1, -1]})")),
                      Catch::Contains("Reshape 'r2'") && Catch::Contains("at most one -1"));
  REQUIRE_THROWS_WITH(Reshape::from_config(Json::parse(R"({"name": "r3", "target_shape": [0, 2]})")),
                      Catch::Contains("target_shape"));
  REQUIRE_THROWS_WITH(Reshape("r4", {-2, 3}), Catch::Contains("Reshape 'r4'"));
}
