#include <catch2/catch.hpp>

#include "gradcheck.hpp"
#include "layers/add.hpp"
#include "layers/concatenate.hpp"

using namespace simdnn;
using namespace simdnn::test;

TEST_CASE("Add forward, gradients and round trip", "[layers]") {
  const Tensor a = Tensor::from({2, 2}, std::vector<float>{1, 2, 3, 4});
  const Tensor b = Tensor::from({2, 2}, std::vector<float>{10, 20, 30, 40});
  const Tensor c = Tensor::from({2, 2}, std::vector<float>{-1, -1, 0.5f, 0});
  Add layer("add");
  const Tensor y = run_forward(layer, {a, b, c})[0];
  const std::vector<float> expected{10, 21, 33.5f, 44};
  for (int i = 0; i < 4; ++i) CHECK(y[i] == expected[i]);
  Rng rng(2);
  Add two("add_grad2"), three("add_grad3");
  check_gradients(two, {random_tensor({3, 5}, rng), random_tensor({3, 5}, rng)});
  check_gradients(three, {random_tensor({3, 2, 3}, rng), random_tensor({3, 2, 3}, rng),
                          random_tensor({3, 2, 3}, rng)});
  auto copy = round_trip(layer);
  CHECK(max_abs_difference(run_forward(*copy, {a, b, c})[0], y) == 0.0f);
}

TEST_CASE("Add errors", "[layers]") {
  Rng rng(1);
  Add layer("add_err");
  REQUIRE_THROWS_WITH(layer.build({{3}, {4}}, rng), Catch::Contains("Add 'add_err'") &&
                                                       Catch::Contains("[?, 3]") &&
                                                       Catch::Contains("[?, 4]"));
  Add single("add_single");
  REQUIRE_THROWS_WITH(single.build({{3}}, rng), Catch::Contains("at least 2 inputs, got 1"));
  Add built("add_built");
  built.build({{3}, {3}}, rng);
  const Tensor x({2, 3}), wrong({2, 4});
  LayerCall call;
  call.inputs = {&x, &wrong};
  REQUIRE_THROWS_WITH(built.forward(call), Catch::Contains("Add 'add_built'") &&
                                               Catch::Contains("input 1") && Catch::Contains("[2, 4]"));
  REQUIRE_THROWS_WITH(Add::from_config({{"name", "a"}, {"axis", 1}}), Catch::Contains("unknown option 'axis'"));
}

TEST_CASE("Concatenate forward on the last and a middle axis", "[layers]") {
  // a: [1, 2, 2] = [[1, 2], [3, 4]]; b: [1, 2, 1] = [[5], [6]]; c: [1, 1, 2] = [[7, 8]].
  const Tensor a = Tensor::from({1, 2, 2}, std::vector<float>{1, 2, 3, 4});
  const Tensor b = Tensor::from({1, 2, 1}, std::vector<float>{5, 6});
  const Tensor c = Tensor::from({1, 1, 2}, std::vector<float>{7, 8});
  Concatenate last("concat_last");
  const Tensor y = run_forward(last, {a, b})[0];
  REQUIRE(y.shape() == Shape{1, 2, 3});
  const std::vector<float> expected_last{1, 2, 5, 3, 4, 6};
  for (int i = 0; i < 6; ++i) CHECK(y[i] == expected_last[i]);
  Concatenate middle("concat_middle", 1);
  const Tensor z = run_forward(middle, {a, c})[0];
  REQUIRE(z.shape() == Shape{1, 3, 2});
  const std::vector<float> expected_middle{1, 2, 3, 4, 7, 8};
  for (int i = 0; i < 6; ++i) CHECK(z[i] == expected_middle[i]);
}

TEST_CASE("Concatenate gradients and round trip", "[layers]") {
  Rng rng(5);
  Concatenate last("concat_grad_last"), middle("concat_grad_middle", -2), first("concat_grad_first", 1);
  check_gradients(last, {random_tensor({3, 2, 3}, rng), random_tensor({3, 2, 1}, rng),
                         random_tensor({3, 2, 2}, rng)});
  check_gradients(middle, {random_tensor({3, 2, 3}, rng), random_tensor({3, 1, 3}, rng)});
  check_gradients(first, {random_tensor({3, 3, 2, 2}, rng), random_tensor({3, 1, 2, 2}, rng)});
  CHECK(first.output_shapes()[0] == Shape{4, 2, 2});
  auto copy = round_trip(middle);
  CHECK(copy->config()["axis"] == -2);
  const Tensor a = random_tensor({2, 2, 3}, rng), b = random_tensor({2, 1, 3}, rng);
  CHECK(max_abs_difference(run_forward(middle, {a, b})[0], run_forward(*copy, {a, b})[0]) == 0.0f);
}

TEST_CASE("Concatenate errors", "[layers]") {
  Rng rng(1);
  Concatenate layer("concat_err");
  REQUIRE_THROWS_WITH(layer.build({{2, 3}, {4, 1}}, rng),
                      Catch::Contains("Concatenate 'concat_err'") && Catch::Contains("[?, 2, 3]") &&
                          Catch::Contains("[?, 4, 1]") && Catch::Contains("except axis -1"));
  Concatenate rank("concat_rank");
  REQUIRE_THROWS_WITH(rank.build({{2, 3}, {2, 3, 1}}, rng), Catch::Contains("[?, 2, 3, 1]"));
  Concatenate far("concat_far", 3);
  REQUIRE_THROWS_WITH(far.build({{2, 3}, {2, 3}}, rng),
                      Catch::Contains("axis 3 is out of range") && Catch::Contains("[?, 2, 3]"));
  REQUIRE_THROWS_WITH(Concatenate("concat_batch", 0), Catch::Contains("batch axis"));
  REQUIRE_THROWS_WITH(Concatenate::from_config({{"name", "c1"}, {"axis", 1.5}}),
                      Catch::Contains("Concatenate 'c1'") && Catch::Contains("'axis'"));
}

TEST_CASE("every layer of this module is registered", "[layers]") {
  for (const char* name : {"InputLayer", "Dense", "Activation", "Dropout", "GaussianNoise", "Flatten",
                           "Reshape", "Add", "Concatenate"})
    CHECK(LayerRegistry::contains(name));
  REQUIRE_THROWS_WITH(LayerRegistry::create("Dence", Json::object()),
                      Catch::Contains("'Dence'") && Catch::Contains("Dense"));
}
