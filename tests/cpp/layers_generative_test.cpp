// UpSampling2D, Conv2DTranspose and Sampling: forward values, gradient checks, round trips, errors.
#include <catch2/catch.hpp>

#include <cmath>

#include "gradcheck.hpp"
#include "layers/conv2d_transpose.hpp"
#include "layers/sampling.hpp"
#include "layers/up_sampling2d.hpp"

using namespace simdnn;
using namespace simdnn::test;

namespace {
std::shared_ptr<Layer> make(const char* class_name, Json config) {
  return LayerRegistry::create(class_name, config);
}

// Transposed convolution written as the scatter it is: every input cell adds kernel * value
// into the output window it maps to (TF's padding: the extra cell of an odd total goes after).
Tensor naive_conv_transpose(const Tensor& x, const Tensor& kernel, int stride, bool same) {
  const int batch = x.dim(0), in_h = x.dim(1), in_w = x.dim(2), cin = x.dim(3);
  const int kh = kernel.dim(0), kw = kernel.dim(1), filters = kernel.dim(2);
  const int out_h = same ? in_h * stride : in_h * stride + std::max(kh - stride, 0);
  const int out_w = same ? in_w * stride : in_w * stride + std::max(kw - stride, 0);
  const int pad_top = same ? std::max((in_h - 1) * stride + kh - out_h, 0) / 2 : 0;
  const int pad_left = same ? std::max((in_w - 1) * stride + kw - out_w, 0) / 2 : 0;
  Tensor y({batch, out_h, out_w, filters}, 0.0f);
  for (int b = 0; b < batch; ++b)
    for (int i = 0; i < in_h; ++i)
      for (int j = 0; j < in_w; ++j)
        for (int ki = 0; ki < kh; ++ki)
          for (int kj = 0; kj < kw; ++kj) {
            const int oy = i * stride + ki - pad_top, ox = j * stride + kj - pad_left;
            if (oy < 0 || oy >= out_h || ox < 0 || ox >= out_w) continue;
            for (int f = 0; f < filters; ++f)
              for (int c = 0; c < cin; ++c)
                y[((b * out_h + oy) * out_w + ox) * filters + f] +=
                    kernel[((ki * kw + kj) * filters + f) * cin + c] * x[((b * in_h + i) * in_w + j) * cin + c];
          }
  return y;
}
}  // namespace

TEST_CASE("UpSampling2D nearest repeats rows and columns", "[layers][generative]") {
  auto layer = make("UpSampling2D", {{"name", "up_nearest"}, {"size", {2, 3}}});
  const Tensor x = Tensor::from({1, 2, 2, 1}, std::vector<float>{1, 2, 3, 4});
  const Tensor y = run_forward(*layer, {x})[0];
  REQUIRE(y.shape() == Shape{1, 4, 6, 1});
  const std::vector<float> expected{1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4};
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(y[i] == expected[i]);
  CHECK(make("UpSampling2D", {{"name", "up_default"}})->config()["size"] == Json({2, 2}));
}

TEST_CASE("UpSampling2D bilinear matches TF2 tf.image.resize (half-pixel centres)", "[layers][generative]") {
  auto layer = make("UpSampling2D", {{"name", "up_bilinear"}, {"interpolation", "bilinear"}});
  const Tensor x = Tensor::from({1, 2, 2, 1}, std::vector<float>{1, 2, 3, 4});
  const Tensor y = run_forward(*layer, {x})[0];
  const std::vector<float> expected{1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4};
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(y[i] == Approx(expected[i]));
  // An odd factor: sources at (o + 0.5) / 3 - 0.5 = -1/3, 0, 1/3, 2/3, 1, 4/3, clamped at the edges.
  auto odd = make("UpSampling2D", {{"name", "up_bilinear_3"}, {"size", {1, 3}}, {"interpolation", "bilinear"}});
  const Tensor x2 = Tensor::from({1, 1, 2, 1}, std::vector<float>{0, 3});
  const Tensor y2 = run_forward(*odd, {x2})[0];
  const std::vector<float> expected2{0, 0, 1, 2, 3, 3};
  for (std::size_t i = 0; i < expected2.size(); ++i) CHECK(y2[i] == Approx(expected2[i]).margin(1e-6));
}

TEST_CASE("UpSampling2D gradients, round trip and errors", "[layers][generative]") {
  Rng rng(5);
  const Tensor x = random_tensor({2, 3, 5, 3}, rng);
  for (const char* interpolation : {"nearest", "bilinear"}) {
    auto layer = make("UpSampling2D", {{"size", {3, 2}}, {"interpolation", interpolation}});
    check_gradients(*layer, {x});
    auto copy = round_trip(*layer);
    build_for(*copy, {x});
    CHECK(max_abs_difference(run_forward(*layer, {x})[0], run_forward(*copy, {x})[0]) == 0.0f);
  }
  REQUIRE_THROWS_WITH(make("UpSampling2D", {{"name", "u1"}, {"interpolation", "bicubic"}}),
                      Catch::Contains("UpSampling2D 'u1'") && Catch::Contains("interpolation"));
  REQUIRE_THROWS_WITH(make("UpSampling2D", {{"name", "u2"}, {"size", 0}}), Catch::Contains("size"));
  auto flat = make("UpSampling2D", {{"name", "u3"}});
  Rng build_rng(1);
  REQUIRE_THROWS_WITH(flat->build({{4, 3}}, build_rng), Catch::Contains("UpSampling2D 'u3'") && Catch::Contains("rank 4"));
}

TEST_CASE("Conv2DTranspose hand values: ones through a 3x3 kernel, stride 2", "[layers][generative]") {
  const Tensor x({1, 2, 2, 1}, 1.0f);
  auto valid = std::static_pointer_cast<Conv2DTranspose>(make("Conv2DTranspose",
      {{"filters", 1}, {"kernel_size", 3}, {"strides", 2}, {"use_bias", false}, {"kernel_initializer", "ones"}}));
  const Tensor yv = run_forward(*valid, {x})[0];
  REQUIRE(yv.shape() == Shape{1, 5, 5, 1});
  const std::vector<float> full{1, 1, 2, 1, 1, 1, 1, 2, 1, 1, 2, 2, 4, 2, 2, 1, 1, 2, 1, 1, 1, 1, 2, 1, 1};
  for (std::size_t i = 0; i < full.size(); ++i) CHECK(yv[i] == full[i]);
  // 'same': out = in * stride = 4; TF puts the odd padding cell after, so the top-left 4x4 stays.
  auto same = make("Conv2DTranspose", {{"filters", 1}, {"kernel_size", 3}, {"strides", 2}, {"padding", "same"},
                                       {"use_bias", false}, {"kernel_initializer", "ones"}});
  const Tensor ys = run_forward(*same, {x})[0];
  REQUIRE(ys.shape() == Shape{1, 4, 4, 1});
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c) CHECK(ys[r * 4 + c] == full[r * 5 + c]);
}

TEST_CASE("Conv2DTranspose matches a naive scatter at odd sizes", "[layers][generative]") {
  struct Case { int k, s; const char* padding; int h, w, cin, filters; };
  const Case cases[] = {{3, 2, "same", 3, 5, 2, 3}, {4, 3, "valid", 2, 3, 3, 2}, {2, 3, "valid", 3, 2, 1, 4},
                        {5, 1, "same", 4, 3, 2, 1}, {3, 2, "valid", 1, 1, 5, 2}};
  Rng rng(9);
  for (const Case& c : cases) {
    INFO("k=" << c.k << " s=" << c.s << " " << c.padding);
    auto layer = std::static_pointer_cast<Conv2DTranspose>(make("Conv2DTranspose",
        {{"filters", c.filters}, {"kernel_size", c.k}, {"strides", c.s}, {"padding", c.padding}}));
    const Tensor x = random_tensor({2, c.h, c.w, c.cin}, rng);
    build_for(*layer, {x});
    REQUIRE(layer->kernel().shape() == Shape{c.k, c.k, c.filters, c.cin});
    for (float& v : layer->bias().span()) v = rng.uniform(-1.0f, 1.0f);
    Tensor expected = naive_conv_transpose(x, layer->kernel(), c.s, std::string(c.padding) == "same");
    for (std::size_t i = 0; i < expected.size(); ++i) expected[i] += layer->bias()[i % c.filters];
    const Tensor y = run_forward(*layer, {x})[0];
    REQUIRE(y.shape() == expected.shape());
    CHECK(max_abs_difference(y, expected) < 1e-5f);
  }
}

TEST_CASE("Conv2DTranspose gradients, round trip and errors", "[layers][generative]") {
  Rng rng(13);
  for (const char* padding : {"same", "valid"}) {
    auto layer = make("Conv2DTranspose", {{"filters", 3}, {"kernel_size", {3, 2}}, {"strides", {2, 3}},
                                          {"padding", padding}, {"activation", "tanh"}});
    const Tensor x = random_tensor({2, 3, 2, 2}, rng);
    check_gradients(*layer, {x});
    auto copy = round_trip(*layer);
    CHECK(max_abs_difference(run_forward(*layer, {x})[0], run_forward(*copy, {x})[0]) == 0.0f);
  }
  auto no_bias = make("Conv2DTranspose", {{"filters", 2}, {"kernel_size", 2}, {"use_bias", false}});
  check_gradients(*no_bias, {random_tensor({1, 2, 3, 1}, rng)});
  CHECK(no_bias->params().size() == 1);
  REQUIRE_THROWS_WITH(make("Conv2DTranspose", {{"name", "t1"}, {"kernel_size", 3}}),
                      Catch::Contains("Conv2DTranspose 't1'") && Catch::Contains("filters"));
  REQUIRE_THROWS_WITH(make("Conv2DTranspose", {{"name", "t2"}, {"filters", 2}, {"kernel_size", 3}, {"dilation_rate", 2}}),
                      Catch::Contains("dilation_rate"));
  REQUIRE_THROWS_WITH(make("Conv2DTranspose", {{"name", "t3"}, {"filters", 2}, {"kernel_size", 3}, {"padding", "causal"}}),
                      Catch::Contains("Conv2DTranspose 't3'") && Catch::Contains("causal"));
  REQUIRE_THROWS_WITH(make("Conv2DTranspose", {{"name", "t4"}, {"filters", 2}, {"kernel_size", 3}, {"output_padding", 1}}),
                      Catch::Contains("output_padding"));
}

TEST_CASE("Sampling: z = mean + exp(logvar / 2) * eps and the KL term", "[layers][generative]") {
  auto layer = make("Sampling", {{"name", "sampling_fwd"}, {"kl_weight", 0.5}});
  const Tensor mean = Tensor::from({2, 2}, std::vector<float>{0.5f, -1.0f, 0.0f, 2.0f});
  const Tensor log_var = Tensor::from({2, 2}, std::vector<float>{0.0f, 1.0f, -2.0f, 0.3f});
  build_for(*layer, {mean, log_var});
  Rng rng(7), expected_rng(7);
  LayerCall call;
  call.inputs = {&mean, &log_var};
  call.rng = &rng;
  layer->forward(call);
  double kl_sum = 0.0;
  for (std::size_t i = 0; i < 4; ++i) {
    const float eps = expected_rng.normal(0.0f, 1.0f);
    CHECK(call.outputs[0][i] == Approx(mean[i] + std::exp(log_var[i] / 2) * eps));
    kl_sum += 1 + log_var[i] - mean[i] * mean[i] - std::exp(log_var[i]);
  }
  const double kl = 0.5 * -0.5 * kl_sum / 2;
  CHECK(call.added_loss == Approx(kl));
  CHECK(call.added_loss_terms.get("kl_loss").value() == Approx(kl));
  // A standard-normal posterior costs nothing.
  const Tensor zeros({3, 4}, 0.0f);
  auto unit = make("Sampling", Json::object());
  LayerCall zero_call;
  zero_call.inputs = {&zeros, &zeros};
  zero_call.rng = &rng;
  build_for(*unit, {zeros, zeros});
  unit->forward(zero_call);
  CHECK(zero_call.added_loss == 0.0);
}

TEST_CASE("Sampling gradients include the KL term", "[layers][generative]") {
  Rng data_rng(3);
  std::vector<Tensor> inputs{random_tensor({3, 4}, data_rng), random_tensor({3, 4}, data_rng, -1.5f, 1.0f)};
  auto layer = make("Sampling", {{"kl_weight", 0.7}});
  build_for(*layer, inputs);
  const Tensor r = random_tensor({3, 4}, data_rng);
  // L = sum(r * z) + added_loss, with the same eps on every evaluation.
  auto loss = [&]() {
    Rng rng(11);
    LayerCall call;
    call.inputs = {&inputs[0], &inputs[1]};
    call.rng = &rng;
    layer->forward(call);
    double total = call.added_loss;
    for (std::size_t i = 0; i < r.size(); ++i) total += static_cast<double>(r[i]) * call.outputs[0][i];
    return total;
  };
  Rng rng(11);
  LayerCall call;
  call.inputs = {&inputs[0], &inputs[1]};
  call.rng = &rng;
  layer->forward(call);
  call.grad_outputs = {&r};
  layer->backward(call);
  for (int k = 0; k < 2; ++k)
    for (std::size_t i = 0; i < inputs[k].size(); ++i) {
      const float original = inputs[k][i];
      inputs[k][i] = original + 1e-3f;
      const double plus = loss();
      inputs[k][i] = original - 1e-3f;
      const double minus = loss();
      inputs[k][i] = original;
      INFO("input " << k << "[" << i << "]");
      CHECK(call.grad_inputs[k][i] == Approx((plus - minus) / 2e-3).margin(2e-3));
    }
  auto copy = round_trip(*layer);
  CHECK(copy->config()["kl_weight"] == Approx(0.7));
  Rng build_rng(1);
  auto bad = make("Sampling", {{"name", "s_bad"}});
  REQUIRE_THROWS_WITH(bad->build({{4}, {3}}, build_rng), Catch::Contains("Sampling 's_bad'") && Catch::Contains("same shape"));
  REQUIRE_THROWS_WITH(make("Sampling", {{"name", "s_neg"}, {"kl_weight", -1}}), Catch::Contains("kl_weight"));
}
