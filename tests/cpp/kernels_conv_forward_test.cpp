// The fused, blocked inference convolution against its reference (whole columns matrix,
// reference GEMM, then bias and activation), over odd sizes, strides, dilations, paddings,
// with and without bias, pointwise windows and batches large enough to span many blocks.
#include <catch2/catch.hpp>

#include <vector>

#include "core/error.hpp"
#include "kernels/conv_forward.hpp"
#include "kernels_test_support.hpp"

namespace k = simdnn::kernels;
using simdnn::kernels::testing::check_all_close;
using simdnn::kernels::testing::random_vector;

namespace {

struct Case {
  int batch, in_h, in_w, channels, filters, window_h, window_w, stride, dilation;
  k::Padding padding;
};

void check_case(const Case& c, const k::ActivationSpec& activation, bool with_bias,
                simdnn::Rng& rng) {
  k::Window2D g;
  g.batch = c.batch;
  g.in_h = c.in_h;
  g.in_w = c.in_w;
  g.channels = c.channels;
  g.window_h = c.window_h;
  g.window_w = c.window_w;
  g.stride_h = g.stride_w = c.stride;
  g.dilation_h = g.dilation_w = c.dilation;
  k::plan_window(g, c.padding);
  INFO("batch " << c.batch << " input " << c.in_h << "x" << c.in_w << "x" << c.channels
                << " filters " << c.filters << " window " << c.window_h << "x" << c.window_w
                << " stride " << c.stride << " dilation " << c.dilation << " padding "
                << k::padding_name(c.padding) << " activation "
                << k::activation_name(activation.kind) << " bias " << with_bias);
  const std::vector<float> x = random_vector(rng, g.input_size());
  const std::vector<float> kernel = random_vector(rng, g.window_size() * c.filters);
  const std::vector<float> bias = random_vector(rng, c.filters);
  const std::size_t out = g.output_pixels() * c.filters;
  // Junk-filled outputs: every element must be written.
  std::vector<float> fast(out, 777.0f), slow(out, -777.0f);
  const float* b = with_bias ? bias.data() : nullptr;
  k::conv_forward(g, x.data(), kernel.data(), b, c.filters, activation, fast.data());
  k::reference::conv_forward(g, x.data(), kernel.data(), b, c.filters, activation, slow.data());
  check_all_close(fast, slow, 1e-5f, 1e-5f);
}

}  // namespace

TEST_CASE("conv_forward matches the reference across shapes, activations and blocks",
          "[kernels]") {
  simdnn::Rng rng(41);
  using P = k::Padding;
  const std::vector<Case> cases = {
      {64, 28, 28, 1, 6, 5, 5, 1, 1, P::same},     // LeNet conv1: ~80 blocks of pixels
      {8, 14, 14, 6, 16, 5, 5, 1, 1, P::valid},    // LeNet conv2
      {3, 9, 7, 3, 5, 3, 2, 2, 1, P::same},        // even kernel, stride 2
      {2, 11, 13, 2, 7, 3, 3, 1, 2, P::valid},     // dilation 2
      {1, 1, 37, 4, 9, 1, 5, 1, 1, P::causal},     // a Conv1D
      {5, 6, 5, 11, 13, 1, 1, 1, 1, P::valid},     // pointwise: no im2col
      {2, 17, 19, 37, 3, 3, 3, 1, 1, P::same},     // 333 taps: more than one k slice
      {1, 1, 1, 1, 1, 1, 1, 1, 1, P::valid},
      // One input channel: the direct path, filter counts with and without whole groups of 4,
      // up to 32 and one past it, rows whose width leaves 0..3 tail pixels.
      {2, 9, 7, 1, 1, 3, 3, 1, 1, P::same},
      {1, 6, 11, 1, 2, 2, 4, 1, 1, P::same},       // even kernel: padding after > before
      {3, 5, 9, 1, 3, 3, 3, 1, 1, P::valid},
      {2, 8, 8, 1, 4, 5, 5, 1, 1, P::same},
      {1, 7, 13, 1, 5, 1, 3, 1, 1, P::valid},
      {2, 10, 6, 1, 7, 3, 2, 1, 1, P::same},
      {1, 12, 12, 1, 8, 5, 5, 1, 1, P::valid},
      {1, 12, 10, 1, 9, 3, 3, 1, 1, P::same},      // 9 filters: two whole groups of 4 and one
      {2, 13, 17, 1, 16, 3, 3, 1, 1, P::same},     // 17 wide: four 4-pixel groups and a tail
      {1, 30, 37, 1, 32, 5, 5, 1, 1, P::same},     // 37 wide: 7 + 2 groups per row
      {1, 11, 9, 1, 33, 3, 3, 1, 1, P::same},      // 33 filters: back to im2col + GEMM
      {2, 9, 9, 1, 6, 3, 3, 2, 1, P::same},        // stride 2: im2col + GEMM
      // Several channels and few filters (GEMM's narrow 4 x 8 tiles): filter counts that
      // fill whole vectors or not, strides, even kernels.
      {3, 7, 5, 2, 4, 3, 3, 1, 1, P::same},
      {1, 9, 11, 3, 8, 2, 4, 2, 1, P::same},
      {2, 6, 7, 5, 11, 3, 3, 1, 1, P::valid},
      {1, 8, 9, 6, 12, 5, 5, 1, 1, P::same},
      {3, 14, 14, 6, 16, 5, 5, 2, 1, P::valid},
      {1, 5, 5, 2, 15, 1, 2, 1, 1, P::valid},
      {2, 7, 6, 3, 17, 3, 3, 1, 1, P::same},
  };
  const k::ActivationSpec activations[] = {
      {k::Activation::relu, 0.0f}, {k::Activation::linear, 0.0f}, {k::Activation::softmax, 0.0f},
      {k::Activation::tanh, 0.0f}};
  for (const Case& c : cases)
    for (const auto& activation : activations)
      for (bool with_bias : {true, false}) check_case(c, activation, with_bias, rng);
}

TEST_CASE("conv_forward rejects bad windows and filter counts", "[kernels]") {
  k::Window2D g;  // 1x1 input, 1x1 window: valid
  std::vector<float> x(1, 1.0f), kernel(1, 2.0f), y(1);
  const k::ActivationSpec linear{};
  CHECK_THROWS_WITH(k::conv_forward(g, x.data(), kernel.data(), nullptr, 0, linear, y.data()),
                    Catch::Contains("conv_forward") && Catch::Contains("got 0"));
  g.out_h = 0;
  CHECK_THROWS_WITH(
      k::reference::conv_forward(g, x.data(), kernel.data(), nullptr, 1, linear, y.data()),
      Catch::Contains("reference::conv_forward"));
}
