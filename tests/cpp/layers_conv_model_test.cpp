// The convolution family inside models: gradients through a whole stack, a small task that
// only a convolution solves quickly, and a model file round trip (TF.js format).
#include <catch2/catch.hpp>

#include "gradcheck.hpp"
#include "model/model.hpp"
#include "model/model_io.hpp"
#include "model_test_util.hpp"

using namespace simdnn;
using namespace simdnn::test;

namespace {

std::shared_ptr<Layer> layer(const char* class_name, Json config = Json::object()) {
  return LayerRegistry::create(class_name, config);
}

std::shared_ptr<Model> image_stack() {
  return Model::sequential({
      layer("Conv2D", {{"filters", 4}, {"kernel_size", 3}, {"padding", "same"},
                       {"activation", "tanh"}, {"input_shape", {6, 6, 2}}}),
      layer("AveragePooling2D"),                                   // 3x3x4
      layer("ZeroPadding2D", {{"padding", 1}}),                    // 5x5x4
      layer("Cropping2D", {{"cropping", {{0, 1}, {1, 0}}}}),       // 4x4x4
      layer("Conv2D", {{"filters", 3}, {"kernel_size", 2}, {"strides", 2}}),  // 2x2x3
      layer("GlobalMaxPooling2D"),                                 // 3
      dense(2, "softmax"),
  });
}

std::shared_ptr<Model> sequence_stack() {
  return Model::sequential({
      layer("Conv1D", {{"filters", 3}, {"kernel_size", 3}, {"padding", "causal"},
                       {"dilation_rate", 2}, {"activation", "tanh"}, {"input_shape", {9, 2}}}),
      layer("MaxPooling1D", {{"pool_size", 2}, {"padding", "same"}}),  // 5x3
      layer("Conv1D", {{"filters", 2}, {"kernel_size", 2}}),            // 4x2
      layer("GlobalAveragePooling1D"),
      dense(1, "sigmoid"),
  });
}

// 6x6 images holding one horizontal (label 1) or vertical (label 0) bar of 3 cells.
std::pair<Tensor, Tensor> bars(int count, Rng& rng) {
  Tensor x({count, 6, 6, 1}), y({count, 1});
  for (int n = 0; n < count; ++n) {
    const bool horizontal = rng.below(2) == 1;
    const int row = static_cast<int>(rng.below(horizontal ? 6 : 4));
    const int col = static_cast<int>(rng.below(horizontal ? 4 : 6));
    for (int k = 0; k < 3; ++k) {
      const int r = horizontal ? row : row + k, c = horizontal ? col + k : col;
      x[(n * 6 + r) * 6 + c] = 1.0f;
    }
    y[n] = horizontal ? 1.0f : 0.0f;
  }
  return {x, y};
}

}  // namespace

TEST_CASE("gradients flow through a model of conv, pooling, padding and cropping layers", "[layers]") {
  set_global_seed(41);
  Rng rng(42);
  auto images = image_stack();
  REQUIRE(images->model_output_shapes()[0] == Shape{2});
  check_gradients(*images, {random_tensor({2, 6, 6, 2}, rng)});
  auto sequences = sequence_stack();
  REQUIRE(sequences->model_output_shapes()[0] == Shape{1});
  check_gradients(*sequences, {random_tensor({3, 9, 2}, rng)});
}

TEST_CASE("a small conv net learns horizontal versus vertical bars", "[layers]") {
  set_global_seed(43);
  Rng rng(44);
  auto model = Model::sequential({
      layer("Conv2D", {{"filters", 4}, {"kernel_size", 3}, {"activation", "relu"},
                       {"input_shape", {6, 6, 1}}}),
      layer("MaxPooling2D"),
      layer("Flatten"),
      dense(1, "sigmoid"),
  });
  model->compile(compile_options("binary_crossentropy", "adam", {{"learning_rate", 0.02}},
                                 {"accuracy"}));
  auto [x, y] = bars(128, rng);
  FitOptions options;
  options.epochs = 30;
  options.batch_size = 16;
  model->fit({x}, {y}, options);
  auto [test_x, test_y] = bars(64, rng);
  const Logs result = model->evaluate({test_x}, {test_y});
  CHECK(*result.get("accuracy") == 1.0);
}

TEST_CASE("a conv model survives a save and load in the TF.js format", "[layers]") {
  set_global_seed(45);
  Rng rng(46);
  auto model = image_stack();
  const Tensor x = random_tensor({3, 6, 6, 2}, rng);
  const std::vector<Tensor> before = model->predict({x});
  const ModelArtifacts artifacts = save_artifacts(*model);
  INFO(artifacts.model_json["modelTopology"].dump());
  auto loaded = load_artifacts(Json::parse(artifacts.model_json.dump()), artifacts.weights);
  const std::vector<Tensor> after = loaded->predict({x});
  CHECK(max_abs_difference(before[0], after[0]) == 0.0f);
  CHECK(weight_names(*loaded) == weight_names(*model));
}
