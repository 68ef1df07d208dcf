#include <catch2/catch.hpp>

#include <cmath>

#include "gradcheck.hpp"
#include "layers/convolution.hpp"

using namespace simdnn;
using namespace simdnn::test;

namespace {

ConvOptions conv_options(int filters, std::vector<int> kernel_size, const std::string& padding = "valid",
                         std::vector<int> strides = {1}, std::vector<int> dilation = {1},
                         const std::string& activation = "linear", bool use_bias = true) {
  ConvOptions o;
  o.filters = filters;
  o.kernel_size = std::move(kernel_size);
  o.padding = padding;
  o.strides = std::move(strides);
  o.dilation_rate = std::move(dilation);
  o.activation = activation;
  o.use_bias = use_bias;
  return o;
}

Tensor iota(const Shape& shape) {
  Tensor t(shape);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = float(i + 1);
  return t;
}

// A built single-channel Conv2D with the given kernel values ([kh, kw, 1, 1]) and bias.
std::shared_ptr<Conv2D> hand_conv2d(const std::string& name, const ConvOptions& options,
                                    const Shape& input, std::vector<float> kernel, float bias) {
  auto layer = std::make_shared<Conv2D>(name, options);
  Rng rng(1);
  layer->build({input}, rng);
  layer->kernel().copy_from(Tensor::from(layer->kernel().shape(), kernel));
  layer->bias().fill(bias);
  return layer;
}

std::vector<float> values(const Tensor& t) { return {t.data(), t.data() + t.size()}; }

}  // namespace

TEST_CASE("Conv2D forward matches hand-computed values", "[layers]") {
  const Tensor x = iota({1, 3, 3, 1});  // 1..9
  SECTION("valid, 2x2 kernel") {
    auto layer = hand_conv2d("c_valid", conv_options(1, {2, 2}), {3, 3, 1}, {1, 2, 3, 4}, 0.5f);
    REQUIRE(layer->kernel().shape() == Shape{2, 2, 1, 1});  // Keras [kh, kw, cin, filters]
    const Tensor y = run_forward(*layer, {x})[0];
    REQUIRE(y.shape() == Shape{1, 2, 2, 1});
    CHECK(values(y) == std::vector<float>{37.5f, 47.5f, 67.5f, 77.5f});
  }
  SECTION("same with an even kernel pads after (TF)") {
    auto layer = hand_conv2d("c_same_even", conv_options(1, {2, 2}, "same"), {3, 3, 1},
                             {1, 2, 3, 4}, 0.0f);
    const Tensor y = run_forward(*layer, {x})[0];
    REQUIRE(y.shape() == Shape{1, 3, 3, 1});
    CHECK(values(y) == std::vector<float>{37, 47, 21, 67, 77, 33, 23, 26, 9});
  }
  SECTION("same with stride 2 on an even input pads one cell after") {
    auto layer = hand_conv2d("c_same_s2", conv_options(1, {3}, "same", {2}), {4, 4, 1},
                             std::vector<float>(9, 1.0f), 0.0f);
    const Tensor y = run_forward(*layer, {iota({1, 4, 4, 1})})[0];
    REQUIRE(y.shape() == Shape{1, 2, 2, 1});
    CHECK(values(y) == std::vector<float>{54, 45, 72, 54});
  }
  SECTION("dilation 2") {
    auto layer = hand_conv2d("c_dilated", conv_options(1, {2}, "valid", {1}, {2}), {5, 5, 1},
                             {1, 1, 1, 1}, 0.0f);
    const Tensor y = run_forward(*layer, {iota({1, 5, 5, 1})})[0];
    REQUIRE(y.shape() == Shape{1, 3, 3, 1});
    CHECK(y[0] == 28.0f);  // 1 + 3 + 11 + 13
    CHECK(y[8] == 76.0f);  // 13 + 15 + 23 + 25
  }
  SECTION("relu applies after the bias") {
    auto layer = hand_conv2d("c_relu", conv_options(1, {2}, "valid", {1}, {1}, "relu"), {3, 3, 1},
                             {1, 0, 0, -1}, 2.0f);
    // x[i, j] - x[i + 1, j + 1] + 2 = -4 + 2 < 0 everywhere.
    CHECK(values(run_forward(*layer, {x})[0]) == std::vector<float>(4, 0.0f));
  }
}

TEST_CASE("Conv2D with channels and filters equals a direct convolution", "[layers]") {
  // Kernel layout [kh, kw, cin, filters], bias per filter, odd sizes and stride 2 'same'.
  Rng rng(11);
  auto layer = std::make_shared<Conv2D>("c_direct", conv_options(4, {3, 2}, "same", {2, 1}, {1}, "tanh"));
  const Tensor x = random_tensor({2, 5, 4, 3}, rng);
  build_for(*layer, {x});
  for (float& b : layer->bias().span()) b = rng.uniform(-0.5f, 0.5f);
  const Tensor y = run_forward(*layer, {x})[0];
  REQUIRE(y.shape() == Shape{2, 3, 4, 4});
  const Tensor& w = layer->kernel();
  const int pad_top = 1, pad_left = 0;  // rows: total (3-1)*2+3-5 = 2; cols: total 1 -> 0 before
  for (int b = 0; b < 2; ++b)
    for (int oy = 0; oy < 3; ++oy)
      for (int ox = 0; ox < 4; ++ox)
        for (int f = 0; f < 4; ++f) {
          double z = layer->bias()[f];
          for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 2; ++j)
              for (int c = 0; c < 3; ++c) {
                const int iy = oy * 2 - pad_top + i, ix = ox - pad_left + j;
                if (iy < 0 || iy >= 5 || ix < 0 || ix >= 4) continue;
                z += double(x[((b * 5 + iy) * 4 + ix) * 3 + c]) * w[((i * 2 + j) * 3 + c) * 4 + f];
              }
          CHECK(y[((b * 3 + oy) * 4 + ox) * 4 + f] == Approx(std::tanh(z)).margin(1e-5));
        }
}

TEST_CASE("Conv1D forward matches hand-computed values", "[layers]") {
  const Tensor x = iota({1, 5, 1});  // 1..5
  const auto conv1d = [&](const std::string& name, const ConvOptions& options) {
    auto layer = std::make_shared<Conv1D>(name, options);
    Rng rng(1);
    layer->build({{5, 1}}, rng);
    REQUIRE(layer->kernel().shape() == Shape{2, 1, 1});  // Keras [k, cin, filters]
    layer->kernel().copy_from(Tensor::from({2, 1, 1}, std::vector<float>{2, 1}));
    return values(run_forward(*layer, {x})[0]);
  };
  CHECK(conv1d("c1_valid", conv_options(1, {2})) == std::vector<float>{4, 7, 10, 13});
  CHECK(conv1d("c1_same", conv_options(1, {2}, "same")) == std::vector<float>{4, 7, 10, 13, 10});
  CHECK(conv1d("c1_causal", conv_options(1, {2}, "causal")) == std::vector<float>{1, 4, 7, 10, 13});
  CHECK(conv1d("c1_causal_d2", conv_options(1, {2}, "causal", {1}, {2})) ==
        std::vector<float>{1, 2, 5, 8, 11});
  CHECK(conv1d("c1_stride", conv_options(1, {2}, "valid", {2})) == std::vector<float>{4, 10});
  CHECK(conv1d("c1_causal_s2", conv_options(1, {2}, "causal", {2})) == std::vector<float>{1, 7, 13});
}

TEST_CASE("Conv2D gradients match central differences", "[layers]") {
  Rng rng(5);
  struct Case {
    const char* name;
    ConvOptions options;
    Shape input;
  };
  const Case cases[] = {
      {"g_valid", conv_options(3, {3}, "valid"), {2, 5, 4, 2}},
      {"g_same_even", conv_options(2, {2, 2}, "same", {1}, {1}, "tanh"), {2, 4, 5, 3}},
      {"g_same_s2", conv_options(3, {3, 2}, "same", {2}, {1}, "sigmoid"), {1, 5, 6, 2}},
      {"g_dilated", conv_options(2, {2, 3}, "same", {1}, {2, 1}, "softmax"), {2, 5, 5, 2}},
      {"g_dilated_s2", conv_options(2, {3}, "valid", {2}, {2}), {1, 7, 8, 1}},
      {"g_pointwise", conv_options(4, {1}, "valid", {1}, {1}, "elu"), {2, 3, 3, 3}},
      {"g_pointwise_s2", conv_options(2, {1}, "same", {2}), {1, 5, 4, 3}},
      {"g_nobias", conv_options(2, {2}, "valid", {1, 2}, {1}, "linear", false), {2, 4, 5, 2}},
  };
  for (const Case& c : cases) {
    auto layer = std::make_shared<Conv2D>(c.name, c.options);
    const Tensor x = random_tensor(c.input, rng);
    build_for(*layer, {x});
    if (c.options.use_bias)
      for (float& b : layer->bias().span()) b = rng.uniform(-0.5f, 0.5f);
    else
      REQUIRE(layer->params().size() == 1);
    check_gradients(*layer, {x});
  }
}

TEST_CASE("Conv1D gradients match central differences", "[layers]") {
  Rng rng(6);
  for (const auto& [name, options] :
       {std::pair{"g1_causal", conv_options(3, {3}, "causal", {1}, {2}, "tanh")},
        std::pair{"g1_same", conv_options(2, {4}, "same", {2})},
        std::pair{"g1_valid", conv_options(2, {2}, "valid", {1}, {3}, "sigmoid")}}) {
    auto layer = std::make_shared<Conv1D>(name, options);
    const Tensor x = random_tensor({2, 9, 3}, rng);
    build_for(*layer, {x});
    for (float& b : layer->bias().span()) b = rng.uniform(-0.5f, 0.5f);
    check_gradients(*layer, {x});
  }
}

TEST_CASE("Conv2D skips the input gradient when not needed, still accumulating params", "[layers]") {
  Rng rng(3);
  for (const auto& kernel : {std::vector<int>{3}, std::vector<int>{1}}) {  // im2col and pointwise
    auto layer = std::make_shared<Conv2D>("c_no_dx", conv_options(2, kernel, "same", {1}, {1}, "tanh"));
    const Tensor x = random_tensor({2, 4, 4, 3}, rng);
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
    REQUIRE(call.grad_inputs.size() == 1);
    const Tensor& twice = *layer->params()[0].grad;
    for (std::size_t i = 0; i < once.size(); ++i) CHECK(twice[i] == Approx(2.0f * once[i]));
  }
}

TEST_CASE("Conv2D reuses its buffers across batches of the same size", "[layers]") {
  Rng rng(8);
  auto layer = std::make_shared<Conv2D>("c_reuse", conv_options(3, {3}, "same", {1}, {1}, "relu"));
  const Tensor x = random_tensor({4, 6, 6, 2}, rng);
  build_for(*layer, {x});
  LayerCall call;
  call.inputs = {&x};
  layer->forward(call);
  const Tensor dy = random_tensor(call.outputs[0].shape(), rng);
  call.grad_outputs = {&dy};
  layer->backward(call);
  std::vector<const float*> buffers;
  for (const Tensor& t : call.saved) buffers.push_back(t.data());
  buffers.push_back(call.outputs[0].data());
  buffers.push_back(call.grad_inputs[0].data());
  const Tensor smaller = random_tensor({2, 6, 6, 2}, rng);  // a last, smaller batch fits too
  for (const Tensor* input : {&x, &smaller, &x}) {
    call.inputs = {input};
    layer->forward(call);
    const Tensor grad = random_tensor(call.outputs[0].shape(), rng);
    call.grad_outputs = {&grad};
    layer->backward(call);
    std::vector<const float*> now;
    for (const Tensor& t : call.saved) now.push_back(t.data());
    now.push_back(call.outputs[0].data());
    now.push_back(call.grad_inputs[0].data());
    CHECK(now == buffers);
  }
}

TEST_CASE("Conv2D and Conv1D config round trips give the same layer", "[layers]") {
  Rng rng(9);
  ConvOptions options = conv_options(3, {3, 2}, "same", {2, 1}, {1, 2}, "relu");
  options.kernel_initializer = "he_uniform";
  options.bias_initializer = Json{{"class_name", "Constant"}, {"config", {{"value", 0.1}}}};
  Conv2D layer("conv_rt", options);
  layer.set_declared_input_shape({6, 5, 2});
  const Tensor x = random_tensor({2, 6, 5, 2}, rng);
  build_for(layer, {x});
  const Json config = layer.config();
  CHECK(config["filters"] == 3);
  CHECK(config["kernel_size"] == Json::array({3, 2}));
  CHECK(config["strides"] == Json::array({2, 1}));
  CHECK(config["dilation_rate"] == Json::array({1, 2}));
  CHECK(config["padding"] == "same");
  CHECK(config["data_format"] == "channels_last");
  CHECK(config["activation"] == "relu");
  CHECK(config["kernel_initializer"]["class_name"] == "HeUniform");
  CHECK(config["batch_input_shape"] == Json::array({nullptr, 6, 5, 2}));
  auto copy = round_trip(layer);
  CHECK(max_abs_difference(run_forward(layer, {x})[0], run_forward(*copy, {x})[0]) == 0.0f);

  Conv1D layer1("conv1_rt", conv_options(2, {3}, "causal", {1}, {2}, "tanh"));
  const Tensor x1 = random_tensor({2, 7, 3}, rng);
  build_for(layer1, {x1});
  CHECK(layer1.config()["kernel_size"] == Json::array({3}));
  CHECK(layer1.config()["padding"] == "causal");
  auto copy1 = round_trip(layer1);
  CHECK(max_abs_difference(run_forward(layer1, {x1})[0], run_forward(*copy1, {x1})[0]) == 0.0f);

  // Keras 2 configs as model.to_json() writes them load, with ints for the tuples (Keras 3 /
  // TF.js style) accepted too.
  const Json keras = Json::parse(R"({"name": "conv2d", "trainable": true, "dtype": "float32",
    "batch_input_shape": [null, 28, 28, 1], "filters": 32, "kernel_size": [3, 3],
    "strides": [1, 1], "padding": "valid", "data_format": "channels_last",
    "dilation_rate": [1, 1], "groups": 1, "activation": "relu", "use_bias": true,
    "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
    "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null,
    "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null,
    "bias_constraint": null})");
  auto loaded = LayerRegistry::create("Conv2D", keras);
  CHECK(loaded->name() == "conv2d");
  REQUIRE(loaded->declared_input_shape());
  CHECK(*loaded->declared_input_shape() == Shape{28, 28, 1});
  Rng build_rng(2);
  CHECK(loaded->build({{28, 28, 1}}, build_rng)[0] == Shape{26, 26, 32});
  auto ints = LayerRegistry::create(
      "Conv1D", {{"filters", 4}, {"kernel_size", 5}, {"strides", 2}, {"dilation_rate", 1}});
  CHECK(ints->config()["kernel_size"] == Json::array({5}));
  CHECK(ints->build({{20, 3}}, build_rng)[0] == Shape{8, 4});
}

TEST_CASE("Conv layers' errors name the layer, the expectation and the value", "[layers]") {
  auto layer = std::make_shared<Conv2D>("conv_err", conv_options(2, {3}));
  Rng rng(1);
  REQUIRE_THROWS_WITH(layer->build({{5, 5}}, rng),
                      Catch::Contains("Conv2D 'conv_err'") && Catch::Contains("rank 4") &&
                          Catch::Contains("[?, 5, 5]"));
  REQUIRE_THROWS_WITH(layer->build({{2, 5, 1}}, rng),
                      Catch::Contains("Conv2D 'conv_err'") && Catch::Contains("[?, 2, 5, 1]") &&
                          Catch::Contains("[3, 3]") && Catch::Contains("empty"));
  layer->build({{5, 5, 1}}, rng);
  LayerCall call;
  const Tensor wrong({2, 5, 5, 3});
  call.inputs = {&wrong};
  REQUIRE_THROWS_WITH(layer->forward(call), Catch::Contains("Conv2D 'conv_err'") &&
                                                Catch::Contains("[?, 5, 5, 1]") &&
                                                Catch::Contains("[2, 5, 5, 3]"));
  auto dilated = std::make_shared<Conv1D>("conv1_err", conv_options(1, {3}, "valid", {1}, {3}));
  REQUIRE_THROWS_WITH(dilated->build({{6, 2}}, rng),
                      Catch::Contains("Conv1D 'conv1_err'") && Catch::Contains("dilation [3]"));

  const Json base{{"name", "c_cfg"}, {"filters", 2}, {"kernel_size", 3}};
  const auto with = [&](const char* key, const Json& value) {
    Json c = base;
    c[key] = value;
    return c;
  };
  REQUIRE_THROWS_WITH(Conv2D::from_config(with("kernel_sise", 3)),
                      Catch::Contains("Conv2D 'c_cfg'") && Catch::Contains("unknown option 'kernel_sise'"));
  REQUIRE_THROWS_WITH(Conv2D::from_config(with("padding", "causal")),
                      Catch::Contains("Conv2D 'c_cfg'") && Catch::Contains("'valid', 'same'") &&
                          Catch::Contains("'causal'"));
  REQUIRE_THROWS_WITH(Conv1D::from_config(with("padding", "full")),
                      Catch::Contains("Conv1D 'c_cfg'") && Catch::Contains("'causal', got 'full'"));
  REQUIRE_THROWS_WITH(Conv2D::from_config(with("kernel_size", Json::array({3, 0}))),
                      Catch::Contains("'kernel_size'") && Catch::Contains("positive") &&
                          Catch::Contains("[3, 0]"));
  REQUIRE_THROWS_WITH(Conv2D::from_config(with("kernel_size", Json::array({3, 3, 3}))),
                      Catch::Contains("'kernel_size'") && Catch::Contains("2 integers") &&
                          Catch::Contains("[3,3,3]"));
  REQUIRE_THROWS_WITH(Conv2D::from_config(with("strides", -1)),
                      Catch::Contains("'strides'") && Catch::Contains("[-1, -1]"));
  REQUIRE_THROWS_WITH(Conv2D::from_config(with("groups", 2)),
                      Catch::Contains("'groups'") && Catch::Contains("got 2"));
  REQUIRE_THROWS_WITH(Conv2D::from_config(with("data_format", "channels_first")),
                      Catch::Contains("'data_format'") && Catch::Contains("channels_first"));
  REQUIRE_THROWS_WITH(Conv2D::from_config(with("activation", "rleu")),
                      Catch::Contains("Conv2D 'c_cfg'") && Catch::Contains("'rleu'"));
  REQUIRE_THROWS_WITH(Conv2D::from_config(with("kernel_regularizer", "l2")),
                      Catch::Contains("kernel_regularizer") && Catch::Contains("not supported"));
  Json no_kernel{{"name", "c_cfg"}, {"filters", 2}};
  REQUIRE_THROWS_WITH(Conv2D::from_config(no_kernel),
                      Catch::Contains("missing required option 'kernel_size'"));
  Json no_filters{{"name", "c_cfg"}, {"kernel_size", 2}};
  REQUIRE_THROWS_WITH(Conv2D::from_config(no_filters),
                      Catch::Contains("missing required option 'filters'"));
  REQUIRE_THROWS_WITH(Conv2D("c_zero", conv_options(0, {3})),
                      Catch::Contains("Conv2D 'c_zero'") && Catch::Contains("filters") &&
                          Catch::Contains("0"));
  REQUIRE_THROWS_WITH(Conv1D("c1_list", conv_options(1, {3, 3})),
                      Catch::Contains("Conv1D 'c1_list'") && Catch::Contains("must hold 1 integer") &&
                          Catch::Contains("[3, 3]"));
}
