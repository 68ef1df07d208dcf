#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "gradcheck.hpp"
#include "layers/embedding.hpp"

using namespace simdnn;
using namespace simdnn::test;

namespace {

std::shared_ptr<Embedding> embedding(const std::string& name, int input_dim, int output_dim) {
  EmbeddingOptions options;
  options.input_dim = input_dim;
  options.output_dim = output_dim;
  return std::make_shared<Embedding>(name, options);
}

}  // namespace

TEST_CASE("Embedding looks up one row per id", "[layers]") {
  auto layer = embedding("emb_hand", 4, 2);
  Rng rng(1);
  layer->build({{3}}, rng);
  REQUIRE(layer->embeddings().shape() == Shape{4, 2});
  layer->embeddings().copy_from(Tensor::from({4, 2}, std::vector<float>{0, 1, 10, 11, 20, 21, 30, 31}));
  const Tensor ids = Tensor::from({2, 3}, std::vector<float>{1, 0, 3, 3, 3, 2});
  const Tensor y = run_forward(*layer, {ids})[0];
  REQUIRE(y.shape() == Shape{2, 3, 2});
  const std::vector<float> expected{10, 11, 0, 1, 30, 31, 30, 31, 30, 31, 20, 21};
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(y[i] == expected[i]);
}

TEST_CASE("Embedding default initializer is Keras 'uniform' in [-0.05, 0.05]", "[layers]") {
  auto layer = embedding("emb_init", 50, 8);
  Rng rng(3);
  layer->build({{5}}, rng);
  float low = 1.0f, high = -1.0f;
  for (float v : layer->embeddings().span()) {
    low = std::min(low, v);
    high = std::max(high, v);
  }
  CHECK(low >= -0.05f);
  CHECK(high <= 0.05f);
  CHECK(high - low > 0.08f);  // spread over the range, not a constant
  const Json init = layer->config()["embeddings_initializer"];
  CHECK(init["class_name"] == "RandomUniform");
  CHECK(init["config"]["minval"] == -0.05);
  CHECK(init["config"]["maxval"] == 0.05);
}

TEST_CASE("Embedding gradient scatter-adds into the rows used", "[layers]") {
  auto layer = embedding("emb_grad", 7, 3);
  // Id 2 repeats (its gradient is a sum); ids 0, 4 and 6 are never used.
  const Tensor ids = Tensor::from({2, 4}, std::vector<float>{2, 1, 2, 5, 3, 2, 1, 2});
  build_for(*layer, {ids});
  check_gradients(*layer, {ids});

  LayerCall call;
  call.inputs = {&ids};
  layer->forward(call);
  Rng rng(4);
  const Tensor dy = random_tensor(call.outputs[0].shape(), rng);
  call.grad_outputs = {&dy};
  Tensor& grad = *layer->params()[0].grad;
  grad.fill(0.0f);
  call.need_input_grads = false;  // the usual case: an Embedding is a model's first layer
  layer->backward(call);
  for (int row = 0; row < 7; ++row) {
    for (int j = 0; j < 3; ++j) {
      double expected = 0.0;
      for (std::size_t i = 0; i < ids.size(); ++i)
        if (static_cast<int>(ids[i]) == row) expected += dy[i * 3 + j];
      CHECK(grad[row * 3 + j] == Approx(expected).margin(1e-6));
    }
  }
  for (int unused : {0, 4, 6})
    for (int j = 0; j < 3; ++j) CHECK(grad[unused * 3 + j] == 0.0f);

  SECTION("the input gradient is zero (ids are not differentiable)") {
    call.need_input_grads = true;
    layer->backward(call);
    REQUIRE(call.grad_inputs.at(0).shape() == ids.shape());
    for (float v : call.grad_inputs[0].span()) CHECK(v == 0.0f);
  }
}

TEST_CASE("Embedding rejects ids outside [0, input_dim)", "[layers]") {
  auto layer = embedding("emb_range", 10, 2);
  Rng rng(1);
  layer->build({{3}}, rng);
  for (float bad : {10.0f, -1.0f, 1e9f, std::numeric_limits<float>::quiet_NaN()}) {
    const Tensor ids = Tensor::from({1, 3}, std::vector<float>{0, bad, 9});
    LayerCall call;
    call.inputs = {&ids};
    std::ostringstream shown;
    shown << bad;
    REQUIRE_THROWS_WITH(layer->forward(call), Catch::Contains("Embedding 'emb_range'") &&
                                                  Catch::Contains("id " + shown.str()) &&
                                                  Catch::Contains("[0, 10)"));
  }
  const Tensor edge = Tensor::from({1, 3}, std::vector<float>{0, 9, 9});
  CHECK_NOTHROW(run_forward(*layer, {edge}));
}

TEST_CASE("Embedding config round trip and Keras configs", "[layers]") {
  EmbeddingOptions options;
  options.input_dim = 12;
  options.output_dim = 4;
  options.mask_zero = true;
  options.embeddings_initializer = "glorot_uniform";
  Embedding layer("emb_rt", options);
  layer.set_declared_input_shape({5});
  const Tensor ids = Tensor::from({2, 5}, std::vector<float>{1, 2, 3, 4, 5, 0, 0, 11, 10, 9});
  build_for(layer, {ids});
  const Json config = layer.config();
  CHECK(config["input_dim"] == 12);
  CHECK(config["output_dim"] == 4);
  CHECK(config["mask_zero"] == true);
  CHECK(config["embeddings_initializer"]["class_name"] == "GlorotUniform");
  auto copy = round_trip(layer);
  CHECK(max_abs_difference(run_forward(layer, {ids})[0], run_forward(*copy, {ids})[0]) == 0.0f);

  // Keras 2 (with input_length) and Keras 3 (sparse, lora_rank) configs load.
  const Json keras2 = Json::parse(R"({"name": "embedding", "trainable": true,
    "batch_input_shape": [null, 100], "dtype": "float32", "input_dim": 10000, "output_dim": 16,
    "embeddings_initializer": {"class_name": "RandomUniform",
      "config": {"minval": -0.05, "maxval": 0.05, "seed": null}},
    "embeddings_regularizer": null, "activity_regularizer": null,
    "embeddings_constraint": null, "mask_zero": false, "input_length": 100})");
  auto k2 = LayerRegistry::create("Embedding", keras2);
  CHECK(k2->name() == "embedding");
  CHECK(*k2->declared_input_shape() == Shape{100});
  CHECK(k2->config()["input_length"] == 100);
  const Json keras3 = Json::parse(R"({"name": "emb3", "trainable": true, "dtype": "float32",
    "input_dim": 50, "output_dim": 8, "embeddings_initializer": "uniform",
    "embeddings_regularizer": null, "activity_regularizer": null, "embeddings_constraint": null,
    "mask_zero": true, "sparse": false, "lora_rank": null})");
  auto k3 = Embedding::from_config(keras3);
  CHECK(k3->mask_zero());
  CHECK(k3->input_dim() == 50);
}

TEST_CASE("Embedding config errors name the layer and the option", "[layers]") {
  const Json base{{"name", "emb_cfg"}, {"input_dim", 10}, {"output_dim", 3}};
  Json missing = base;
  missing.erase("output_dim");
  REQUIRE_THROWS_WITH(Embedding::from_config(missing),
                      Catch::Contains("Embedding 'emb_cfg'") && Catch::Contains("output_dim"));
  Json zero = base;
  zero["input_dim"] = 0;
  REQUIRE_THROWS_WITH(Embedding::from_config(zero),
                      Catch::Contains("'input_dim'") && Catch::Contains("positive integer"));
  Json sparse = base;
  sparse["sparse"] = true;
  REQUIRE_THROWS_WITH(Embedding::from_config(sparse), Catch::Contains("sparse"));
  Json typo = base;
  typo["mask_zeros"] = true;
  REQUIRE_THROWS_WITH(Embedding::from_config(typo), Catch::Contains("unknown option 'mask_zeros'"));
  Json regularized = base;
  regularized["embeddings_regularizer"] = {{"class_name", "L2"}, {"config", {{"l2", 0.1}}}};
  REQUIRE_THROWS_WITH(Embedding::from_config(regularized), Catch::Contains("not supported"));
}

TEST_CASE("Embedding's input_dim is its vocabulary, not an input shape", "[layers]") {
  auto layer = simdnn::LayerRegistry::create("Embedding", {{"input_dim", 1000}, {"output_dim", 8}});
  REQUIRE_FALSE(layer->declared_input_shape().has_value());
  auto dense = simdnn::LayerRegistry::create("Dense", {{"units", 2}, {"input_dim", 5}});
  REQUIRE(dense->declared_input_shape() == simdnn::Shape{5});
}
