// A Model is a Layer: its backward through the whole graph (shared layers, merges, nested
// models, unused outputs) is checked against central differences like any layer.
#include <catch2/catch.hpp>

#include "gradcheck.hpp"
#include "model/model.hpp"
#include "model_test_util.hpp"

using namespace simdnn;
using namespace simdnn::test;

TEST_CASE("functional graph gradients: shared layer, Add, Concatenate, nested model", "[model][gradcheck]") {
  set_global_seed(31);
  auto a = make_input({5}, "ga");
  auto b = make_input({5}, "gb");
  auto shared = dense(4, "tanh");
  auto ha = apply_layer(shared, {a})[0];
  auto hb = apply_layer(shared, {b})[0];
  auto inner = Model::sequential({dense(3, "sigmoid", {{"input_shape", {4}}}), dense(4, "elu")});
  auto nested = apply_layer(inner, {ha})[0];
  auto sum = apply_layer(LayerRegistry::create("Add", Json::object()), {nested, hb})[0];
  auto cat = apply_layer(LayerRegistry::create("Concatenate", Json::object()), {sum, ha, b})[0];
  auto out = apply_layer(dense(2, "softmax"), {cat})[0];
  auto side = apply_layer(dense(3, "swish"), {hb})[0];  // a second output
  Model model({a, b}, {out, side}, "graph");
  Rng rng(5);
  std::vector<Tensor> inputs{random_tensor({3, 5}, rng), random_tensor({3, 5}, rng)};
  check_gradients(model, inputs, GradCheckOptions{});
}

TEST_CASE("sequential model gradients with dropout in training mode", "[model][gradcheck]") {
  set_global_seed(32);
  auto model = Model::sequential({dense(6, "relu", {{"input_shape", {4}}}),
                                  LayerRegistry::create("Dropout", {{"rate", 0.3}}),
                                  LayerRegistry::create("Reshape", {{"target_shape", {2, 3}}}),
                                  LayerRegistry::create("Flatten", Json::object()), dense(2, "tanh")});
  Rng rng(6);
  GradCheckOptions o;
  o.training = true;
  check_gradients(*model, {random_tensor({3, 4}, rng)}, o);
}
