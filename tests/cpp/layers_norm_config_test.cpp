// BatchNormalization: config and weights round trips (alone and inside a saved model),
// Keras 2 / Keras 3 configs, and errors.
#include <catch2/catch.hpp>

#include <string>

#include "gradcheck.hpp"
#include "layers/batch_normalization.hpp"
#include "model/model.hpp"
#include "model/model_io.hpp"

using namespace simdnn;
using namespace simdnn::test;

namespace {

std::shared_ptr<BatchNormalization> batch_norm(const std::string& name,
                                               BatchNormalizationOptions options = {}) {
  return std::make_shared<BatchNormalization>(name, options);
}

// Non-default weights, so that the round trips have something to carry.
void randomise_weights(BatchNormalization& layer, Rng& rng) {
  for (float& g : layer.gamma().span()) g = rng.uniform(0.5f, 1.5f);
  for (float& b : layer.beta().span()) b = rng.uniform(-0.5f, 0.5f);
  for (float& m : layer.moving_mean().span()) m = rng.uniform(-0.3f, 0.3f);
  for (float& v : layer.moving_variance().span()) v = rng.uniform(0.5f, 2.0f);
}

}  // namespace

TEST_CASE("BatchNormalization config and weights round trip", "[layers]") {
  Rng rng(41);
  BatchNormalizationOptions options;
  options.momentum = 0.9f;
  options.epsilon = 1e-5f;
  options.gamma_initializer = "random_normal";
  BatchNormalization layer("bn_rt", options);
  layer.set_declared_input_shape({4, 3});
  const Tensor x = random_tensor({5, 4, 3}, rng);
  build_for(layer, {x});
  randomise_weights(layer, rng);
  const Json config = layer.config();
  CHECK(config["axis"] == -1);
  CHECK(config["momentum"] == 0.9);
  CHECK(config["epsilon"] == 1e-5);
  CHECK(config["center"] == true);
  CHECK(config["gamma_initializer"]["class_name"] == "RandomNormal");
  CHECK(config["moving_variance_initializer"]["class_name"] == "Ones");
  CHECK(config["beta_regularizer"].is_null());
  CHECK(config["synchronized"] == false);
  auto copy = round_trip(layer);
  for (bool training : {false, true})
    CHECK(max_abs_difference(run_forward(layer, {x}, training)[0],
                             run_forward(*copy, {x}, training)[0]) == 0.0f);

  SECTION("through a saved model: weights by name, moving statistics included") {
    set_global_seed(8);
    auto bn = LayerRegistry::create("BatchNormalization", Json{{"name", "bn_saved"}, {"momentum", 0.5}});
    auto model = Model::sequential(
        {LayerRegistry::create("Dense", Json{{"units", 3}, {"input_shape", {3}}, {"name", "d_saved"}}), bn},
        "bn_model");
    auto& norm = dynamic_cast<BatchNormalization&>(*bn);
    randomise_weights(norm, rng);
    CHECK(weight_names(*model) == std::vector<std::string>{"d_saved/kernel", "d_saved/bias",
                                                           "bn_saved/gamma", "bn_saved/beta",
                                                           "bn_saved/moving_mean",
                                                           "bn_saved/moving_variance"});
    const ModelArtifacts artifacts = save_artifacts(*model);
    auto loaded = load_artifacts(artifacts.model_json, artifacts.weights);
    auto& loaded_norm = dynamic_cast<BatchNormalization&>(*loaded->find_layer("bn_saved"));
    CHECK(max_abs_difference(loaded_norm.moving_variance(), norm.moving_variance()) == 0.0f);
    const Tensor probe = random_tensor({4, 3}, rng);
    CHECK(max_abs_difference(model->predict({probe})[0], loaded->predict({probe})[0]) == 0.0f);
  }

  SECTION("Keras 3 and Keras 2 configs load") {
    const Json keras3 = Json::parse(R"({"name": "batch_normalization", "trainable": true,
      "dtype": "float32", "axis": -1, "momentum": 0.99, "epsilon": 0.001, "center": true,
      "scale": true, "beta_initializer": {"module": "keras.initializers", "class_name": "Zeros",
      "config": {}, "registered_name": null}, "gamma_initializer": "ones",
      "moving_mean_initializer": "zeros", "moving_variance_initializer": "ones",
      "beta_regularizer": null, "gamma_regularizer": null, "beta_constraint": null,
      "gamma_constraint": null, "synchronized": false})");
    auto from_keras3 = LayerRegistry::create("BatchNormalization", keras3);
    CHECK(from_keras3->config()["epsilon"] == 0.001);
    // Keras 2 writes the axis as a list after build, plus its renorm fields.
    const Json keras2 = Json::parse(R"({"name": "bn_k2", "trainable": false, "axis": [3],
      "momentum": 0.9, "epsilon": 0.001, "center": false, "scale": true,
      "beta_initializer": {"class_name": "Zeros", "config": {}},
      "gamma_initializer": {"class_name": "Ones", "config": {}},
      "moving_mean_initializer": {"class_name": "Zeros", "config": {}},
      "moving_variance_initializer": {"class_name": "Ones", "config": {}},
      "beta_regularizer": null, "gamma_regularizer": null, "beta_constraint": null,
      "gamma_constraint": null, "renorm": false, "fused": null})");
    auto from_keras2 = LayerRegistry::create("BatchNormalization", keras2);
    CHECK_FALSE(from_keras2->trainable());
    CHECK(from_keras2->config()["axis"] == 3);
    Rng build_rng(1);
    from_keras2->build({{2, 2, 4}}, build_rng);
    CHECK(from_keras2->params().size() == 3);  // no beta
    CHECK(dynamic_cast<BatchNormalization&>(*from_keras2).channels() == 4);
  }
}

TEST_CASE("BatchNormalization errors name the layer, the expectation and the value", "[layers]") {
  auto layer = batch_norm("bn_err");
  Rng rng(1);
  layer->build({{4}}, rng);
  LayerCall call;
  const Tensor wrong({3, 5});
  call.inputs = {&wrong};
  REQUIRE_THROWS_WITH(layer->forward(call), Catch::Contains("BatchNormalization 'bn_err'") &&
                                                Catch::Contains("[?, 4]") && Catch::Contains("[3, 5]"));
  const Tensor empty_batch({0, 4});
  call.inputs = {&empty_batch};
  call.training = true;
  REQUIRE_THROWS_WITH(layer->forward(call), Catch::Contains("bn_err") && Catch::Contains("at least one"));

  auto out_of_range = [](int axis) {
    BatchNormalizationOptions options;
    options.axis = axis;
    return batch_norm("bn_axis", options);
  };
  REQUIRE_THROWS_WITH(out_of_range(0), Catch::Contains("bn_axis") && Catch::Contains("batch axis"));
  for (int axis : {3, -4}) {
    auto bad_axis = out_of_range(axis);
    REQUIRE_THROWS_WITH(bad_axis->build({{2, 2}}, rng),
                        Catch::Contains("BatchNormalization 'bn_axis'") &&
                            Catch::Contains("axis " + std::to_string(axis)) &&
                            Catch::Contains("[?, 2, 2]"));
  }

  const Json base{{"name", "bn_cfg"}};
  auto expect_config_error = [&](const char* key, const Json& value, const char* message) {
    Json c = base;
    c[key] = value;
    INFO(key << " = " << value.dump());
    REQUIRE_THROWS_WITH(BatchNormalization::from_config(c),
                        Catch::Contains("BatchNormalization 'bn_cfg'") && Catch::Contains(message));
  };
  expect_config_error("momentm", 0.9, "unknown option 'momentm'");
  expect_config_error("momentum", 1.5, "momentum must be in [0, 1], got 1.5");
  expect_config_error("epsilon", 0.0, "epsilon must be a positive number, got 0");
  expect_config_error("epsilon", "small", "'epsilon' must be a finite number");
  expect_config_error("axis", Json::array({1, 2}), "one axis");
  expect_config_error("axis", "last", "'axis' must be an integer");
  expect_config_error("renorm", true, "'renorm'");
  expect_config_error("gamma_regularizer", Json{{"class_name", "L2"}}, "not supported");
  expect_config_error("center", 1, "'center' must be true or false");
  expect_config_error("gamma_initializer", "onez", "gamma_initializer");
}
