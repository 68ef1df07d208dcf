// Recurrent layers inside native models: training through the Model API, and model files.
#include <catch2/catch.hpp>

#include <cmath>

#include "gradcheck.hpp"
#include "model/model.hpp"
#include "model/model_io.hpp"
#include "model_test_util.hpp"

using namespace simdnn;
using namespace simdnn::test;

namespace {

// Windows of 5 consecutive numbers a, a+1, ..., a+4 -> 2 (a + 5), all divided by 100 so the
// values sit where tanh is not saturated. Returns x [n, 5, 1] and y [n, 1].
std::pair<Tensor, Tensor> consecutive_windows(int first, int count) {
  Tensor x({count, 5, 1}), y({count, 1});
  for (int i = 0; i < count; ++i) {
    const int a = first + i;
    for (int t = 0; t < 5; ++t) x[i * 5 + t] = static_cast<float>(a + t) / 100.0f;
    y[i] = 2.0f * static_cast<float>(a + 5) / 100.0f;
  }
  return {x, y};
}

double mean_absolute_error(const Tensor& prediction, const Tensor& target) {
  double total = 0.0;
  for (std::size_t i = 0; i < target.size(); ++i) total += std::fabs(prediction[i] - target[i]);
  return total / static_cast<double>(target.size());
}

}  // namespace

TEST_CASE("LSTM(16) -> Dense(1) learns 'five consecutive numbers -> the next one x 2'", "[layers]") {
  set_global_seed(7);
  auto model = Model::sequential(
      {LayerRegistry::create("LSTM", {{"units", 16}, {"input_shape", {5, 1}}}), dense(1)});
  REQUIRE(model->model_output_shapes() == std::vector<Shape>{{1}});
  CHECK(model->param_count() == 4u * 16u * (1u + 16u + 1u) + 17u);
  model->compile(compile_options("mae", "adam", {{"learning_rate", 0.01}}));
  const auto [x, y] = consecutive_windows(0, 64);  // starts 0..63: targets 0.1 .. 1.36
  const double before = mean_absolute_error(model->predict({x})[0], y);
  FitOptions options;
  options.epochs = 150;
  options.batch_size = 16;
  const History history = model->fit({x}, {y}, options);
  const double train_error = *history.logs.back().get("loss");
  // Unseen windows inside the training range (half-way starts) and just past it.
  Tensor between({16, 5, 1}), between_y({16, 1});
  for (int i = 0; i < 16; ++i) {
    const float a = 4.0f * i + 1.5f;
    for (int t = 0; t < 5; ++t) between[i * 5 + t] = (a + t) / 100.0f;
    between_y[i] = 2.0f * (a + 5) / 100.0f;
  }
  const double interpolation_error = mean_absolute_error(model->predict({between})[0], between_y);
  INFO("MAE before " << before << ", after training " << train_error << ", unseen " << interpolation_error);
  CHECK(before > 0.3);
  // The targets span 0.1 .. 1.36; an error of 0.02 is 1 on the unscaled numbers (2 (a + 5)).
  CHECK(train_error < 0.02);
  CHECK(interpolation_error < 0.02);
}

TEST_CASE("Recurrent models survive the TF.js model file round trip", "[layers]") {
  set_global_seed(9);
  // Embedding -> Bidirectional(LSTM, sequences) -> TimeDistributed(Dense) -> GRU -> RepeatVector
  // -> SimpleRNN: every recurrent layer and wrapper in one file.
  auto model = Model::sequential({
      LayerRegistry::create("Embedding", {{"input_dim", 20}, {"output_dim", 4}, {"batch_input_shape", {nullptr, 6}}}),
      LayerRegistry::create("Bidirectional",
                            {{"layer", {{"class_name", "LSTM"}, {"config", {{"units", 3}, {"return_sequences", true}}}}},
                             {"merge_mode", "concat"}}),
      LayerRegistry::create("TimeDistributed",
                            {{"layer", {{"class_name", "Dense"}, {"config", {{"units", 2}, {"activation", "relu"}}}}}}),
      LayerRegistry::create("GRU", {{"units", 3}, {"go_backwards", true}}),
      LayerRegistry::create("RepeatVector", {{"n", 2}}),
      LayerRegistry::create("SimpleRNN", {{"units", 2}, {"return_sequences", true}}),
  });
  REQUIRE(model->model_output_shapes() == std::vector<Shape>{{2, 2}});
  Rng rng(3);
  Tensor ids({4, 6});
  for (float& v : ids.span()) v = static_cast<float>(rng.below(20));
  const Tensor expected = model->predict({ids})[0];

  const auto names = weight_names(*model);
  // Embedding 1 + Bidirectional 6 + TimeDistributed 2 + GRU 3 + SimpleRNN 3.
  CHECK(names.size() == 15);
  bool has_forward = false, has_backward = false;
  for (const auto& n : names) {
    has_forward = has_forward || n.find("/forward_lstm") != std::string::npos;
    has_backward = has_backward || n.find("/backward_lstm") != std::string::npos;
  }
  CHECK(has_forward);
  CHECK(has_backward);

  const ModelArtifacts artifacts = save_artifacts(*model);
  auto loaded = load_artifacts(Json::parse(artifacts.model_json.dump()), artifacts.weights);
  const Tensor again = loaded->predict({ids})[0];
  CHECK(max_abs_difference(expected, again) == 0.0f);
}
