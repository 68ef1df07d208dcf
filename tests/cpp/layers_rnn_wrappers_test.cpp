#include <catch2/catch.hpp>

#include "gradcheck.hpp"
#include "layers/bidirectional.hpp"
#include "layers/dense.hpp"
#include "layers/lstm.hpp"
#include "layers/repeat_vector.hpp"
#include "layers/time_distributed.hpp"
#include "model/model.hpp"
#include "model/model_io.hpp"

using namespace simdnn;
using namespace simdnn::test;

namespace {

Json rnn_spec(const char* class_name, const std::string& name, int units, bool sequences, bool state = false) {
  return Json{{"class_name", class_name},
              {"config", {{"name", name}, {"units", units}, {"return_sequences", sequences}, {"return_state", state}}}};
}

void randomize_weights(Layer& layer, Rng& rng) {
  for (Param& p : layer.params())
    for (float& v : p.value->span()) v = rng.uniform(-0.6f, 0.6f);
}

// Output row r of the backward copy in input time order (its sequence runs from the last step).
float backward_value(const Tensor& yb, int batch_index, int t, int j, bool sequences) {
  if (!sequences) return yb[batch_index * yb.dim(1) + j];
  const int steps = yb.dim(1), units = yb.dim(2);
  return yb[(batch_index * steps + (steps - 1 - t)) * units + j];
}

}  // namespace

TEST_CASE("Bidirectional runs a forward and a reversed copy and merges them", "[layers]") {
  Rng rng(31);
  const Tensor x = random_tensor({2, 4, 3}, rng);
  for (bool sequences : {true, false}) {
    for (auto merge : {Bidirectional::Merge::concat, Bidirectional::Merge::sum, Bidirectional::Merge::ave,
                       Bidirectional::Merge::mul, Bidirectional::Merge::none}) {
      INFO("return_sequences " << sequences << ", merge " << static_cast<int>(merge));
      auto layer = Bidirectional::wrap("bidi_fwd", rnn_spec("LSTM", "lstm", 3, sequences), merge);
      REQUIRE(layer->forward_layer().name() == "forward_lstm");
      REQUIRE(layer->backward_layer().name() == "backward_lstm");
      CHECK_FALSE(layer->forward_layer().go_backwards());
      CHECK(layer->backward_layer().go_backwards());
      build_for(*layer, {x});
      randomize_weights(*layer, rng);
      const auto out = run_forward(*layer, {x});
      const Tensor yf = run_forward(layer->forward_layer(), {x})[0];
      const Tensor yb = run_forward(layer->backward_layer(), {x})[0];
      const int steps = sequences ? 4 : 1;
      for (int b = 0; b < 2; ++b)
        for (int t = 0; t < steps; ++t)
          for (int j = 0; j < 3; ++j) {
            const float f = yf[(b * steps + t) * 3 + j];
            const float bw = sequences ? backward_value(yb, b, t, j, true) : yb[b * 3 + j];
            const std::size_t row = static_cast<std::size_t>(b) * steps + t;
            switch (merge) {
              case Bidirectional::Merge::concat:
                CHECK(out[0][row * 6 + j] == f);
                CHECK(out[0][row * 6 + 3 + j] == bw);
                break;
              case Bidirectional::Merge::sum: CHECK(out[0][row * 3 + j] == Approx(f + bw)); break;
              case Bidirectional::Merge::ave: CHECK(out[0][row * 3 + j] == Approx((f + bw) / 2)); break;
              case Bidirectional::Merge::mul: CHECK(out[0][row * 3 + j] == Approx(f * bw)); break;
              case Bidirectional::Merge::none:
                REQUIRE(out.size() == 2);
                CHECK(out[0][row * 3 + j] == f);
                CHECK(out[1][row * 3 + j] == bw);
                break;
            }
          }
    }
  }
}

TEST_CASE("Bidirectional weights are named and ordered as in Keras", "[layers]") {
  auto layer = Bidirectional::wrap("bidirectional_names", rnn_spec("GRU", "gru", 2, false), Bidirectional::Merge::concat);
  Rng rng(1);
  layer->build({{5, 3}}, rng);
  std::vector<std::string> names;
  for (const Param& p : layer->params()) names.push_back(p.name);
  CHECK(names == std::vector<std::string>{"forward_gru/kernel", "forward_gru/recurrent_kernel", "forward_gru/bias",
                                          "backward_gru/kernel", "backward_gru/recurrent_kernel", "backward_gru/bias"});
  CHECK(layer->output_shapes() == std::vector<Shape>{{4}});
  // The two copies start from different weights, as in Keras.
  CHECK(max_abs_difference(layer->forward_layer().kernel(), layer->backward_layer().kernel()) > 0.0f);

  // In a model file the names get the wrapper's name in front, as TF.js writes them.
  auto model = Model::sequential({layer});
  const auto model_names = weight_names(*model);
  REQUIRE(model_names.size() == 6);
  CHECK(model_names[0] == "bidirectional_names/forward_gru/kernel");
  CHECK(model_names[5] == "bidirectional_names/backward_gru/bias");
}

TEST_CASE("Bidirectional gradients match central differences", "[layers]") {
  Rng rng(32);
  const Tensor x = random_tensor({2, 3, 2}, rng);
  int n = 0;
  for (bool sequences : {false, true})
    for (auto merge : {Bidirectional::Merge::concat, Bidirectional::Merge::sum, Bidirectional::Merge::ave,
                       Bidirectional::Merge::mul, Bidirectional::Merge::none}) {
      auto layer = Bidirectional::wrap("bidi_grad_" + std::to_string(n++), rnn_spec("LSTM", "lstm", 2, sequences), merge);
      build_for(*layer, {x});
      randomize_weights(*layer, rng);
      check_gradients(*layer, {x});
    }
  SECTION("return_state: [output, h_f, c_f, h_b, c_b]") {
    auto layer = Bidirectional::wrap("bidi_state", rnn_spec("LSTM", "lstm", 2, true, true), Bidirectional::Merge::concat);
    build_for(*layer, {x});
    REQUIRE(layer->output_shapes() == std::vector<Shape>{{3, 4}, {2}, {2}, {2}, {2}});
    randomize_weights(*layer, rng);
    const auto out = run_forward(*layer, {x});
    const auto backward_states = run_forward(layer->backward_layer(), {x});
    CHECK(max_abs_difference(out[3], backward_states[1]) == 0.0f);
    CHECK(max_abs_difference(out[4], backward_states[2]) == 0.0f);
    check_gradients(*layer, {x});
  }
  SECTION("GRU and SimpleRNN, no merge, with states") {
    for (const char* cls : {"GRU", "SimpleRNN"}) {
      auto layer = Bidirectional::wrap(std::string("bidi_") + cls, rnn_spec(cls, "rnn", 2, false, true),
                                       Bidirectional::Merge::none);
      build_for(*layer, {x});
      REQUIRE(layer->output_shapes().size() == 4);
      randomize_weights(*layer, rng);
      check_gradients(*layer, {x});
    }
  }
}

TEST_CASE("Bidirectional config: round trip, Keras 2 and Keras 3 forms", "[layers]") {
  auto layer = Bidirectional::wrap("bidi_rt", rnn_spec("LSTM", "lstm_in", 3, true), Bidirectional::Merge::ave);
  layer->set_declared_input_shape({4, 2});
  Rng rng(6);
  const Tensor x = random_tensor({2, 4, 2}, rng);
  build_for(*layer, {x});
  randomize_weights(*layer, rng);
  const Json config = layer->config();
  CHECK(config["merge_mode"] == "ave");
  CHECK(config["layer"]["class_name"] == "LSTM");
  CHECK(config["layer"]["config"]["name"] == "lstm_in");
  CHECK(config["layer"]["config"]["go_backwards"] == false);
  auto copy = round_trip(*layer);
  CHECK(max_abs_difference(run_forward(*layer, {x})[0], run_forward(*copy, {x})[0]) == 0.0f);

  auto none = Bidirectional::wrap("bidi_none", rnn_spec("GRU", "g", 2, false), Bidirectional::Merge::none);
  CHECK(none->config()["merge_mode"].is_null());
  CHECK(LayerRegistry::create("Bidirectional", none->config())->config() == none->config());

  // Keras 2: the wrapped layer's own config; the input shape may sit on the wrapped layer.
  const Json keras2 = Json::parse(R"({"name": "bidirectional", "trainable": true, "dtype": "float32",
    "layer": {"class_name": "LSTM", "config": {"name": "lstm", "trainable": true,
      "batch_input_shape": [null, 10, 8], "dtype": "float32", "return_sequences": true,
      "return_state": false, "go_backwards": false, "stateful": false, "unroll": false,
      "time_major": false, "units": 4, "activation": "tanh", "recurrent_activation": "sigmoid",
      "use_bias": true, "unit_forget_bias": true, "dropout": 0.0, "recurrent_dropout": 0.0,
      "implementation": 2}}, "merge_mode": "concat"})");
  auto k2 = LayerRegistry::create("Bidirectional", keras2);
  REQUIRE(k2->declared_input_shape());
  CHECK(*k2->declared_input_shape() == Shape{10, 8});
  Rng build_rng(2);
  CHECK(k2->build({{10, 8}}, build_rng) == std::vector<Shape>{{10, 8}});
  CHECK(k2->params()[0].name == "forward_lstm/kernel");

  // Keras 3: prefixed names and an explicit backward_layer.
  const Json keras3 = Json::parse(R"({"name": "bidi3", "trainable": true, "merge_mode": "sum",
    "layer": {"class_name": "GRU", "config": {"name": "forward_gru", "units": 2, "go_backwards": false}},
    "backward_layer": {"class_name": "GRU", "config": {"name": "backward_gru", "units": 2, "go_backwards": true}}})");
  auto k3 = std::dynamic_pointer_cast<Bidirectional>(LayerRegistry::create("Bidirectional", keras3));
  REQUIRE(k3);
  CHECK(k3->forward_layer().name() == "forward_gru");
  CHECK(k3->backward_layer().name() == "backward_gru");
  CHECK(k3->config()["layer"]["config"]["name"] == "gru");
}

TEST_CASE("Bidirectional errors name the wrapper and the problem", "[layers]") {
  REQUIRE_THROWS_WITH(Bidirectional::wrap("bidi_dense", Json{{"class_name", "Dense"}, {"config", {{"units", 2}}}},
                                          Bidirectional::Merge::concat),
                      Catch::Contains("Bidirectional 'bidi_dense'") && Catch::Contains("recurrent layer") &&
                          Catch::Contains("Dense"));
  const Json base{{"name", "bidi_cfg"}, {"layer", rnn_spec("LSTM", "l", 2, false)}};
  Json mode = base;
  mode["merge_mode"] = "max";
  REQUIRE_THROWS_WITH(Bidirectional::from_config(mode),
                      Catch::Contains("Bidirectional 'bidi_cfg'") && Catch::Contains("merge_mode") &&
                          Catch::Contains("max"));
  Json flat = base;
  flat["layer"] = "LSTM";
  REQUIRE_THROWS_WITH(Bidirectional::from_config(flat),
                      Catch::Contains("'layer'") && Catch::Contains("class_name"));
  Json missing{{"name", "bidi_cfg"}};
  REQUIRE_THROWS_WITH(Bidirectional::from_config(missing), Catch::Contains("missing required option 'layer'"));
  Json same_direction = base;
  same_direction["backward_layer"] = rnn_spec("LSTM", "l", 2, false);
  REQUIRE_THROWS_WITH(Bidirectional::from_config(same_direction), Catch::Contains("go_backwards"));
  Json unknown_inner = base;
  unknown_inner["layer"]["config"]["unitz"] = 3;
  REQUIRE_THROWS_WITH(Bidirectional::from_config(unknown_inner), Catch::Contains("unknown option 'unitz'"));
}

TEST_CASE("TimeDistributed applies the wrapped layer at every step", "[layers]") {
  Rng rng(41);
  const Tensor x = random_tensor({2, 3, 4}, rng);
  DenseOptions dense_options;
  dense_options.units = 5;
  dense_options.activation = "tanh";
  auto dense = std::make_shared<Dense>("td_dense", dense_options);
  TimeDistributed layer("time_distributed_test", dense);
  build_for(layer, {x});
  REQUIRE(layer.output_shapes() == std::vector<Shape>{{3, 5}});
  for (float& b : dense->bias().span()) b = rng.uniform(-0.5f, 0.5f);
  const Tensor y = run_forward(layer, {x})[0];
  REQUIRE(y.shape() == Shape{2, 3, 5});
  // Each step alone through the same Dense.
  for (int t = 0; t < 3; ++t) {
    Tensor step({2, 4});
    for (int b = 0; b < 2; ++b)
      for (int f = 0; f < 4; ++f) step[b * 4 + f] = x[(b * 3 + t) * 4 + f];
    LayerCall call;
    call.inputs = {&step};
    dense->forward(call);
    for (int b = 0; b < 2; ++b)
      for (int j = 0; j < 5; ++j) CHECK(y[(b * 3 + t) * 5 + j] == call.outputs[0][b * 5 + j]);
  }
  check_gradients(layer, {x});
  std::vector<std::string> names;
  for (const Param& p : layer.params()) names.push_back(p.name);
  CHECK(names == std::vector<std::string>{"kernel", "bias"});

  SECTION("config round trip") {
    layer.set_declared_input_shape({3, 4});
    const Json config = layer.config();
    CHECK(config["layer"]["class_name"] == "Dense");
    CHECK(config["layer"]["config"]["units"] == 5);
    auto copy = round_trip(layer);
    CHECK(max_abs_difference(run_forward(layer, {x})[0], run_forward(*copy, {x})[0]) == 0.0f);
  }
  SECTION("errors") {
    TimeDistributed flat("td_flat", std::make_shared<Dense>("td_flat_dense", dense_options));
    Rng build_rng(1);
    REQUIRE_THROWS_WITH(flat.build({{4}}, build_rng), Catch::Contains("TimeDistributed 'td_flat'") &&
                                                          Catch::Contains("[?, 4]"));
    REQUIRE_THROWS_WITH(TimeDistributed::from_config(Json{{"name", "td_cfg"}}),
                        Catch::Contains("TimeDistributed 'td_cfg'") && Catch::Contains("'layer'"));
    REQUIRE_THROWS_WITH(TimeDistributed("td_add", LayerRegistry::create("Add", Json::object())),
                        Catch::Contains("TimeDistributed 'td_add'") && Catch::Contains("one input"));
  }
}

TEST_CASE("TimeDistributed wraps a recurrent layer over a 4-D input", "[layers]") {
  // [batch, outer time, inner time, features]: an LSTM summarises each inner sequence.
  Rng rng(42);
  const Tensor x = random_tensor({2, 3, 4, 2}, rng);
  auto inner = LayerRegistry::create("LSTM", {{"name", "td_lstm"}, {"units", 2}});
  TimeDistributed layer("td_of_lstm", inner);
  build_for(layer, {x});
  REQUIRE(layer.output_shapes() == std::vector<Shape>{{3, 2}});
  randomize_weights(layer, rng);
  check_gradients(layer, {x});
}

TEST_CASE("RepeatVector repeats, sums gradients, round-trips and checks shapes", "[layers]") {
  RepeatVector layer("repeat_test", 3);
  const Tensor x = Tensor::from({2, 2}, std::vector<float>{1, 2, 3, 4});
  const Tensor y = run_forward(layer, {x})[0];
  REQUIRE(y.shape() == Shape{2, 3, 2});
  const std::vector<float> expected{1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4};
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(y[i] == expected[i]);
  Rng rng(5);
  check_gradients(layer, {random_tensor({2, 2}, rng)});
  CHECK(layer.config()["n"] == 3);
  round_trip(layer);

  RepeatVector wrong("repeat_err", 2);
  Rng build_rng(1);
  REQUIRE_THROWS_WITH(wrong.build({{3, 4}}, build_rng), Catch::Contains("RepeatVector 'repeat_err'") &&
                                                            Catch::Contains("[?, 3, 4]"));
  REQUIRE_THROWS_WITH(RepeatVector::from_config(Json{{"name", "rv"}, {"n", 0}}),
                      Catch::Contains("RepeatVector 'rv'") && Catch::Contains("positive integer"));
}
