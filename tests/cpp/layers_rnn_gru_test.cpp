#include <catch2/catch.hpp>

#include <cmath>

#include "gradcheck.hpp"
#include "layers/gru.hpp"
#include "layers/simple_rnn.hpp"
#include "rnn_reference.hpp"

using namespace simdnn;
using namespace simdnn::test;

namespace {

struct Flags {
  bool return_sequences = false, return_state = false, go_backwards = false;
};

template <typename Options>
Options options_for(int units, Flags flags) {
  Options o;
  o.units = units;
  o.return_sequences = flags.return_sequences;
  o.return_state = flags.return_state;
  o.go_backwards = flags.go_backwards;
  return o;
}

std::shared_ptr<GRU> gru(const std::string& name, int units, Flags flags = {}, bool reset_after = true) {
  GRUOptions o = options_for<GRUOptions>(units, flags);
  o.reset_after = reset_after;
  return std::make_shared<GRU>(name, o);
}

void randomize_weights(Layer& layer, Rng& rng) {
  for (Param& p : layer.params())
    for (float& v : p.value->span()) v = rng.uniform(-0.6f, 0.6f);
}

std::string flags_name(Flags f) {
  return std::string(f.return_sequences ? "seq" : "last") + (f.return_state ? "_state" : "") +
         (f.go_backwards ? "_backwards" : "");
}

}  // namespace

TEST_CASE("GRU: one unit, two steps, computed by hand (reset_after)", "[layers]") {
  auto layer = gru("gru_hand", 1, {true, true, false});
  Rng rng(1);
  layer->build({{2, 1}}, rng);
  REQUIRE(layer->bias().shape() == Shape{2, 3});
  layer->kernel().copy_from(Tensor::from({1, 3}, std::vector<float>{0.5f, -0.4f, 0.9f}));
  layer->recurrent_kernel().copy_from(Tensor::from({1, 3}, std::vector<float>{0.3f, 0.6f, -0.7f}));
  layer->bias().copy_from(Tensor::from({2, 3}, std::vector<float>{0.1f, 0.2f, -0.1f, 0.05f, -0.3f, 0.4f}));
  const Tensor x = Tensor::from({1, 2, 1}, std::vector<float>{1.0f, 2.0f});
  const auto out = run_forward(*layer, {x});
  REQUIRE(out.size() == 2);

  auto sigmoid = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
  // Step 1, h0 = 0: the recurrent projections are just the recurrent bias.
  const double z1 = sigmoid(0.5 + 0.1 + 0.05), r1 = sigmoid(-0.4 + 0.2 - 0.3);
  const double hh1 = std::tanh(0.9 - 0.1 + r1 * 0.4);
  const double h1 = (1.0 - z1) * hh1;
  // Step 2, x = 2.
  const double z2 = sigmoid(1.0 + 0.1 + 0.3 * h1 + 0.05), r2 = sigmoid(-0.8 + 0.2 + 0.6 * h1 - 0.3);
  const double hh2 = std::tanh(1.8 - 0.1 + r2 * (-0.7 * h1 + 0.4));
  const double h2 = z2 * h1 + (1.0 - z2) * hh2;
  CHECK(out[0][0] == Approx(h1).epsilon(1e-6));
  CHECK(out[0][1] == Approx(h2).epsilon(1e-6));
  CHECK(out[1][0] == Approx(h2).epsilon(1e-6));
}

TEST_CASE("GRU matches a double-precision reference", "[layers]") {
  Rng rng(12);
  const Tensor x = random_tensor({3, 5, 4}, rng);
  for (bool reset_after : {true, false})
    for (bool go_backwards : {false, true})
      for (bool use_bias : {true, false}) {
        INFO("reset_after " << reset_after << ", go_backwards " << go_backwards << ", use_bias " << use_bias);
        GRUOptions o = options_for<GRUOptions>(5, {true, true, go_backwards});
        o.reset_after = reset_after;
        o.use_bias = use_bias;
        GRU layer("gru_ref", o);
        build_for(layer, {x});
        randomize_weights(layer, rng);
        const auto out = run_forward(layer, {x});
        const SequenceResult ref = reference_gru(x, layer.kernel(), layer.recurrent_kernel(),
                                                 use_bias ? layer.bias() : Tensor(), 5, reset_after,
                                                 go_backwards);
        REQUIRE(out[0].shape() == Shape{3, 5, 5});
        CHECK(max_relative_error(out[0], ref.sequence) < 1e-5);
        CHECK(max_relative_error(out[1], ref.h) < 1e-5);
      }
  SECTION("hard_sigmoid gates, last output only") {
    GRUOptions o = options_for<GRUOptions>(4, {});
    o.recurrent_activation = "hard_sigmoid";
    GRU layer("gru_hard", o);
    build_for(layer, {x});
    randomize_weights(layer, rng);
    const auto out = run_forward(layer, {x});
    REQUIRE(out.size() == 1);
    const SequenceResult ref = reference_gru(x, layer.kernel(), layer.recurrent_kernel(), layer.bias(), 4,
                                             true, false, ref_tanh, ref_hard_sigmoid);
    CHECK(max_relative_error(out[0], ref.h) < 1e-5);
  }
}

TEST_CASE("GRU gradients match central differences", "[layers]") {
  Rng rng(22);
  const Tensor x = random_tensor({2, 4, 3}, rng);
  for (bool reset_after : {true, false})
    for (bool sequences : {false, true})
      for (bool state : {false, true})
        for (bool backwards : {false, true}) {
          const Flags flags{sequences, state, backwards};
          auto layer = gru(std::string("gru_grad_") + (reset_after ? "after_" : "before_") + flags_name(flags),
                           3, flags, reset_after);
          build_for(*layer, {x});
          randomize_weights(*layer, rng);
          check_gradients(*layer, {x});
        }
}

TEST_CASE("GRU defaults, Keras configs and round trip", "[layers]") {
  auto layer = gru("gru_def", 16);
  Rng rng(3);
  layer->build({{5, 1}}, rng);
  CHECK(layer->bias().shape() == Shape{2, 48});
  CHECK(layer->param_count() == 3u * 16u * (1u + 16u + 2u));  // Keras: 912
  const Json config = layer->config();
  CHECK(config["reset_after"] == true);
  CHECK(config["recurrent_activation"] == "sigmoid");
  CHECK(config["recurrent_initializer"]["class_name"] == "Orthogonal");
  for (float b : layer->bias().span()) CHECK(b == 0.0f);

  auto before = gru("gru_before", 4, {}, false);
  before->build({{5, 1}}, rng);
  CHECK(before->bias().shape() == Shape{12});

  auto rt = gru("gru_rt", 3, {true, true, true}, false);
  rt->set_declared_input_shape({4, 2});
  const Tensor x = random_tensor({2, 4, 2}, rng);
  build_for(*rt, {x});
  randomize_weights(*rt, rng);
  auto copy = round_trip(*rt);
  const auto a = run_forward(*rt, {x}), b = run_forward(*copy, {x});
  for (std::size_t k = 0; k < a.size(); ++k) CHECK(max_abs_difference(a[k], b[k]) == 0.0f);

  const Json keras2 = Json::parse(R"({"name": "gru", "trainable": true, "dtype": "float32",
    "return_sequences": true, "return_state": false, "go_backwards": false, "stateful": false,
    "unroll": false, "time_major": false, "units": 8, "activation": "tanh",
    "recurrent_activation": "sigmoid", "use_bias": true,
    "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
    "recurrent_initializer": {"class_name": "Orthogonal", "config": {"gain": 1.0, "seed": null}},
    "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null,
    "recurrent_regularizer": null, "bias_regularizer": null, "activity_regularizer": null,
    "kernel_constraint": null, "recurrent_constraint": null, "bias_constraint": null,
    "dropout": 0.0, "recurrent_dropout": 0.0, "implementation": 2, "reset_after": true})");
  auto k2 = LayerRegistry::create("GRU", keras2);
  Rng build_rng(1);
  CHECK(k2->build({{7, 3}}, build_rng) == std::vector<Shape>{{7, 8}});
}

TEST_CASE("GRU errors name the layer and the option", "[layers]") {
  const Json base{{"name", "gru_cfg"}, {"units", 2}};
  Json typo = base;
  typo["reset_afer"] = true;
  REQUIRE_THROWS_WITH(GRU::from_config(typo),
                      Catch::Contains("GRU 'gru_cfg'") && Catch::Contains("unknown option 'reset_afer'"));
  Json not_bool = base;
  not_bool["reset_after"] = "yes";
  REQUIRE_THROWS_WITH(GRU::from_config(not_bool),
                      Catch::Contains("'reset_after'") && Catch::Contains("true or false"));
  Json dropout = base;
  dropout["dropout"] = -0.1;
  REQUIRE_THROWS_WITH(GRU::from_config(dropout), Catch::Contains("GRU 'gru_cfg'") && Catch::Contains("dropout"));
  auto layer = gru("gru_err", 2);
  Rng rng(1);
  REQUIRE_THROWS_WITH(layer->build({{2, 3, 4}}, rng),
                      Catch::Contains("GRU 'gru_err'") && Catch::Contains("[?, 2, 3, 4]"));
}

TEST_CASE("SimpleRNN matches a double-precision reference", "[layers]") {
  Rng rng(13);
  const Tensor x = random_tensor({3, 6, 2}, rng);
  for (bool go_backwards : {false, true}) {
    SimpleRNN layer("rnn_ref", options_for<RecurrentOptions>(4, {true, true, go_backwards}));
    build_for(layer, {x});
    randomize_weights(layer, rng);
    const auto out = run_forward(layer, {x});
    const SequenceResult ref =
        reference_simple_rnn(x, layer.kernel(), layer.recurrent_kernel(), layer.bias(), 4, go_backwards);
    CHECK(max_relative_error(out[0], ref.sequence) < 1e-5);
    CHECK(max_relative_error(out[1], ref.h) < 1e-5);
  }
  SECTION("relu activation") {
    RecurrentOptions o = options_for<RecurrentOptions>(3, {});
    o.activation = "relu";
    SimpleRNN layer("rnn_relu", o);
    build_for(layer, {x});
    randomize_weights(layer, rng);
    const auto out = run_forward(layer, {x});
    const SequenceResult ref = reference_simple_rnn(x, layer.kernel(), layer.recurrent_kernel(),
                                                    layer.bias(), 3, false, ref_relu);
    CHECK(max_relative_error(out[0], ref.h) < 1e-5);
  }
}

TEST_CASE("SimpleRNN gradients match central differences", "[layers]") {
  Rng rng(23);
  const Tensor x = random_tensor({2, 4, 3}, rng);
  for (bool sequences : {false, true})
    for (bool state : {false, true})
      for (bool backwards : {false, true}) {
        const Flags flags{sequences, state, backwards};
        SimpleRNN layer("rnn_grad_" + flags_name(flags), options_for<RecurrentOptions>(3, flags));
        build_for(layer, {x});
        randomize_weights(layer, rng);
        check_gradients(layer, {x});
      }
}

TEST_CASE("SimpleRNN config: Keras fields, round trip, errors", "[layers]") {
  SimpleRNN layer("rnn_rt", options_for<RecurrentOptions>(3, {true, false, true}));
  layer.set_declared_input_shape({4, 2});
  Rng rng(5);
  const Tensor x = random_tensor({2, 4, 2}, rng);
  build_for(layer, {x});
  CHECK(layer.param_count() == 3u * (2u + 3u + 1u));
  const Json config = layer.config();
  CHECK_FALSE(config.contains("recurrent_activation"));
  CHECK(config["go_backwards"] == true);
  auto copy = round_trip(layer);
  CHECK(max_abs_difference(run_forward(layer, {x})[0], run_forward(*copy, {x})[0]) == 0.0f);

  Json bad{{"name", "rnn_cfg"}, {"units", 2}, {"recurrent_activation", "sigmoid"}};
  REQUIRE_THROWS_WITH(SimpleRNN::from_config(bad), Catch::Contains("SimpleRNN 'rnn_cfg'") &&
                                                      Catch::Contains("unknown option 'recurrent_activation'"));
  RecurrentOptions no_units;
  REQUIRE_THROWS_WITH(SimpleRNN("rnn_zero", no_units),
                      Catch::Contains("SimpleRNN 'rnn_zero'") && Catch::Contains("units"));
}
