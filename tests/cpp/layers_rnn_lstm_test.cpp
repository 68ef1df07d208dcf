#include <catch2/catch.hpp>

#include <cmath>

#include "gradcheck.hpp"
#include "layers/lstm.hpp"
#include "rnn_reference.hpp"

using namespace simdnn;
using namespace simdnn::test;

namespace {

struct LstmFlags {
  bool return_sequences = false, return_state = false, go_backwards = false;
};

std::shared_ptr<LSTM> lstm(const std::string& name, int units, LstmFlags flags = {},
                           const std::string& recurrent_activation = "sigmoid") {
  LSTMOptions o;
  o.units = units;
  o.return_sequences = flags.return_sequences;
  o.return_state = flags.return_state;
  o.go_backwards = flags.go_backwards;
  o.recurrent_activation = recurrent_activation;
  return std::make_shared<LSTM>(name, o);
}

// Random weights in a range where every gate is away from saturation, bias included.
void randomize_weights(Layer& layer, Rng& rng) {
  for (Param& p : layer.params())
    for (float& v : p.value->span()) v = rng.uniform(-0.6f, 0.6f);
}

std::string flags_name(LstmFlags f) {
  return std::string(f.return_sequences ? "seq" : "last") + (f.return_state ? "+state" : "") +
         (f.go_backwards ? "+backwards" : "");
}

}  // namespace

TEST_CASE("LSTM: one unit, two steps, computed by hand", "[layers]") {
  auto layer = lstm("lstm_hand", 1, {true, true, false});
  Rng rng(1);
  layer->build({{2, 1}}, rng);
  layer->kernel().copy_from(Tensor::from({1, 4}, std::vector<float>{0.5f, -0.3f, 0.8f, 0.1f}));
  layer->recurrent_kernel().copy_from(Tensor::from({1, 4}, std::vector<float>{0.2f, 0.4f, -0.6f, 0.3f}));
  layer->bias().copy_from(Tensor::from({4}, std::vector<float>{0.1f, 1.0f, 0.0f, -0.2f}));
  const Tensor x = Tensor::from({1, 2, 1}, std::vector<float>{1.0f, -2.0f});
  const auto outputs = run_forward(*layer, {x});
  REQUIRE(outputs.size() == 3);

  auto sigmoid = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
  // Step 1 (h0 = c0 = 0): z = x W + b.
  const double i1 = sigmoid(0.5 + 0.1), g1 = std::tanh(0.8), o1 = sigmoid(0.1 - 0.2);
  const double c1 = i1 * g1;  // f * c0 = 0
  const double h1 = o1 * std::tanh(c1);
  // Step 2: z = -2 W + h1 U + b.
  const double i2 = sigmoid(-1.0 + 0.2 * h1 + 0.1), f2 = sigmoid(0.6 + 0.4 * h1 + 1.0);
  const double g2 = std::tanh(-1.6 - 0.6 * h1), o2 = sigmoid(-0.2 + 0.3 * h1 - 0.2);
  const double c2 = f2 * c1 + i2 * g2;
  const double h2 = o2 * std::tanh(c2);

  REQUIRE(outputs[0].shape() == Shape{1, 2, 1});
  CHECK(outputs[0][0] == Approx(h1).epsilon(1e-6));
  CHECK(outputs[0][1] == Approx(h2).epsilon(1e-6));
  CHECK(outputs[1][0] == Approx(h2).epsilon(1e-6));  // h state
  CHECK(outputs[2][0] == Approx(c2).epsilon(1e-6));  // c state
}

TEST_CASE("LSTM matches a double-precision reference", "[layers]") {
  Rng rng(11);
  const Tensor x = random_tensor({3, 5, 4}, rng);
  for (bool go_backwards : {false, true}) {
    for (const char* recurrent : {"sigmoid", "hard_sigmoid"}) {
      INFO("go_backwards " << go_backwards << ", recurrent_activation " << recurrent);
      auto layer = lstm("lstm_ref", 6, {true, true, go_backwards}, recurrent);
      build_for(*layer, {x});
      randomize_weights(*layer, rng);
      const auto out = run_forward(*layer, {x});
      const ScalarFn rec = std::string(recurrent) == "sigmoid" ? ref_sigmoid : ref_hard_sigmoid;
      const SequenceResult ref = reference_lstm(x, layer->kernel(), layer->recurrent_kernel(),
                                                layer->bias(), 6, go_backwards, ref_tanh, rec);
      REQUIRE(out.size() == 3);
      REQUIRE(out[0].shape() == Shape{3, 5, 6});
      CHECK(max_relative_error(out[0], ref.sequence) < 1e-5);
      CHECK(max_relative_error(out[1], ref.h) < 1e-5);
      CHECK(max_relative_error(out[2], ref.c) < 1e-5);
    }
  }
  SECTION("without return_sequences the output is the last step; use_bias false") {
    LSTMOptions o;
    o.units = 3;
    o.use_bias = false;
    LSTM layer("lstm_nobias", o);
    build_for(layer, {x});
    REQUIRE(layer.params().size() == 2);
    randomize_weights(layer, rng);
    const auto out = run_forward(layer, {x});
    REQUIRE(out.size() == 1);
    REQUIRE(out[0].shape() == Shape{3, 3});
    const SequenceResult ref =
        reference_lstm(x, layer.kernel(), layer.recurrent_kernel(), Tensor(), 3, false);
    CHECK(max_relative_error(out[0], ref.h) < 1e-5);
  }
}

TEST_CASE("LSTM gradients match central differences", "[layers]") {
  Rng rng(21);
  const Tensor x = random_tensor({2, 4, 3}, rng);
  for (bool sequences : {false, true})
    for (bool state : {false, true})
      for (bool backwards : {false, true}) {
        const LstmFlags flags{sequences, state, backwards};
        auto layer = lstm("lstm_grad_" + flags_name(flags), 3, flags);
        build_for(*layer, {x});
        randomize_weights(*layer, rng);
        check_gradients(*layer, {x});
      }
  SECTION("relu activation and hard_sigmoid gates") {
    LSTMOptions o;
    o.units = 2;
    o.activation = "relu";
    o.recurrent_activation = "hard_sigmoid";
    o.return_sequences = true;
    LSTM layer("lstm_grad_relu", o);
    build_for(layer, {x});
    randomize_weights(layer, rng);
    check_gradients(layer, {x});
  }
}

TEST_CASE("LSTM default weights follow Keras", "[layers]") {
  auto layer = lstm("lstm_init", 4);
  Rng rng(5);
  layer->build({{7, 3}}, rng);
  REQUIRE(layer->kernel().shape() == Shape{3, 16});
  REQUIRE(layer->recurrent_kernel().shape() == Shape{4, 16});
  REQUIRE(layer->bias().shape() == Shape{16});
  CHECK(layer->param_count() == 4u * 4u * (3u + 4u + 1u));
  // unit_forget_bias: forget block starts at 1, the others at 0.
  for (int j = 0; j < 16; ++j) CHECK(layer->bias()[j] == (j >= 4 && j < 8 ? 1.0f : 0.0f));
  // Orthogonal recurrent kernel: its 4 rows are orthonormal.
  const Tensor& u = layer->recurrent_kernel();
  for (int a = 0; a < 4; ++a)
    for (int b = 0; b < 4; ++b) {
      double dot = 0.0;
      for (int k = 0; k < 16; ++k) dot += double(u[a * 16 + k]) * u[b * 16 + k];
      CHECK(dot == Approx(a == b ? 1.0 : 0.0).margin(1e-5));
    }
  // Glorot uniform kernel: limit sqrt(6 / (3 + 16)).
  const float limit = std::sqrt(6.0f / 19.0f);
  for (float v : layer->kernel().span()) CHECK(std::fabs(v) <= limit);
  const Json config = layer->config();
  CHECK(config["kernel_initializer"]["class_name"] == "GlorotUniform");
  CHECK(config["recurrent_initializer"]["class_name"] == "Orthogonal");
  CHECK(config["unit_forget_bias"] == true);
  CHECK(config["recurrent_activation"] == "sigmoid");
  CHECK(config["activation"] == "tanh");
}

TEST_CASE("LSTM config round trip and Keras / TF.js configs", "[layers]") {
  auto layer = lstm("lstm_rt", 3, {true, true, true}, "hard_sigmoid");
  layer->set_declared_input_shape({4, 2});
  Rng rng(8);
  const Tensor x = random_tensor({2, 4, 2}, rng);
  build_for(*layer, {x});
  randomize_weights(*layer, rng);
  auto copy = round_trip(*layer);
  const auto a = run_forward(*layer, {x}), b = run_forward(*copy, {x});
  REQUIRE(a.size() == b.size());
  for (std::size_t k = 0; k < a.size(); ++k) CHECK(max_abs_difference(a[k], b[k]) == 0.0f);

  const Json keras2 = Json::parse(R"({"name": "lstm", "trainable": true,
    "batch_input_shape": [null, 5, 1], "dtype": "float32", "return_sequences": false,
    "return_state": false, "go_backwards": false, "stateful": false, "unroll": false,
    "time_major": false, "units": 16, "activation": "tanh", "recurrent_activation": "sigmoid",
    "use_bias": true, "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
    "recurrent_initializer": {"class_name": "Orthogonal", "config": {"gain": 1.0, "seed": null}},
    "bias_initializer": {"class_name": "Zeros", "config": {}}, "unit_forget_bias": true,
    "kernel_regularizer": null, "recurrent_regularizer": null, "bias_regularizer": null,
    "activity_regularizer": null, "kernel_constraint": null, "recurrent_constraint": null,
    "bias_constraint": null, "dropout": 0.0, "recurrent_dropout": 0.0, "implementation": 2})");
  auto k2 = LayerRegistry::create("LSTM", keras2);
  CHECK(k2->name() == "lstm");
  CHECK(*k2->declared_input_shape() == Shape{5, 1});
  Rng build_rng(1);
  CHECK(k2->build({{5, 1}}, build_rng) == std::vector<Shape>{{16}});
  CHECK(k2->param_count() == 1152u);

  // TF.js writes hard_sigmoid gates by default, and Keras 3 adds seed and use_cudnn.
  const Json tfjs = Json::parse(R"({"name": "lstm_tfjs", "trainable": true, "units": 2,
    "activation": "tanh", "recurrent_activation": "hard_sigmoid", "use_bias": true,
    "return_sequences": true, "seed": null, "use_cudnn": "auto", "zero_output_for_mask": false})");
  auto tf = LSTM::from_config(tfjs);
  CHECK(tf->config()["recurrent_activation"] == "hard_sigmoid");
  CHECK(tf->return_sequences());
}

TEST_CASE("LSTM errors name the layer, the expectation and the value", "[layers]") {
  auto layer = lstm("lstm_err", 2);
  Rng rng(1);
  REQUIRE_THROWS_WITH(layer->build({{4}}, rng), Catch::Contains("LSTM 'lstm_err'") &&
                                                    Catch::Contains("[batch, time, features]") &&
                                                    Catch::Contains("[?, 4]"));
  layer->build({{3, 4}}, rng);
  const Tensor wrong({2, 3, 5});
  LayerCall call;
  call.inputs = {&wrong};
  REQUIRE_THROWS_WITH(layer->forward(call), Catch::Contains("LSTM 'lstm_err'") &&
                                                Catch::Contains("[?, 3, 4]") &&
                                                Catch::Contains("[2, 3, 5]"));

  const Json base{{"name", "lstm_cfg"}, {"units", 4}};
  auto with = [&](const char* key, Json value) {
    Json c = base;
    c[key] = std::move(value);
    return c;
  };
  REQUIRE_THROWS_WITH(LSTM::from_config(with("stateful", true)),
                      Catch::Contains("LSTM 'lstm_cfg'") && Catch::Contains("stateful"));
  REQUIRE_THROWS_WITH(LSTM::from_config(with("dropout", 1.5)),
                      Catch::Contains("LSTM 'lstm_cfg'") && Catch::Contains("'dropout'") &&
                          Catch::Contains("1.5"));
  REQUIRE_THROWS_WITH(LSTM::from_config(with("recurrent_dropout", 1.0)),
                      Catch::Contains("recurrent_dropout"));
  REQUIRE_THROWS_WITH(LSTM::from_config(with("time_major", true)), Catch::Contains("time_major"));
  REQUIRE_THROWS_WITH(LSTM::from_config(with("unit", 3)), Catch::Contains("unknown option 'unit'"));
  REQUIRE_THROWS_WITH(LSTM::from_config(with("units", 0)),
                      Catch::Contains("'units'") && Catch::Contains("positive integer"));
  REQUIRE_THROWS_WITH(LSTM::from_config(with("recurrent_activation", "sigmod")),
                      Catch::Contains("'sigmod'") && Catch::Contains("known activations"));
  REQUIRE_THROWS_WITH(LSTM::from_config(with("recurrent_regularizer", {{"class_name", "L2"}})),
                      Catch::Contains("recurrent_regularizer") && Catch::Contains("not supported"));
}
