#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "gradcheck.hpp"
#include "layers/random_translation.hpp"
#include "layers/registry.hpp"

using namespace simdnn;
using namespace simdnn::test;

TEST_CASE("RandomTranslation shifts whole images in training only", "[layers]") {
  auto layer = LayerRegistry::create("RandomTranslation", {{"height_factor", 0.5}, {"width_factor", 0.5},
                                                           {"fill_mode", "constant"}});
  Tensor x({1, 4, 4, 1});
  for (int i = 0; i < 16; ++i) x[i] = static_cast<float>(i + 1);
  build_for(*layer, {x});
  // Inference: identity.
  auto same = run_forward(*layer, {x}, false);
  REQUIRE(max_abs_difference(same[0], x) == 0.0f);
  // Training: every output cell is either an input cell moved by the same (dy, dx) or 0.
  LayerCall call;
  Rng rng(3);
  call.rng = &rng;
  call.training = true;
  const std::vector<Tensor> inputs{x};
  set_inputs(call, inputs);
  bool some_shift = false;
  for (int trial = 0; trial < 20; ++trial) {
    layer->forward(call);
    const Tensor& y = call.outputs[0];
    const int dy = static_cast<int>(call.saved[0][0]), dx = static_cast<int>(call.saved[0][1]);
    REQUIRE(std::abs(dy) <= 2);
    REQUIRE(std::abs(dx) <= 2);
    some_shift |= dy != 0 || dx != 0;
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) {
        const int si = i - dy, sj = j - dx;
        const float expected = (si >= 0 && si < 4 && sj >= 0 && sj < 4) ? x[si * 4 + sj] : 0.0f;
        REQUIRE(y[i * 4 + j] == expected);
      }
  }
  REQUIRE(some_shift);
}

TEST_CASE("RandomTranslation gradients for every fill mode", "[layers]") {
  for (const char* mode : {"constant", "reflect", "wrap", "nearest"}) {
    auto layer = LayerRegistry::create("RandomTranslation", {{"height_factor", 0.4}, {"width_factor", 0.3},
                                                             {"fill_mode", mode}});
    Rng rng(5);
    std::vector<Tensor> inputs{random_tensor({2, 5, 4, 3}, rng)};
    GradCheckOptions o;
    o.training = true;
    INFO(mode);
    check_gradients(*layer, inputs, o);
  }
}

TEST_CASE("RandomTranslation config round trip and errors", "[layers]") {
  auto layer = LayerRegistry::create("RandomTranslation", {{"height_factor", 0.1}, {"width_factor", 0.2},
                                                           {"fill_mode", "nearest"}, {"input_shape", {28, 28, 1}}});
  Tensor x({1, 28, 28, 1});
  build_for(*layer, {x});
  auto copy = round_trip(*layer);
  REQUIRE(copy->config() == layer->config());
  REQUIRE_THROWS_WITH(LayerRegistry::create("RandomTranslation", {{"height_factor", 1.5}, {"width_factor", 0}}),
                      Catch::Contains("height_factor"));
  REQUIRE_THROWS_WITH(LayerRegistry::create("RandomTranslation", {{"height_factor", 0.1}}),
                      Catch::Contains("required"));
  auto flat = LayerRegistry::create("RandomTranslation", {{"height_factor", 0.1}, {"width_factor", 0.1}});
  Rng rng(1);
  REQUIRE_THROWS_WITH(flat->build({{28, 28}}, rng), Catch::Contains("[?, 28, 28]"));
}
