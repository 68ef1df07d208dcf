// Keras masking through recurrent layers, Embedding(mask_zero), Masking and per-step layers, and
// the recurrent layers' input dropout.
//
// The strongest check of masking is exact: a masked step must change nothing, so running a layer
// over a sequence with some steps masked equals running the same weights over the sequence with
// those steps removed (synthetic random data; the known answer is the compacted run).
#include <catch2/catch.hpp>

#include <cmath>

#include "gradcheck.hpp"
#include "layers/recurrent.hpp"
#include "model/model.hpp"
#include "model_test_util.hpp"

using namespace simdnn;
using namespace simdnn::test;

namespace {

struct RnnKind {
  const char* class_name;
  Json extra;  // class-specific options
};

const std::vector<RnnKind>& rnn_kinds() {
  static const std::vector<RnnKind> kinds = {
      {"SimpleRNN", Json::object()},
      {"LSTM", Json::object()},
      {"GRU", {{"reset_after", true}}},
      {"GRU", {{"reset_after", false}}},
  };
  return kinds;
}

Json rnn_config(const RnnKind& kind, const std::string& name, int units, bool return_sequences,
                bool go_backwards) {
  Json c = kind.extra;
  c["name"] = name;
  c["units"] = units;
  c["return_sequences"] = return_sequences;
  c["go_backwards"] = go_backwards;
  return c;
}

void randomize_weights(Layer& layer, Rng& rng) {
  for (Param& p : layer.params())
    for (float& v : p.value->span()) v = rng.uniform(-0.6f, 0.6f);
}

// The same layer (config and weights) built for sequences of `steps` steps.
std::shared_ptr<Layer> copy_for_steps(Layer& layer, int steps, int features) {
  auto copy = LayerRegistry::create(layer.class_name(), layer.config());
  Rng rng(1);
  copy->build({{steps, features}}, rng);
  auto from = layer.params();
  auto to = copy->params();
  REQUIRE(from.size() == to.size());
  for (std::size_t i = 0; i < from.size(); ++i) to[i].value->copy_from(*from[i].value);
  return copy;
}

// Sample b of x [batch, steps, features] with the masked steps removed: [1, kept, features].
Tensor compact(const Tensor& x, const Tensor& mask, int b) {
  const int steps = x.dim(1), features = x.dim(2);
  std::vector<float> kept;
  for (int t = 0; t < steps; ++t)
    if (mask[static_cast<std::size_t>(b) * steps + t] != 0.0f)
      for (int f = 0; f < features; ++f) kept.push_back(x[(static_cast<std::size_t>(b) * steps + t) * features + f]);
  return Tensor::from({1, static_cast<int>(kept.size()) / features, features}, kept);
}

// Pre-padding, post-padding, a hole in the middle and no padding at all.
Tensor mixed_mask() {
  return Tensor::from({4, 6}, std::vector<float>{0, 0, 1, 1, 1, 1,  //
                                                 1, 1, 1, 0, 0, 0,  //
                                                 1, 0, 1, 1, 0, 1,  //
                                                 1, 1, 1, 1, 1, 1});
}

// Steps 0, 1 and 5 are padding in every sample, so the layers skip them for the whole batch.
Tensor batch_padded_mask() {
  return Tensor::from({4, 6}, std::vector<float>{0, 0, 1, 1, 1, 0,  //
                                                 0, 0, 0, 1, 1, 0,  //
                                                 0, 0, 1, 0, 1, 0,  //
                                                 0, 0, 0, 0, 1, 0});
}

}  // namespace

TEST_CASE("Masked recurrent layers equal running on the sequence without the masked steps", "[layers]") {
  Rng rng(21);
  const Tensor x = random_tensor({4, 6, 3}, rng);
  for (const Tensor& mask : {mixed_mask(), batch_padded_mask()})
  for (const RnnKind& kind : rnn_kinds()) {
    for (bool go_backwards : {false, true}) {
      INFO(kind.class_name << " " << kind.extra.dump() << ", go_backwards " << go_backwards);
      auto layer = LayerRegistry::create(kind.class_name, rnn_config(kind, "masked", 5, false, go_backwards));
      build_for(*layer, {x});
      randomize_weights(*layer, rng);
      const Tensor masked = run_forward(*layer, {x}, false, 7, &mask)[0];
      REQUIRE(masked.shape() == Shape{4, 5});
      for (int b = 0; b < 4; ++b) {
        const Tensor kept = compact(x, mask, b);
        auto reference = copy_for_steps(*layer, kept.dim(1), 3);
        const Tensor expected = run_forward(*reference, {kept})[0];
        for (int j = 0; j < 5; ++j) CHECK(masked[b * 5 + j] == Approx(expected[j]).margin(1e-6));
      }
    }
  }
}

TEST_CASE("A masked step repeats the previous output in return_sequences", "[layers]") {
  Rng rng(22);
  const Tensor x = random_tensor({4, 6, 3}, rng);
  for (const Tensor& mask : {mixed_mask(), batch_padded_mask()}) {
    for (bool go_backwards : {false, true}) {
      auto layer = LayerRegistry::create(
          "LSTM", {{"name", "seq_mask"}, {"units", 2}, {"return_sequences", true}, {"go_backwards", go_backwards}});
      build_for(*layer, {x});
      const Tensor y = run_forward(*layer, {x}, false, 7, &mask)[0];
      // Outputs are in processing order; step s reads time step t.
      for (int b = 0; b < 4; ++b)
        for (int s = 0; s < 6; ++s) {
          const int t = go_backwards ? 5 - s : s;
          if (mask[b * 6 + t] != 0.0f) continue;
          for (int j = 0; j < 2; ++j) {
            const float previous = s == 0 ? 0.0f : y[(b * 6 + s - 1) * 2 + j];
            CHECK(y[(b * 6 + s) * 2 + j] == previous);
          }
        }
    }
  }
}

TEST_CASE("Masked recurrent gradients match central differences", "[layers][gradcheck]") {
  Rng rng(23);
  const Tensor x = random_tensor({4, 6, 3}, rng);
  const Tensor mask = mixed_mask();
  const Tensor padded = batch_padded_mask();
  GradCheckOptions options;
  for (const Tensor* m : {&mask, &padded})
  for (const RnnKind& kind : rnn_kinds())
    for (bool return_sequences : {false, true})
      for (bool go_backwards : {false, true}) {
        INFO(kind.class_name << " " << kind.extra.dump() << ", return_sequences " << return_sequences
                             << ", go_backwards " << go_backwards);
        auto layer = LayerRegistry::create(kind.class_name,
                                           rnn_config(kind, "masked_grad", 3, return_sequences, go_backwards));
        build_for(*layer, {x});
        randomize_weights(*layer, rng);
        options.mask = m;
        check_gradients(*layer, {x}, options);
      }
  options.mask = &padded;
  auto with_state = LayerRegistry::create("LSTM", {{"name", "masked_state"}, {"units", 3}, {"return_state", true}});
  build_for(*with_state, {x});
  randomize_weights(*with_state, rng);
  check_gradients(*with_state, {x}, options);
}

TEST_CASE("Masked steps get no gradient and leave the weights' gradients alone", "[layers]") {
  Rng rng(24);
  const Tensor x = random_tensor({4, 6, 3}, rng);
  const Tensor mask = mixed_mask();
  auto layer = LayerRegistry::create("GRU", {{"name", "no_grad"}, {"units", 3}});
  build_for(*layer, {x});
  LayerCall call;
  call.inputs = {&x};
  call.input_masks = {&mask};
  layer->forward(call);
  const Tensor dy = random_tensor(call.outputs[0].shape(), rng);
  call.grad_outputs = {&dy};
  for (Param& p : layer->params()) p.grad->fill(0.0f);
  layer->backward(call);
  const Tensor& dx = call.grad_inputs[0];
  for (int b = 0; b < 4; ++b)
    for (int t = 0; t < 6; ++t)
      for (int f = 0; f < 3; ++f) {
        const float g = dx[(b * 6 + t) * 3 + f];
        if (mask[b * 6 + t] == 0.0f)
          CHECK(g == 0.0f);
        else
          CHECK(g != 0.0f);
      }
}

TEST_CASE("Bidirectional passes the mask to both directions", "[layers][gradcheck]") {
  Rng rng(25);
  const Tensor x = random_tensor({4, 6, 3}, rng);
  const Tensor mask = mixed_mask();
  for (bool return_sequences : {false, true}) {
    INFO("return_sequences " << return_sequences);
    auto layer = LayerRegistry::create(
        "Bidirectional",
        {{"name", "bi_mask"},
         {"layer", {{"class_name", "LSTM"},
                    {"config", {{"name", "inner"}, {"units", 2}, {"return_sequences", return_sequences}}}}}});
    build_for(*layer, {x});
    CHECK(layer->config()["merge_mode"] == "concat");  // Keras' default when the config omits it
    randomize_weights(*layer, rng);
    GradCheckOptions options;
    options.mask = &mask;
    check_gradients(*layer, {x}, options);
    if (return_sequences) continue;
    const Tensor masked = run_forward(*layer, {x}, false, 7, &mask)[0];
    for (int b = 0; b < 4; ++b) {
      const Tensor kept = compact(x, mask, b);
      auto reference = copy_for_steps(*layer, kept.dim(1), 3);
      const Tensor expected = run_forward(*reference, {kept})[0];
      for (int j = 0; j < 4; ++j) CHECK(masked[b * 4 + j] == Approx(expected[j]).margin(1e-6));
    }
  }
}

TEST_CASE("Embedding(mask_zero) -> LSTM: where the padding goes does not matter", "[layers][model]") {
  set_global_seed(5);
  auto model = Model::sequential({LayerRegistry::create("Embedding", {{"input_dim", 20},
                                                                      {"output_dim", 4},
                                                                      {"mask_zero", true},
                                                                      {"input_shape", {8}}}),
                                  LayerRegistry::create("LSTM", {{"units", 3}}), dense(1)});
  // The same review "7 3 12 5" padded three ways, and a different review.
  const Tensor ids = Tensor::from({4, 8}, std::vector<float>{0, 0, 0, 0, 7, 3, 12, 5,  //
                                                            7, 3, 12, 5, 0, 0, 0, 0,  //
                                                            0, 7, 3, 0, 0, 12, 5, 0,  //
                                                            0, 0, 0, 0, 5, 12, 3, 7});
  const Tensor y = model->predict_on_batch({ids})[0];
  CHECK(y[1] == Approx(y[0]).margin(1e-6));
  CHECK(y[2] == Approx(y[0]).margin(1e-6));
  CHECK(std::fabs(y[3] - y[0]) > 1e-4);

  // Without mask_zero the padding is read as id 0 and the three differ.
  set_global_seed(5);
  auto unmasked = Model::sequential({LayerRegistry::create("Embedding", {{"input_dim", 20},
                                                                         {"output_dim", 4},
                                                                         {"input_shape", {8}}}),
                                     LayerRegistry::create("LSTM", {{"units", 3}}), dense(1)});
  const Tensor u = unmasked->predict_on_batch({ids})[0];
  CHECK(std::fabs(u[1] - u[0]) > 1e-5);
}

TEST_CASE("Masks pass through per-step layers, merge in Add and stop at Flatten", "[layers][model]") {
  auto ids = make_input({5}, "ids");
  auto embedded = apply_layer(LayerRegistry::create("Embedding", {{"input_dim", 10}, {"output_dim", 3}, {"mask_zero", true}}), {ids});
  auto projected = apply_layer(LayerRegistry::create("Dense", {{"units", 3}}), embedded);
  auto summed = apply_layer(LayerRegistry::create("Add", Json::object()), {embedded[0], projected[0]});
  auto flat = apply_layer(LayerRegistry::create("Flatten", Json::object()), summed);
  auto sequences = apply_layer(LayerRegistry::create("SimpleRNN", {{"units", 2}, {"return_sequences", true}}), summed);
  Model model({ids}, {projected[0], summed[0], flat[0], sequences[0]});
  const Tensor x = Tensor::from({2, 5}, std::vector<float>{0, 0, 4, 2, 9, 3, 0, 1, 1, 0});
  LayerCall call;
  call.inputs = {&x};
  model.forward(call);
  model.compute_output_masks(call);
  REQUIRE(call.output_masks.size() == 4);
  const std::vector<float> expected{0, 0, 1, 1, 1, 1, 0, 1, 1, 0};
  for (int k : {0, 1, 3}) {
    INFO("output " << k);
    REQUIRE(call.output_masks[k].shape() == Shape{2, 5});
    for (std::size_t i = 0; i < expected.size(); ++i) CHECK(call.output_masks[k][i] == expected[i]);
  }
  CHECK(call.output_masks[2].empty());  // Flatten has no time axis left
}

TEST_CASE("Masking marks all-mask_value steps, zeroes them and passes no gradient there", "[layers][gradcheck]") {
  auto layer = LayerRegistry::create("Masking", {{"name", "masking"}, {"mask_value", -1.0}});
  Rng rng(26);
  Tensor x = random_tensor({2, 4, 3}, rng, 0.0f, 1.0f);
  for (int f = 0; f < 3; ++f) {
    x[(0 * 4 + 1) * 3 + f] = -1.0f;  // sample 0, step 1: fully masked
    x[(1 * 4 + 3) * 3 + f] = -1.0f;  // sample 1, step 3
  }
  x[(1 * 4 + 0) * 3 + 0] = -1.0f;  // one feature at mask_value does not mask the step
  build_for(*layer, {x});
  LayerCall call;
  call.inputs = {&x};
  layer->forward(call);
  layer->compute_output_masks(call);
  const std::vector<float> expected{1, 0, 1, 1, 1, 1, 1, 0};
  REQUIRE(call.output_masks[0].shape() == Shape{2, 4});
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(call.output_masks[0][i] == expected[i]);
  for (int f = 0; f < 3; ++f) CHECK(call.outputs[0][(0 * 4 + 1) * 3 + f] == 0.0f);
  CHECK(call.outputs[0][(1 * 4 + 0) * 3 + 0] == -1.0f);
  // Masking is discontinuous at mask_value, so its backward is checked directly.
  const Tensor dy = random_tensor(call.outputs[0].shape(), rng);
  call.grad_outputs = {&dy};
  layer->backward(call);
  for (int row = 0; row < 8; ++row)
    for (int f = 0; f < 3; ++f)
      CHECK(call.grad_inputs[0][row * 3 + f] == (expected[row] != 0.0f ? dy[row * 3 + f] : 0.0f));
  auto copy = LayerRegistry::create("Masking", layer->config());
  CHECK(copy->config() == layer->config());
  REQUIRE_THROWS_WITH(LayerRegistry::create("Masking", {{"name", "bad"}, {"mask_value", "zero"}}),
                      Catch::Contains("Masking 'bad'") && Catch::Contains("mask_value"));
}

TEST_CASE("Recurrent dropout on inputs: per sequence and feature, training only", "[layers][gradcheck]") {
  Rng rng(27);
  const Tensor x = random_tensor({3, 5, 4}, rng);
  for (const RnnKind& kind : rnn_kinds()) {
    INFO(kind.class_name << " " << kind.extra.dump());
    Json config = rnn_config(kind, "dropped", 3, true, false);
    config["dropout"] = 0.5;
    auto layer = LayerRegistry::create(kind.class_name, config);
    build_for(*layer, {x});
    CHECK(layer->config()["dropout"] == Approx(0.5));
    config["dropout"] = 0.0;
    auto no_dropout = LayerRegistry::create(kind.class_name, config);
    build_for(*no_dropout, {x});
    for (std::size_t i = 0; i < layer->params().size(); ++i)
      no_dropout->params()[i].value->copy_from(*layer->params()[i].value);
    // Inference ignores dropout; training does not.
    CHECK(max_abs_difference(run_forward(*layer, {x})[0], run_forward(*no_dropout, {x})[0]) == 0.0f);
    CHECK(max_abs_difference(run_forward(*layer, {x}, true)[0], run_forward(*no_dropout, {x}, true)[0]) > 1e-3f);
    GradCheckOptions options;
    options.training = true;
    check_gradients(*layer, {x}, options);
  }
  REQUIRE_THROWS_WITH(LayerRegistry::create("GRU", {{"name", "gru_rd"}, {"units", 2}, {"recurrent_dropout", 0.2}}),
                      Catch::Contains("GRU 'gru_rd'") && Catch::Contains("recurrent_dropout") &&
                          Catch::Contains("not supported"));
}

TEST_CASE("recurrent_dropout on the state entering the recurrent kernel (LSTM, SimpleRNN)", "[layers][gradcheck]") {
  Rng rng(28);
  const Tensor x = random_tensor({4, 6, 3}, rng);
  const Tensor mask = mixed_mask();
  for (const char* class_name : {"LSTM", "SimpleRNN"}) {
    for (bool return_sequences : {false, true}) {
      INFO(class_name << ", return_sequences " << return_sequences);
      Json config{{"name", "rec_dropped"}, {"units", 4}, {"return_sequences", return_sequences},
                  {"recurrent_dropout", 0.4}, {"dropout", 0.2}};
      auto layer = LayerRegistry::create(class_name, config);
      build_for(*layer, {x});
      randomize_weights(*layer, rng);
      CHECK(layer->config()["recurrent_dropout"] == Approx(0.4));
      config["recurrent_dropout"] = 0.0;
      config["dropout"] = 0.0;
      auto plain = LayerRegistry::create(class_name, config);
      build_for(*plain, {x});
      for (std::size_t i = 0; i < layer->params().size(); ++i)
        plain->params()[i].value->copy_from(*layer->params()[i].value);
      CHECK(max_abs_difference(run_forward(*layer, {x})[0], run_forward(*plain, {x})[0]) == 0.0f);
      CHECK(max_abs_difference(run_forward(*layer, {x}, true)[0], run_forward(*plain, {x}, true)[0]) > 1e-3f);
      GradCheckOptions options;
      options.training = true;
      check_gradients(*layer, {x}, options);
      options.mask = &mask;
      check_gradients(*layer, {x}, options);
    }
  }
}

TEST_CASE("A masked sequence output's loss and metrics leave the padded steps out (Keras 3)", "[model]") {
  auto make = [] {
    set_global_seed(9);
    auto model = Model::sequential({LayerRegistry::create("Embedding", {{"input_dim", 12},
                                                                        {"output_dim", 3},
                                                                        {"mask_zero", true},
                                                                        {"input_shape", {5}}}),
                                    LayerRegistry::create("GRU", {{"units", 4}, {"return_sequences", true}}),
                                    LayerRegistry::create("Dense", {{"units", 1}})});
    model->compile(compile_options("mse", "sgd", {{"learning_rate", 0.1}}, {"mae"}));
    return model;
  };
  const Tensor ids = Tensor::from({2, 5}, std::vector<float>{0, 0, 3, 4, 5, 6, 7, 0, 0, 0});
  const Tensor y = Tensor::from({2, 5, 1}, std::vector<float>{9, 9, 0.5f, -0.5f, 1, 1, 0, 9, 9, 9});
  Tensor y_other = y.clone();  // differs only where the input is padding
  for (std::size_t i : {0u, 1u, 7u, 8u, 9u}) y_other[i] = -40.0f;

  auto model = make();
  const Tensor prediction = model->predict_on_batch({ids})[0];
  double squared = 0.0, absolute = 0.0;
  for (std::size_t i : {2u, 3u, 4u, 5u, 6u}) {
    squared += (prediction[i] - y[i]) * (prediction[i] - y[i]);
    absolute += std::fabs(prediction[i] - y[i]);
  }
  const Logs logs = model->test_on_batch({ids}, {y});
  CHECK(logs.get("loss").value() == Approx(squared / 5).epsilon(1e-5));
  CHECK(logs.get("mae").value() == Approx(absolute / 5).epsilon(1e-5));

  auto other = make();
  model->reset_metrics();
  model->train_on_batch({ids}, {y});
  other->train_on_batch({ids}, {y_other});
  const auto a = model->get_weights(), b = other->get_weights();
  for (std::size_t k = 0; k < a.size(); ++k) CHECK(max_abs_difference(a[k], b[k]) == 0.0f);
}
