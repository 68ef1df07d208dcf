#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "model/callbacks.hpp"
#include "model/model.hpp"
#include "model/model_io.hpp"
#include "model_test_util.hpp"

using namespace simdnn;
using namespace simdnn::test;

TEST_CASE("sequential model builds from a declared input shape and summarises", "[model]") {
  set_global_seed(1);
  auto model = Model::sequential({dense(16, "relu", {{"input_shape", {4}}}), dense(8, "relu"), dense(1)});
  REQUIRE(model->model_input_shapes() == std::vector<Shape>{{4}});
  REQUIRE(model->model_output_shapes() == std::vector<Shape>{{1}});
  const std::string s = model->summary();
  INFO(s);
  REQUIRE(s.find("(None, 16)") != std::string::npos);
  REQUIRE(s.find("Total params: 225") != std::string::npos);  // 4*16+16 + 16*8+8 + 8+1
  REQUIRE(s.find("Trainable params: 225") != std::string::npos);
  REQUIRE(model->layers().size() == 3);
}

TEST_CASE("sequential model trains XOR to 100% accuracy", "[model]") {
  set_global_seed(3);
  auto model = Model::sequential({dense(8, "tanh", {{"input_shape", {2}}}), dense(1, "sigmoid")});
  model->compile(compile_options("binary_crossentropy", "adam", {{"learning_rate", 0.05}}, {"accuracy"}));
  auto [x, y] = xor_data();
  FitOptions o;
  o.epochs = 300;
  o.batch_size = 4;
  History h = model->fit({x}, {y}, o);
  REQUIRE(h.logs.size() == 300);
  REQUIRE(*h.logs.back().get("accuracy") == 1.0);
  REQUIRE(*h.logs.back().get("loss") < 0.1);
  const Logs eval = model->evaluate({x}, {y});
  REQUIRE(*eval.get("accuracy") == 1.0);
}

namespace {
std::vector<float> train_and_flatten(std::uint64_t seed) {
  set_global_seed(seed);
  auto model = Model::sequential({dense(6, "relu", {{"input_shape", {2}}}),
                                  LayerRegistry::create("Dropout", {{"rate", 0.25}}), dense(1, "sigmoid")});
  model->compile(compile_options("binary_crossentropy", "adam", {{"learning_rate", 0.01}}));
  auto [x, y] = xor_data();
  FitOptions o;
  o.epochs = 20;
  o.batch_size = 2;
  model->fit({x}, {y}, o);
  std::vector<float> flat;
  for (const Tensor& w : model->get_weights()) flat.insert(flat.end(), w.span().begin(), w.span().end());
  return flat;
}
}  // namespace

TEST_CASE("same seed gives bitwise-identical weights after training", "[model]") {
  const auto a = train_and_flatten(11), b = train_and_flatten(11), c = train_and_flatten(12);
  REQUIRE(a.size() == b.size());
  REQUIRE(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
  REQUIRE(std::memcmp(a.data(), c.data(), a.size() * sizeof(float)) != 0);
}

TEST_CASE("functional model with two inputs, two outputs and a shared layer", "[model]") {
  set_global_seed(5);
  auto a = make_input({3}, "a");
  auto b = make_input({3}, "b");
  auto shared = dense(4, "tanh", {{"name", "shared"}});
  auto ha = apply_layer(shared, {a})[0];
  auto hb = apply_layer(shared, {b})[0];
  auto sum = apply_layer(LayerRegistry::create("Add", Json::object()), {ha, hb})[0];
  auto cat = apply_layer(LayerRegistry::create("Concatenate", Json::object()), {ha, hb})[0];
  auto out1 = apply_layer(dense(1, "linear", {{"name", "out1"}}), {sum})[0];
  auto out2 = apply_layer(dense(2, "softmax", {{"name", "out2"}}), {cat})[0];
  auto model = std::make_shared<Model>(std::vector{a, b}, std::vector{out1, out2}, "two_heads");
  REQUIRE(model->params().size() == 6);  // shared counted once
  CompileOptions o = compile_options("mse", "sgd", {{"learning_rate", 0.1}});
  o.losses = {std::shared_ptr<Loss>(make_loss("mse")), std::shared_ptr<Loss>(make_loss("categorical_crossentropy"))};
  o.metrics = {"mae"};
  model->compile(o);
  Rng rng(9);
  Tensor xa({16, 3}), xb({16, 3}), y1({16, 1}), y2({16, 2});
  for (std::size_t i = 0; i < xa.size(); ++i) {
    xa[i] = rng.uniform(-1, 1);
    xb[i] = rng.uniform(-1, 1);
  }
  for (int i = 0; i < 16; ++i) {
    y1[i] = xa[i * 3] - xb[i * 3 + 1];
    y2[i * 2 + (xa[i * 3 + 2] > xb[i * 3 + 2] ? 0 : 1)] = 1.0f;
  }
  const double before = *model->evaluate({xa, xb}, {y1, y2}).get("loss");
  FitOptions fo;
  fo.epochs = 60;
  fo.batch_size = 8;
  History h = model->fit({xa, xb}, {y1, y2}, fo);
  const Logs after = model->evaluate({xa, xb}, {y1, y2});
  REQUIRE(after.get("out1_loss").has_value());
  REQUIRE(after.get("out2_mae").has_value());
  REQUIRE(*after.get("loss") < before * 0.7);

  // Round trip through the TF.js/Keras format gives the same predictions.
  ModelArtifacts art = save_artifacts(*model);
  auto loaded = load_artifacts(art.model_json, art.weights);
  REQUIRE(loaded->params().size() == 6);
  auto p1 = model->predict({xa, xb});
  auto p2 = loaded->predict({xa, xb});
  for (int k = 0; k < 2; ++k)
    for (std::size_t i = 0; i < p1[k].size(); ++i) REQUIRE(p1[k][i] == p2[k][i]);
}

TEST_CASE("a model is a layer: GAN idiom with a frozen discriminator", "[model]") {
  set_global_seed(21);
  auto generator = Model::sequential({dense(8, "relu", {{"input_shape", {4}}}), dense(3)}, "generator");
  auto discriminator = Model::sequential({dense(8, "relu", {{"input_shape", {3}}}), dense(1, "sigmoid")},
                                         "discriminator");
  discriminator->compile(compile_options("binary_crossentropy", "adam", {{"learning_rate", 0.01}}));
  discriminator->set_trainable(false);
  auto gan = Model::sequential({generator, discriminator}, "gan");
  gan->compile(compile_options("binary_crossentropy", "adam", {{"learning_rate", 0.01}}));
  REQUIRE(gan->model_input_shapes() == std::vector<Shape>{{4}});

  const auto d_before = discriminator->get_weights();
  const auto g_before = generator->get_weights();
  Tensor noise({8, 4}, 0.5f), ones({8, 1}, 1.0f);
  gan->train_on_batch({noise}, {ones});
  const auto d_after_gan = discriminator->get_weights();
  const auto g_after_gan = generator->get_weights();
  for (std::size_t i = 0; i < d_before.size(); ++i)
    for (std::size_t k = 0; k < d_before[i].size(); ++k) REQUIRE(d_before[i][k] == d_after_gan[i][k]);
  bool generator_moved = false;
  for (std::size_t i = 0; i < g_before.size(); ++i)
    for (std::size_t k = 0; k < g_before[i].size(); ++k) generator_moved |= g_before[i][k] != g_after_gan[i][k];
  REQUIRE(generator_moved);

  // The discriminator was compiled while trainable: it still trains on its own.
  Tensor real({8, 3}, 1.0f);
  discriminator->train_on_batch({real}, {ones});
  const auto d_after = discriminator->get_weights();
  bool d_moved = false;
  for (std::size_t i = 0; i < d_before.size(); ++i)
    for (std::size_t k = 0; k < d_before[i].size(); ++k) d_moved |= d_before[i][k] != d_after[i][k];
  REQUIRE(d_moved);

  // Nested models survive a save/load round trip.
  ModelArtifacts art = save_artifacts(*gan);
  auto loaded = load_artifacts(art.model_json, art.weights);
  auto p1 = gan->predict({noise});
  auto p2 = loaded->predict({noise});
  for (std::size_t i = 0; i < p1[0].size(); ++i) REQUIRE(p1[0][i] == p2[0][i]);
}

TEST_CASE("early stopping stops and restores the best weights", "[model]") {
  set_global_seed(4);
  auto model = Model::sequential({dense(1, "linear", {{"input_shape", {1}}})});
  // A learning rate this large diverges: the loss gets worse every epoch after the first.
  model->compile(compile_options("mse", "sgd", {{"learning_rate", 1.5}}));
  Tensor x = Tensor::from({4, 1}, std::vector<float>{1, 2, 3, 4});
  Tensor y = Tensor::from({4, 1}, std::vector<float>{2, 4, 6, 8});
  EarlyStoppingOptions eo;
  eo.monitor = "loss";
  eo.patience = 2;
  eo.restore_best_weights = true;
  auto es = std::make_shared<EarlyStopping>(eo);
  struct Recorder : Callback {
    std::vector<std::vector<Tensor>> weights;
    void on_epoch_end(int, const Logs&) override { weights.push_back(model->get_weights()); }
  };
  auto recorder = std::make_shared<Recorder>();
  FitOptions o;
  o.epochs = 50;
  o.batch_size = 4;
  History h = model->fit({x}, {y}, o, {recorder, es});
  REQUIRE(h.logs.size() < 50);
  REQUIRE(es->stopped_epoch() == static_cast<int>(h.logs.size()) - 1);
  REQUIRE(es->best_epoch() == 0);  // the loss only grows after the first epoch
  const auto restored = model->get_weights();
  const auto& best = recorder->weights.at(es->best_epoch());
  for (std::size_t i = 0; i < best.size(); ++i)
    for (std::size_t k = 0; k < best[i].size(); ++k) REQUIRE(restored[i][k] == best[i][k]);
}

TEST_CASE("validation split holds out the last samples", "[model]") {
  set_global_seed(6);
  auto model = Model::sequential({dense(1, "linear", {{"input_shape", {1}}})});
  model->compile(compile_options("mse", "sgd", {{"learning_rate", 0.01}}));
  Tensor x({10, 1}, 1.0f), y({10, 1}, 1.0f);
  FitOptions o;
  o.epochs = 2;
  o.validation_split = 0.2f;
  History h = model->fit({x}, {y}, o);
  REQUIRE(h.logs[0].get("val_loss").has_value());
}

TEST_CASE("model errors name the model, the expected and the actual", "[model]") {
  set_global_seed(7);
  auto model = Model::sequential({dense(2, "relu", {{"input_shape", {3}}})}, "net");
  Tensor wrong({5, 4}), y({5, 2});
  REQUIRE_THROWS_WITH(model->train_on_batch({wrong}, {y}), Catch::Contains("compile()"));
  model->compile(compile_options("mse", "adam", Json::object()));
  REQUIRE_THROWS_WITH(model->predict({wrong}),
                      Catch::Contains("net") && Catch::Contains("[?, 3]") && Catch::Contains("[5, 4]"));
  Tensor x({5, 3}), y_short({4, 2});
  REQUIRE_THROWS_WITH(model->train_on_batch({x}, {y_short}), Catch::Contains("4 samples"));
  Tensor nan_x({5, 3}, std::nanf(""));
  REQUIRE_THROWS_WITH(model->train_on_batch({nan_x}, {y}), Catch::Contains("NaN"));
  FitOptions bad;
  bad.batch_size = 0;
  REQUIRE_THROWS_WITH(model->fit({x}, {y}, bad), Catch::Contains("batchSize"));
  // The model still works after errors.
  REQUIRE_NOTHROW(model->train_on_batch({x}, {y}));
  REQUIRE_THROWS_WITH(LayerRegistry::create("Dens", Json::object()), Catch::Contains("unknown layer class 'Dens'"));
}

TEST_CASE("corrupt model files give clear errors", "[model]") {
  set_global_seed(8);
  auto model = Model::sequential({dense(2, "relu", {{"input_shape", {3}}})});
  ModelArtifacts art = save_artifacts(*model);
  std::vector<std::uint8_t> short_weights(art.weights.begin(), art.weights.end() - 4);
  REQUIRE_THROWS_WITH(load_artifacts(art.model_json, short_weights), Catch::Contains("bytes"));
  Json bad_class = art.model_json;
  bad_class["modelTopology"]["config"]["layers"][0]["class_name"] = "Nope";
  REQUIRE_THROWS_WITH(load_artifacts(bad_class, art.weights), Catch::Contains("unsupported layers: Nope"));
  Json bad_shape = art.model_json;
  bad_shape["weightsManifest"][0]["weights"][0]["shape"] = {3, 3};
  REQUIRE_THROWS_AS(load_artifacts(bad_shape, art.weights), Error);
  REQUIRE_THROWS_AS(load_artifacts(Json::array(), art.weights), Error);
}
