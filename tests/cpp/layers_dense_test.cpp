#include <catch2/catch.hpp>

#include <cmath>

#include "gradcheck.hpp"
#include "layers/dense.hpp"

using namespace simdnn;
using namespace simdnn::test;

namespace {

std::shared_ptr<Dense> dense(const std::string& name, int units, const std::string& activation,
                             bool use_bias = true) {
  DenseOptions options;
  options.units = units;
  options.activation = activation;
  options.use_bias = use_bias;
  return std::make_shared<Dense>(name, options);
}

// x: 2 x 3, W: 3 x 2, b: [0.5, -0.5]  ->  xW + b = [[4.5, -1.5], [0.5, -1.5]].
std::shared_ptr<Dense> hand_dense(const std::string& activation) {
  auto layer = dense("hand_" + activation, 2, activation);
  Rng rng(1);
  layer->build({{3}}, rng);
  layer->kernel().copy_from(Tensor::from({3, 2}, std::vector<float>{1, 0, 0, 1, 1, -1}));
  layer->bias().copy_from(Tensor::from({2}, std::vector<float>{0.5f, -0.5f}));
  return layer;
}

const std::vector<float> kHandInput{1, 2, 3, -1, 0, 1};

}  // namespace

TEST_CASE("Dense forward matches hand-computed values", "[layers]") {
  const Tensor x = Tensor::from({2, 3}, kHandInput);
  SECTION("linear") {
    auto layer = hand_dense("linear");
    REQUIRE(layer->kernel().shape() == Shape{3, 2});  // Keras layout [in, units]
    const Tensor y = run_forward(*layer, {x})[0];
    REQUIRE(y.shape() == Shape{2, 2});
    CHECK(y[0] == Approx(4.5f));
    CHECK(y[1] == Approx(-1.5f));
    CHECK(y[2] == Approx(0.5f));
    CHECK(y[3] == Approx(-1.5f));
  }
  SECTION("relu") {
    const Tensor y = run_forward(*hand_dense("relu"), {x})[0];
    CHECK(y[0] == Approx(4.5f));
    CHECK(y[1] == 0.0f);
    CHECK(y[2] == Approx(0.5f));
    CHECK(y[3] == 0.0f);
  }
  SECTION("softmax normalises each row") {
    const Tensor y = run_forward(*hand_dense("softmax"), {x})[0];
    const double e0 = std::exp(4.5), e1 = std::exp(-1.5);
    CHECK(y[0] == Approx(e0 / (e0 + e1)));
    CHECK(y[1] == Approx(e1 / (e0 + e1)));
    CHECK(y[2] == Approx(std::exp(0.5) / (std::exp(0.5) + e1)));
  }
  SECTION("rank-3 input applies the kernel to the last axis") {
    auto layer = hand_dense("linear");
    std::vector<float> values = kHandInput;
    values.insert(values.end(), kHandInput.rbegin(), kHandInput.rend());
    const Tensor x3 = Tensor::from({2, 2, 3}, values);
    // A layer built for [?, 3] is called on [?, 2, 3]: build a twin for that shape.
    auto twin = dense("hand_rank3", 2, "linear");
    Rng rng(1);
    twin->build({{2, 3}}, rng);
    twin->kernel().copy_from(layer->kernel());
    twin->bias().copy_from(layer->bias());
    const Tensor y = run_forward(*twin, {x3})[0];
    REQUIRE(y.shape() == Shape{2, 2, 2});
    const Tensor rows = run_forward(*layer, {Tensor::from({4, 3}, values)})[0];
    CHECK(max_abs_difference(y.reshaped({4, 2}), rows) == 0.0f);
  }
}

TEST_CASE("Dense gradients match central differences", "[layers]") {
  Rng rng(5);
  const Tensor x = random_tensor({3, 5}, rng);
  SECTION("every activation") {
    for (const char* activation : {"linear", "relu", "leaky_relu", "elu", "selu", "sigmoid",
                                   "tanh", "softmax", "softplus", "gelu", "swish", "hard_sigmoid"}) {
      auto layer = dense(std::string("grad_") + activation, 4, activation);
      build_for(*layer, {x});
      // Non-zero biases so the bias path is exercised away from the initial zeros.
      for (float& b : layer->bias().span()) b = rng.uniform(-0.5f, 0.5f);
      check_gradients(*layer, {x});
    }
  }
  SECTION("rank-3 input") {
    auto layer = dense("grad_rank3", 3, "tanh");
    check_gradients(*layer, {random_tensor({3, 2, 5}, rng)});
  }
  SECTION("without bias") {
    auto layer = dense("grad_nobias", 7, "sigmoid", false);
    REQUIRE(layer->params().size() == 1);
    check_gradients(*layer, {random_tensor({3, 5}, rng)});
  }
}

TEST_CASE("Dense skips the input gradient when not needed, still accumulating params", "[layers]") {
  Rng rng(3);
  auto layer = dense("no_dx", 3, "relu");
  const Tensor x = random_tensor({3, 4}, rng);
  build_for(*layer, {x});
  LayerCall call;
  call.inputs = {&x};
  layer->forward(call);
  const Tensor dy = random_tensor(call.outputs[0].shape(), rng);
  call.grad_outputs = {&dy};
  layer->backward(call);
  const Tensor once = layer->params()[0].grad->clone();
  call.need_input_grads = false;
  layer->backward(call);
  const Tensor& twice = *layer->params()[0].grad;
  for (std::size_t i = 0; i < once.size(); ++i) CHECK(twice[i] == Approx(2.0f * once[i]));
}

TEST_CASE("Dense config round trip gives the same layer", "[layers]") {
  DenseOptions options;
  options.units = 3;
  options.activation = "tanh";
  options.kernel_initializer = "he_normal";
  options.bias_initializer = Json{{"class_name", "Constant"}, {"config", {{"value", 0.25}}}};
  Dense layer("dense_rt", options);
  layer.set_declared_input_shape({4});
  Rng rng(9);
  const Tensor x = random_tensor({3, 4}, rng);
  build_for(layer, {x});
  const Json config = layer.config();
  CHECK(config["units"] == 3);
  CHECK(config["activation"] == "tanh");
  CHECK(config["kernel_initializer"]["class_name"] == "HeNormal");
  CHECK(config["bias_initializer"]["config"]["value"] == 0.25);
  CHECK(config["batch_input_shape"] == Json::array({nullptr, 4}));
  auto copy = round_trip(layer);
  CHECK(max_abs_difference(run_forward(layer, {x})[0], run_forward(*copy, {x})[0]) == 0.0f);

  // A Keras 2 config with the usual null fields loads.
  const Json keras = Json::parse(R"({"name": "dense_k", "trainable": false, "dtype": "float32",
    "units": 10, "activation": "softmax", "use_bias": true,
    "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
    "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null,
    "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null,
    "bias_constraint": null, "batch_input_shape": [null, 784]})");
  auto loaded = LayerRegistry::create("Dense", keras);
  CHECK(loaded->name() == "dense_k");
  CHECK_FALSE(loaded->trainable());
  REQUIRE(loaded->declared_input_shape());
  CHECK(*loaded->declared_input_shape() == Shape{784});
  CHECK(loaded->config()["units"] == 10);
}

TEST_CASE("Dense errors name the layer, the expectation and the value", "[layers]") {
  auto layer = dense("dense_err", 2, "relu");
  Rng rng(1);
  layer->build({{4}}, rng);
  LayerCall call;
  const Tensor wrong({3, 5});
  call.inputs = {&wrong};
  REQUIRE_THROWS_WITH(layer->forward(call), Catch::Contains("Dense 'dense_err'") &&
                                                Catch::Contains("[?, 4]") &&
                                                Catch::Contains("[3, 5]"));

  const Json base{{"name", "d_cfg"}, {"units", 3}};
  Json typo = base;
  typo["unit"] = 4;
  REQUIRE_THROWS_WITH(Dense::from_config(typo),
                      Catch::Contains("Dense 'd_cfg'") && Catch::Contains("unknown option 'unit'"));
  for (const Json& bad : {Json(0), Json(-1), Json(2.5), Json("ten")}) {
    Json c = base;
    c["units"] = bad;
    REQUIRE_THROWS_WITH(Dense::from_config(c), Catch::Contains("'units'") &&
                                                   Catch::Contains("positive integer") &&
                                                   Catch::Contains(bad.dump()));
  }
  Json no_units{{"name", "d_cfg"}};
  REQUIRE_THROWS_WITH(Dense::from_config(no_units), Catch::Contains("missing required option 'units'"));
  Json activation = base;
  activation["activation"] = "relux";
  REQUIRE_THROWS_WITH(Dense::from_config(activation),
                      Catch::Contains("Dense 'd_cfg'") && Catch::Contains("'relux'") &&
                          Catch::Contains("known activations") && Catch::Contains("sigmoid"));
  Json initializer = base;
  initializer["kernel_initializer"] = "glorot_unifrom";
  REQUIRE_THROWS_WITH(Dense::from_config(initializer),
                      Catch::Contains("kernel_initializer") && Catch::Contains("glorot_unifrom") &&
                          Catch::Contains("glorot_uniform"));
  Json regularized = base;
  regularized["kernel_regularizer"] = {{"class_name", "L2"}, {"config", {{"l2", 0.01}}}};
  REQUIRE_THROWS_WITH(Dense::from_config(regularized),
                      Catch::Contains("kernel_regularizer") && Catch::Contains("not supported"));
  DenseOptions zero_units;
  REQUIRE_THROWS_WITH(Dense("d_zero", zero_units), Catch::Contains("units") && Catch::Contains("0"));
}
