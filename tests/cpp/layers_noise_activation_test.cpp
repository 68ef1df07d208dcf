#include <catch2/catch.hpp>

#include <cmath>

#include "gradcheck.hpp"
#include "layers/activation_layer.hpp"
#include "layers/dropout.hpp"
#include "layers/gaussian_noise.hpp"

using namespace simdnn;
using namespace simdnn::test;

TEST_CASE("Activation forward matches hand-computed values", "[layers]") {
  const Tensor x = Tensor::from({2, 3}, std::vector<float>{-1, 0, 2, 1, 1, 1});
  ActivationLayer relu("act_relu", "relu");
  const Tensor r = run_forward(relu, {x})[0];
  const std::vector<float> expected{0, 0, 2, 1, 1, 1};
  for (int i = 0; i < 6; ++i) CHECK(r[i] == expected[i]);
  ActivationLayer softmax("act_softmax", "softmax");  // over the last axis, per row
  const Tensor s = run_forward(softmax, {x})[0];
  const double total = std::exp(-1.0) + 1 + std::exp(2.0);
  CHECK(s[0] == Approx(std::exp(-1.0) / total));
  CHECK(s[2] == Approx(std::exp(2.0) / total));
  CHECK(s[3] == Approx(1.0 / 3));
  ActivationLayer sigmoid("act_sigmoid", "sigmoid");
  CHECK(run_forward(sigmoid, {x})[0][2] == Approx(1.0 / (1.0 + std::exp(-2.0))));
}

TEST_CASE("Activation gradients match central differences", "[layers]") {
  Rng rng(21);
  const Tensor x = random_tensor({3, 2, 5}, rng, -2.0f, 2.0f);
  for (const char* name : {"linear", "relu", "leaky_relu", "elu", "selu", "sigmoid", "tanh",
                           "softmax", "softplus", "gelu", "swish", "hard_sigmoid"}) {
    ActivationLayer layer(std::string("act_grad_") + name, name);
    check_gradients(layer, {x});
  }
}

TEST_CASE("Activation config round trip and errors", "[layers]") {
  ActivationLayer layer("act_rt", "leakyRelu");  // TF.js spelling, written back as Keras'
  Rng rng(2);
  const Tensor x = random_tensor({3, 4}, rng);
  build_for(layer, {x});
  CHECK(layer.config()["activation"] == "leaky_relu");
  auto copy = round_trip(layer);
  CHECK(max_abs_difference(run_forward(layer, {x})[0], run_forward(*copy, {x})[0]) == 0.0f);
  REQUIRE_THROWS_WITH(ActivationLayer::from_config({{"name", "a1"}, {"activation", "relux"}}),
                      Catch::Contains("Activation 'a1'") && Catch::Contains("'relux'") &&
                          Catch::Contains("known activations"));
  REQUIRE_THROWS_WITH(ActivationLayer::from_config({{"name", "a2"}}),
                      Catch::Contains("missing required option 'activation'"));
  REQUIRE_THROWS_WITH(
      ActivationLayer::from_config({{"name", "a3"}, {"activation", "relu"}, {"alpha", 0.1}}),
      Catch::Contains("unknown option 'alpha'"));
}

TEST_CASE("Dropout keeps the expected value and is the identity in inference", "[layers]") {
  Dropout layer("drop", 0.3f);
  const Tensor ones({200, 500}, 1.0f);
  const Tensor inference = run_forward(layer, {ones}, false)[0];
  CHECK(max_abs_difference(inference, ones) == 0.0f);
  const Tensor trained = run_forward(layer, {ones}, true, 17)[0];
  std::size_t dropped = 0, badly_scaled = 0;
  double total = 0;
  for (float v : trained.span()) {
    if (v == 0.0f) ++dropped;
    else if (std::fabs(v - 1.0f / 0.7f) > 1e-6f) ++badly_scaled;  // kept values are scaled up
    total += v;
  }
  CHECK(badly_scaled == 0);
  CHECK(double(dropped) / ones.size() == Approx(0.3).margin(0.005));
  CHECK(total / ones.size() == Approx(1.0).margin(0.01));
  // Same rng seed, same mask; another seed, another mask.
  CHECK(max_abs_difference(run_forward(layer, {ones}, true, 17)[0], trained) == 0.0f);
  CHECK(max_abs_difference(run_forward(layer, {ones}, true, 18)[0], trained) > 0.0f);
  Dropout none("drop_zero", 0.0f);
  CHECK(max_abs_difference(run_forward(none, {ones}, true)[0], ones) == 0.0f);
}

TEST_CASE("Dropout gradients match central differences", "[layers]") {
  Rng rng(8);
  const Tensor x = random_tensor({3, 7}, rng);
  Dropout layer("drop_grad", 0.4f);
  GradCheckOptions training;
  training.training = true;
  check_gradients(layer, {x}, training);
  check_gradients(layer, {x});
}

TEST_CASE("Dropout config round trip and errors", "[layers]") {
  Dropout layer("drop_rt", 0.25f, 1234);
  const Json config = layer.config();
  CHECK(config["rate"] == 0.25);
  CHECK(config["seed"] == 1234);
  CHECK(config["noise_shape"].is_null());
  auto copy = round_trip(layer);
  Rng rng(3);
  const Tensor x = random_tensor({3, 9}, rng);
  CHECK(max_abs_difference(run_forward(layer, {x}, true)[0], run_forward(*copy, {x}, true)[0]) == 0.0f);
  for (const Json& rate : {Json(1.0), Json(-0.1), Json("half")})
    REQUIRE_THROWS_WITH(Dropout::from_config({{"name", "d1"}, {"rate", rate}}),
                        Catch::Contains("Dropout 'd1'") && Catch::Contains("rate"));
  REQUIRE_THROWS_WITH(Dropout::from_config({{"name", "d2"}}), Catch::Contains("missing required option 'rate'"));
  REQUIRE_THROWS_WITH(Dropout::from_config({{"name", "d3"}, {"rate", 0.5}, {"noise_shape", {1, 4}}}),
                      Catch::Contains("noise_shape") && Catch::Contains("not supported"));
  LayerCall call;
  call.inputs = {&x};
  call.training = true;  // but no rng
  REQUIRE_THROWS_WITH(layer.forward(call), Catch::Contains("Dropout 'drop_rt'") && Catch::Contains("rng"));
}

TEST_CASE("GaussianNoise adds noise of the configured stddev only in training", "[layers]") {
  GaussianNoise layer("noise", 0.5f);
  const Tensor zeros({300, 300});
  CHECK(max_abs_difference(run_forward(layer, {zeros}, false)[0], zeros) == 0.0f);
  const Tensor noisy = run_forward(layer, {zeros}, true)[0];
  double sum = 0, squares = 0;
  for (float v : noisy.span()) {
    sum += v;
    squares += double(v) * v;
  }
  CHECK(sum / noisy.size() == Approx(0.0).margin(0.005));
  CHECK(squares / noisy.size() == Approx(0.25).epsilon(0.02));
}

TEST_CASE("GaussianNoise gradients and config round trip", "[layers]") {
  Rng rng(12);
  const Tensor x = random_tensor({3, 5}, rng);
  GaussianNoise layer("noise_grad", 0.3f);
  GradCheckOptions training;
  training.training = true;
  check_gradients(layer, {x}, training);
  check_gradients(layer, {x});
  auto copy = round_trip(layer);
  CHECK(copy->config()["stddev"] == 0.3);
  CHECK(max_abs_difference(run_forward(layer, {x}, true)[0], run_forward(*copy, {x}, true)[0]) == 0.0f);
  REQUIRE_THROWS_WITH(GaussianNoise::from_config({{"name", "n1"}, {"stddev", -1.0}}),
                      Catch::Contains("GaussianNoise 'n1'") && Catch::Contains("stddev"));
  REQUIRE_THROWS_WITH(GaussianNoise::from_config({{"name", "n2"}}),
                      Catch::Contains("missing required option 'stddev'"));
}
