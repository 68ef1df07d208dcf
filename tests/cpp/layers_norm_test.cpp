// BatchNormalization: forward in both modes, gradients, moving statistics and the Keras
// frozen-layer rule (config, save/load and errors: layers_norm_config_test.cpp).
#include <catch2/catch.hpp>

#include <cmath>

#include "gradcheck.hpp"
#include "layers/batch_normalization.hpp"
#include "model/model.hpp"

using namespace simdnn;
using namespace simdnn::test;

namespace {

std::shared_ptr<BatchNormalization> batch_norm(const std::string& name,
                                               BatchNormalizationOptions options = {}) {
  return std::make_shared<BatchNormalization>(name, options);
}

// Moves every weight away from its initial value, so that gamma, beta and the moving
// statistics all show in the outputs.
void randomise_weights(BatchNormalization& layer, Rng& rng) {
  for (float& g : layer.gamma().span()) g = rng.uniform(0.5f, 1.5f);
  for (float& b : layer.beta().span()) b = rng.uniform(-0.5f, 0.5f);
  for (float& m : layer.moving_mean().span()) m = rng.uniform(-0.3f, 0.3f);
  for (float& v : layer.moving_variance().span()) v = rng.uniform(0.5f, 2.0f);
}

// x: [4, 2]. Channel 0 = 1, 2, 3, 4 (mean 2.5, biased variance 1.25, unbiased 5/3);
// channel 1 = 2, 2, 2, 6 (mean 3, biased variance 3, unbiased 4).
const std::vector<float> kHandInput{1, 2, 2, 2, 3, 2, 4, 6};

std::shared_ptr<BatchNormalization> hand_batch_norm(const std::string& name) {
  auto layer = batch_norm(name);
  Rng rng(1);
  layer->build({{2}}, rng);
  layer->gamma().copy_from(Tensor::from({2}, std::vector<float>{2.0f, 0.5f}));
  layer->beta().copy_from(Tensor::from({2}, std::vector<float>{1.0f, -1.0f}));
  return layer;
}

}  // namespace

TEST_CASE("BatchNormalization weights follow Keras: names, order, shapes, trainability", "[layers]") {
  auto layer = batch_norm("bn_weights");
  Rng rng(1);
  layer->build({{5, 5, 3}}, rng);
  const std::vector<Param> params = layer->params();
  REQUIRE(params.size() == 4);
  const char* names[] = {"gamma", "beta", "moving_mean", "moving_variance"};
  const float initial[] = {1.0f, 0.0f, 0.0f, 1.0f};
  for (int k = 0; k < 4; ++k) {
    INFO(names[k]);
    CHECK(params[k].name == names[k]);
    CHECK(params[k].value->shape() == Shape{3});
    for (float v : params[k].value->span()) CHECK(v == initial[k]);
  }
  CHECK(params[0].trainable);
  CHECK(params[1].trainable);
  CHECK(params[0].grad != nullptr);
  CHECK_FALSE(params[2].trainable);
  CHECK_FALSE(params[3].trainable);
  CHECK(params[2].grad == nullptr);
  CHECK(params[3].grad == nullptr);
  CHECK(layer->param_count() == 12);
  CHECK(layer->trainable_param_count() == 6);

  BatchNormalizationOptions bare;
  bare.center = false;
  bare.scale = false;
  auto plain = batch_norm("bn_bare", bare);
  plain->build({{3}}, rng);
  REQUIRE(plain->params().size() == 2);
  CHECK(plain->params()[0].name == "moving_mean");
  CHECK(plain->trainable_param_count() == 0);
}

TEST_CASE("BatchNormalization forward matches hand-computed values", "[layers]") {
  const Tensor x = Tensor::from({4, 2}, kHandInput);
  const double eps = 1e-3;
  SECTION("training: batch statistics with the biased variance") {
    auto layer = hand_batch_norm("bn_hand_train");
    const Tensor y = run_forward(*layer, {x}, true)[0];
    const double mean[] = {2.5, 3.0}, variance[] = {1.25, 3.0};
    const double gamma[] = {2.0, 0.5}, beta[] = {1.0, -1.0};
    for (int r = 0; r < 4; ++r)
      for (int c = 0; c < 2; ++c) {
        const double expected =
            (kHandInput[r * 2 + c] - mean[c]) / std::sqrt(variance[c] + eps) * gamma[c] + beta[c];
        CHECK(y[r * 2 + c] == Approx(expected).epsilon(1e-5));
      }
    // First value by hand: (1 - 2.5) / sqrt(1.251) * 2 + 1 = -1.682209
    CHECK(y[0] == Approx(-1.682209).epsilon(1e-5));
    // Moving statistics after one step with momentum 0.99 from (0, 1): the biased variance
    // (Keras 3) gives 0.99 + 0.01 * 1.25, not 0.99 + 0.01 * 5/3.
    CHECK(layer->moving_mean()[0] == Approx(0.025));
    CHECK(layer->moving_mean()[1] == Approx(0.03));
    CHECK(layer->moving_variance()[0] == Approx(1.0025));
    CHECK(layer->moving_variance()[1] == Approx(1.02));
  }
  SECTION("inference: moving statistics, which stay unchanged") {
    auto layer = hand_batch_norm("bn_hand_infer");
    layer->moving_mean().copy_from(Tensor::from({2}, std::vector<float>{1.0f, -2.0f}));
    layer->moving_variance().copy_from(Tensor::from({2}, std::vector<float>{4.0f, 0.25f}));
    const Tensor y = run_forward(*layer, {x}, false)[0];
    // (1 - 1) / sqrt(4.001) * 2 + 1 = 1;  (2 + 2) / sqrt(0.251) * 0.5 - 1 = 2.99202...
    CHECK(y[0] == Approx(1.0));
    CHECK(y[1] == Approx(4.0 / std::sqrt(0.251) * 0.5 - 1.0).epsilon(1e-5));
    CHECK(y[6] == Approx(3.0 / std::sqrt(4.001) * 2.0 + 1.0).epsilon(1e-5));
    CHECK(layer->moving_mean()[0] == 1.0f);
    CHECK(layer->moving_variance()[1] == 0.25f);
  }
  SECTION("a batch of one in training normalises to beta") {
    auto layer = hand_batch_norm("bn_one");
    const Tensor y = run_forward(*layer, {Tensor::from({1, 2}, std::vector<float>{7, -3})}, true)[0];
    CHECK(y[0] == Approx(1.0f));
    CHECK(y[1] == Approx(-1.0f));
  }
}

TEST_CASE("BatchNormalization normalises conv maps and sequences per channel", "[layers]") {
  Rng rng(11);
  SECTION("rank 4, channels last: each channel gets mean beta and std ~gamma") {
    auto layer = batch_norm("bn_conv");
    const Tensor x = random_tensor({3, 4, 5, 3}, rng, -2.0f, 5.0f);
    build_for(*layer, {x});
    randomise_weights(*layer, rng);
    const Tensor y = run_forward(*layer, {x}, true)[0];
    for (int c = 0; c < 3; ++c) {
      double sum = 0.0, squares = 0.0;
      const int n = 3 * 4 * 5;
      for (int k = 0; k < n; ++k) sum += y[k * 3 + c];
      const double mean = sum / n;
      for (int k = 0; k < n; ++k) squares += (y[k * 3 + c] - mean) * (y[k * 3 + c] - mean);
      CHECK(mean == Approx(layer->beta()[c]).margin(1e-5));
      // The variance is ~gamma^2 (epsilon shrinks it a little).
      CHECK(std::sqrt(squares / n) == Approx(layer->gamma()[c]).epsilon(2e-3));
    }
  }
  SECTION("axis 1 on [batch, c, h, w] equals axis -1 on the transposed [batch, h, w, c]") {
    const int batch = 2, channels = 3, h = 2, w = 3;
    const Tensor last = random_tensor({batch, h, w, channels}, rng);
    Tensor first({batch, channels, h, w});
    for (int b = 0; b < batch; ++b)
      for (int c = 0; c < channels; ++c)
        for (int p = 0; p < h * w; ++p)
          first[((b * channels + c) * h * w) + p] = last[(b * h * w + p) * channels + c];
    auto on_last = batch_norm("bn_last");
    BatchNormalizationOptions options;
    options.axis = 1;
    auto on_first = batch_norm("bn_first", options);
    build_for(*on_last, {last});
    build_for(*on_first, {first});
    randomise_weights(*on_last, rng);
    for (std::size_t k = 0; k < on_last->params().size(); ++k)
      on_first->params()[k].value->copy_from(*on_last->params()[k].value);
    for (bool training : {true, false}) {
      const Tensor y_last = run_forward(*on_last, {last}, training)[0];
      const Tensor y_first = run_forward(*on_first, {first}, training)[0];
      for (int b = 0; b < batch; ++b)
        for (int c = 0; c < channels; ++c)
          for (int p = 0; p < h * w; ++p)
            CHECK(y_first[((b * channels + c) * h * w) + p] ==
                  Approx(y_last[(b * h * w + p) * channels + c]).margin(1e-5));
    }
  }
  SECTION("a sequence [batch, time, features] is normalised over batch and time") {
    const Tensor sequence = random_tensor({3, 4, 2}, rng);
    auto on_sequence = batch_norm("bn_seq");
    auto on_rows = batch_norm("bn_rows");
    build_for(*on_sequence, {sequence});
    const Tensor rows = sequence.reshaped({12, 2});
    build_for(*on_rows, {rows});
    randomise_weights(*on_sequence, rng);
    for (std::size_t k = 0; k < on_rows->params().size(); ++k)
      on_rows->params()[k].value->copy_from(*on_sequence->params()[k].value);
    const Tensor y = run_forward(*on_sequence, {sequence}, true)[0];
    REQUIRE(y.shape() == Shape{3, 4, 2});
    CHECK(max_abs_difference(y.reshaped({12, 2}), run_forward(*on_rows, {rows}, true)[0]) < 1e-6f);
  }
}

TEST_CASE("BatchNormalization gradients match central differences", "[layers]") {
  Rng rng(21);
  GradCheckOptions training;
  training.training = true;
  SECTION("training, rank 2 with odd sizes") {
    auto layer = batch_norm("bn_grad2");
    const Tensor x = random_tensor({5, 3}, rng, -1.0f, 2.0f);
    build_for(*layer, {x});
    randomise_weights(*layer, rng);
    check_gradients(*layer, {x}, training);
  }
  SECTION("training, rank 4 with odd sizes") {
    auto layer = batch_norm("bn_grad4");
    const Tensor x = random_tensor({3, 3, 5, 3}, rng);
    build_for(*layer, {x});
    randomise_weights(*layer, rng);
    check_gradients(*layer, {x}, training);
  }
  SECTION("training, rank 4 channels first (axis 1)") {
    BatchNormalizationOptions options;
    options.axis = 1;
    auto layer = batch_norm("bn_grad_axis1", options);
    const Tensor x = random_tensor({3, 3, 2, 5}, rng);
    build_for(*layer, {x});
    randomise_weights(*layer, rng);
    check_gradients(*layer, {x}, training);
  }
  SECTION("training without scale and center") {
    BatchNormalizationOptions options;
    options.scale = false;
    options.center = false;
    auto layer = batch_norm("bn_grad_bare", options);
    check_gradients(*layer, {random_tensor({7, 3}, rng)}, training);
  }
  SECTION("inference: the affine map with the moving statistics") {
    auto layer = batch_norm("bn_grad_infer");
    const Tensor x = random_tensor({3, 2, 5}, rng);
    build_for(*layer, {x});
    randomise_weights(*layer, rng);
    check_gradients(*layer, {x});
  }
}

TEST_CASE("BatchNormalization moving statistics follow the Keras update", "[layers]") {
  BatchNormalizationOptions options;
  options.momentum = 0.9f;
  options.moving_variance_initializer = Json{{"class_name", "Constant"}, {"config", {{"value", 2.0}}}};
  auto layer = batch_norm("bn_moving", options);
  const Tensor x = Tensor::from({4, 2}, kHandInput);
  build_for(*layer, {x});
  CHECK(layer->moving_variance()[0] == 2.0f);
  // Three training steps on the same batch: moving = batch + (initial - batch) * 0.9^k.
  LayerCall call;
  Rng rng(3);
  call.inputs = {&x};
  call.training = true;
  call.rng = &rng;
  for (int step = 1; step <= 3; ++step) {
    layer->forward(call);
    const double decay = std::pow(0.9, step);
    CHECK(layer->moving_mean()[0] == Approx(2.5 * (1.0 - decay)).epsilon(1e-5));
    CHECK(layer->moving_mean()[1] == Approx(3.0 * (1.0 - decay)).epsilon(1e-5));
    CHECK(layer->moving_variance()[0] == Approx(1.25 + (2.0 - 1.25) * decay).epsilon(1e-5));
    CHECK(layer->moving_variance()[1] == Approx(3.0 + (2.0 - 3.0) * decay).epsilon(1e-5));
  }
  // Inference calls leave them alone.
  const Tensor before = layer->moving_mean().clone();
  call.training = false;
  layer->forward(call);
  CHECK(max_abs_difference(before, layer->moving_mean()) == 0.0f);

  // Many steps converge to the batch statistics, so inference then matches training.
  call.training = true;
  for (int step = 0; step < 200; ++step) layer->forward(call);
  const Tensor trained = run_forward(*layer, {x}, true)[0];
  const Tensor inferred = run_forward(*layer, {x}, false)[0];
  CHECK(max_abs_difference(trained, inferred) < 1e-4f);
}

TEST_CASE("A frozen BatchNormalization runs in inference mode even in training", "[layers]") {
  Rng rng(31);
  const Tensor x = random_tensor({6, 3}, rng, 1.0f, 4.0f);
  auto layer = batch_norm("bn_frozen");
  build_for(*layer, {x});
  randomise_weights(*layer, rng);
  layer->set_trainable(false);
  CHECK(layer->trainable_param_count() == 0);
  const Tensor moving_mean = layer->moving_mean().clone();
  const Tensor in_training = run_forward(*layer, {x}, true)[0];
  CHECK(max_abs_difference(layer->moving_mean(), moving_mean) == 0.0f);
  CHECK(max_abs_difference(in_training, run_forward(*layer, {x}, false)[0]) == 0.0f);
  // Backward agrees: training-mode gradients are the inference (affine) ones.
  GradCheckOptions training;
  training.training = true;
  check_gradients(*layer, {x}, training);

  // Unfrozen, the same call normalises with the batch statistics instead.
  layer->set_trainable(true);
  CHECK(max_abs_difference(run_forward(*layer, {x}, true)[0], in_training) > 0.1f);

  SECTION("freezing a model freezes the BatchNormalization inside it") {
    set_global_seed(5);
    auto inner = LayerRegistry::create("BatchNormalization", Json{{"name", "bn_nested"}});
    auto model = Model::sequential(
        {LayerRegistry::create("Dense", Json{{"units", 3}, {"input_shape", {3}}}), inner}, "frozen_net");
    model->set_trainable(false);
    CHECK_FALSE(inner->trainable());
    auto& bn = dynamic_cast<BatchNormalization&>(*inner);
    const Tensor before = bn.moving_mean().clone();
    Rng call_rng(1);
    LayerCall call;
    call.inputs = {&x};
    call.training = true;
    call.rng = &call_rng;
    model->forward(call);
    CHECK(max_abs_difference(bn.moving_mean(), before) == 0.0f);
  }
}
