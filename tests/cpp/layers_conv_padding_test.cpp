#include <catch2/catch.hpp>

#include "gradcheck.hpp"
#include "layers/cropping2d.hpp"
#include "layers/zero_padding2d.hpp"

using namespace simdnn;
using namespace simdnn::test;

namespace {

Tensor iota(const Shape& shape) {
  Tensor t(shape);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = float(i + 1);
  return t;
}

std::vector<float> values(const Tensor& t) { return {t.data(), t.data() + t.size()}; }

}  // namespace

TEST_CASE("ZeroPadding2D and Cropping2D forward match hand-computed values", "[layers]") {
  const Tensor x = iota({1, 2, 2, 1});  // [[1, 2], [3, 4]]
  SECTION("one int pads every side") {
    auto layer = ZeroPadding2D::from_config({{"name", "zp_int"}, {"padding", 1}});
    const Tensor y = run_forward(*layer, {x})[0];
    REQUIRE(y.shape() == Shape{1, 4, 4, 1});
    CHECK(values(y) == std::vector<float>{0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0});
  }
  SECTION("[[top, bottom], [left, right]]") {
    ZeroPadding2D layer("zp_sides", {1, 0, 0, 2});
    const Tensor y = run_forward(layer, {x})[0];
    REQUIRE(y.shape() == Shape{1, 3, 4, 1});
    CHECK(values(y) == std::vector<float>{0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0});
  }
  SECTION("cropping [rows, cols] and the nested form") {
    const Tensor big = iota({2, 4, 5, 2});
    auto symmetric = Cropping2D::from_config({{"name", "cr_sym"}, {"cropping", {1, 2}}});
    const Tensor y = run_forward(*symmetric, {big})[0];
    REQUIRE(y.shape() == Shape{2, 2, 1, 2});
    // Rows 1..2, column 2 of each sample: flat (r * 5 + 2) * 2 + c + 1 (+40 for sample 1).
    CHECK(values(y) == std::vector<float>{15, 16, 25, 26, 55, 56, 65, 66});
    Cropping2D nested("cr_nested", {0, 3, 4, 0});
    const Tensor y2 = run_forward(nested, {big})[0];
    REQUIRE(y2.shape() == Shape{2, 1, 1, 2});
    CHECK(values(y2) == std::vector<float>{9, 10, 49, 50});
  }
}

TEST_CASE("ZeroPadding2D and Cropping2D gradients match central differences", "[layers]") {
  Rng rng(21);
  ZeroPadding2D padding("zp_grad", {2, 1, 0, 3});
  check_gradients(padding, {random_tensor({2, 3, 2, 3}, rng)});
  Cropping2D cropping("cr_grad", {1, 0, 2, 1});
  check_gradients(cropping, {random_tensor({2, 4, 5, 2}, rng)});
  // Padding then cropping by the same margins gives the input back, and so do the gradients.
  const Tensor x = random_tensor({2, 3, 2, 3}, rng);
  Cropping2D undo("cr_undo", {2, 1, 0, 3});
  const Tensor padded = run_forward(padding, {x})[0];
  CHECK(max_abs_difference(run_forward(undo, {padded})[0], x) == 0.0f);
}

TEST_CASE("ZeroPadding2D and Cropping2D config round trips give the same layer", "[layers]") {
  Rng rng(22);
  ZeroPadding2D padding("zp_rt", {1, 2, 3, 0});
  padding.set_declared_input_shape({3, 3, 2});
  CHECK(padding.config()["padding"] == Json::parse("[[1, 2], [3, 0]]"));
  CHECK(padding.config()["data_format"] == "channels_last");
  Cropping2D cropping("cr_rt", {0, 1, 1, 1});
  CHECK(cropping.config()["cropping"] == Json::parse("[[0, 1], [1, 1]]"));
  const Tensor x = random_tensor({2, 3, 3, 2}, rng);
  for (Layer* layer : {static_cast<Layer*>(&padding), static_cast<Layer*>(&cropping)}) {
    build_for(*layer, {x});
    auto copy = round_trip(*layer);
    CHECK(max_abs_difference(run_forward(*layer, {x})[0], run_forward(*copy, {x})[0]) == 0.0f);
  }
  // Keras 2 configs; defaults are padding (1, 1) and cropping (0, 0).
  const Json keras = Json::parse(R"({"name": "zero_padding2d", "trainable": true,
    "dtype": "float32", "padding": [[1, 1], [2, 2]], "data_format": "channels_last"})");
  Rng build_rng(1);
  CHECK(LayerRegistry::create("ZeroPadding2D", keras)->build({{28, 28, 1}}, build_rng)[0] ==
        Shape{30, 32, 1});
  CHECK(LayerRegistry::create("ZeroPadding2D", Json::object())->config()["padding"] ==
        Json::parse("[[1, 1], [1, 1]]"));
  CHECK(LayerRegistry::create("Cropping2D", Json::object())->config()["cropping"] ==
        Json::parse("[[0, 0], [0, 0]]"));
}

TEST_CASE("ZeroPadding2D and Cropping2D errors name the layer, the expectation and the value",
          "[layers]") {
  Rng rng(1);
  Cropping2D too_much("cr_err", {2, 2, 0, 0});
  REQUIRE_THROWS_WITH(too_much.build({{4, 3, 1}}, rng),
                      Catch::Contains("Cropping2D 'cr_err'") && Catch::Contains("[[2,2],[0,0]]") &&
                          Catch::Contains("[?, 4, 3, 1]") && Catch::Contains("0x3"));
  ZeroPadding2D padding("zp_err", {1, 1, 1, 1});
  REQUIRE_THROWS_WITH(padding.build({{4, 3}}, rng),
                      Catch::Contains("ZeroPadding2D 'zp_err'") && Catch::Contains("rank 4") &&
                          Catch::Contains("[?, 4, 3]"));
  padding.build({{4, 3, 2}}, rng);
  LayerCall call;
  const Tensor wrong({1, 4, 4, 2});
  call.inputs = {&wrong};
  REQUIRE_THROWS_WITH(padding.forward(call), Catch::Contains("[?, 4, 3, 2]") &&
                                                 Catch::Contains("[1, 4, 4, 2]"));
  REQUIRE_THROWS_WITH(ZeroPadding2D("zp_neg", {1, -1, 0, 0}),
                      Catch::Contains("ZeroPadding2D 'zp_neg'") && Catch::Contains("non-negative") &&
                          Catch::Contains("[[1,-1],[0,0]]"));

  for (const char* bad : {"[1, 2, 3]", "[[1, 2], 3]", "[[1], [2]]", "-1", "\"two\"", "[1.5, 2]"}) {
    const Json config{{"name", "zp_cfg"}, {"padding", Json::parse(bad)}};
    INFO(bad);
    REQUIRE_THROWS_WITH(ZeroPadding2D::from_config(config),
                        Catch::Contains("ZeroPadding2D 'zp_cfg'") && Catch::Contains("'padding'") &&
                            Catch::Contains("[[top, bottom], [left, right]]") &&
                            Catch::Contains(Json::parse(bad).dump()));
  }
  REQUIRE_THROWS_WITH(Cropping2D::from_config({{"name", "cr_cfg"}, {"croping", 1}}),
                      Catch::Contains("Cropping2D 'cr_cfg'") && Catch::Contains("unknown option 'croping'"));
  REQUIRE_THROWS_WITH(Cropping2D::from_config({{"name", "cr_cfg"}, {"data_format", "channels_first"}}),
                      Catch::Contains("'data_format'") && Catch::Contains("channels_first"));
}
