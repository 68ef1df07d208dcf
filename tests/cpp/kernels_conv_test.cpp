// im2col/col2im: the fast run-copying versions against the scalar references (exactly), and
// convolution through im2col + GEMM against a direct nested-loop convolution, forward and
// input gradient, over odd sizes, strides 1/2, dilations 1/2, valid/same/causal padding,
// even and odd kernels. Also TF's padding arithmetic by hand and the pad/crop copies.
#include <catch2/catch.hpp>

#include <vector>

#include "core/error.hpp"
#include "kernels/conv.hpp"
#include "kernels/gemm.hpp"
#include "kernels_test_support.hpp"

namespace k = simdnn::kernels;
using simdnn::kernels::testing::check_all_close;
using simdnn::kernels::testing::random_vector;

namespace {

struct ConvCase {
  int batch, in_h, in_w, channels, filters;
  int window_h, window_w, stride_h, stride_w, dilation_h, dilation_w;
  k::Padding padding;
};

k::Window2D window_of(const ConvCase& c) {
  k::Window2D w;
  w.batch = c.batch;
  w.in_h = c.in_h;
  w.in_w = c.in_w;
  w.channels = c.channels;
  w.window_h = c.window_h;
  w.window_w = c.window_w;
  w.stride_h = c.stride_h;
  w.stride_w = c.stride_w;
  w.dilation_h = c.dilation_h;
  w.dilation_w = c.dilation_w;
  k::plan_window(w, c.padding);
  return w;
}

// The input index read by tap (i, j, ch) of output pixel (b, oy, ox), or -1 in the padding.
long long input_index(const k::Window2D& g, int b, int oy, int ox, int i, int j, int ch) {
  const int iy = oy * g.stride_h - g.pad_top + i * g.dilation_h;
  const int ix = ox * g.stride_w - g.pad_left + j * g.dilation_w;
  if (iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w) return -1;
  return ((static_cast<long long>(b) * g.in_h + iy) * g.in_w + ix) * g.channels + ch;
}

// y[b, oy, ox, f] = sum over taps of x * kernel[i, j, ch, f], accumulated in double.
std::vector<float> direct_conv(const k::Window2D& g, const std::vector<float>& x,
                               const std::vector<float>& kernel, int filters) {
  std::vector<float> y(g.output_pixels() * filters);
  std::size_t out = 0;
  for (int b = 0; b < g.batch; ++b)
    for (int oy = 0; oy < g.out_h; ++oy)
      for (int ox = 0; ox < g.out_w; ++ox)
        for (int f = 0; f < filters; ++f, ++out) {
          double sum = 0.0;
          for (int i = 0; i < g.window_h; ++i)
            for (int j = 0; j < g.window_w; ++j)
              for (int ch = 0; ch < g.channels; ++ch) {
                const long long at = input_index(g, b, oy, ox, i, j, ch);
                if (at < 0) continue;
                const std::size_t w = ((std::size_t(i) * g.window_w + j) * g.channels + ch) * filters + f;
                sum += double(x[at]) * kernel[w];
              }
          y[out] = static_cast<float>(sum);
        }
  return y;
}

// dx of the direct convolution for output gradient dy: each dy scattered back along its taps.
std::vector<float> direct_conv_input_grad(const k::Window2D& g, const std::vector<float>& dy,
                                          const std::vector<float>& kernel, int filters) {
  std::vector<double> dx(g.input_size(), 0.0);
  std::size_t out = 0;
  for (int b = 0; b < g.batch; ++b)
    for (int oy = 0; oy < g.out_h; ++oy)
      for (int ox = 0; ox < g.out_w; ++ox)
        for (int f = 0; f < filters; ++f, ++out)
          for (int i = 0; i < g.window_h; ++i)
            for (int j = 0; j < g.window_w; ++j)
              for (int ch = 0; ch < g.channels; ++ch) {
                const long long at = input_index(g, b, oy, ox, i, j, ch);
                if (at < 0) continue;
                const std::size_t w = ((std::size_t(i) * g.window_w + j) * g.channels + ch) * filters + f;
                dx[at] += double(dy[out]) * kernel[w];
              }
  return std::vector<float>(dx.begin(), dx.end());
}

std::vector<ConvCase> sweep() {
  std::vector<ConvCase> cases;
  const int sizes[][2] = {{5, 7}, {6, 4}, {1, 9}, {3, 3}};
  const int kernels[][2] = {{1, 1}, {2, 2}, {3, 3}, {2, 3}, {4, 1}, {1, 4}};
  const int steps[][2] = {{1, 1}, {2, 2}, {1, 2}};
  for (const auto& size : sizes)
    for (int channels : {1, 3, 5})
      for (const auto& window : kernels)
        for (const auto& stride : steps)
          for (const auto& dilation : steps)
            for (k::Padding padding : {k::Padding::valid, k::Padding::same}) {
              ConvCase c{2, size[0], size[1], channels, 3, window[0], window[1], stride[0],
                         stride[1], dilation[0], dilation[1], padding};
              const k::Window2D g = window_of(c);
              if (g.out_h >= 1 && g.out_w >= 1) cases.push_back(c);
            }
  // 1-D causal convolutions (height 1), as Conv1D runs them.
  for (int steps_count : {1, 4, 7})
    for (int window : {1, 2, 3})
      for (int stride : {1, 2})
        for (int dilation : {1, 2, 3})
          cases.push_back({2, 1, steps_count, 2, 3, 1, window, 1, stride, 1, dilation,
                           k::Padding::causal});
  return cases;
}

}  // namespace

TEST_CASE("plan_axis follows TensorFlow's valid/same/causal arithmetic", "[kernels]") {
  using P = k::Padding;
  struct Expect {
    int in, window, stride, dilation;
    P padding;
    int out, pad_before;
  };
  const Expect expectations[] = {
      {5, 3, 1, 1, P::same, 5, 1},   {5, 2, 1, 1, P::same, 5, 0},   // even kernel: extra pad after
      {6, 3, 2, 1, P::same, 3, 0},   {7, 4, 2, 1, P::same, 4, 1},   // total 1 -> 0 before; 3 -> 1
      {4, 3, 2, 1, P::same, 2, 0},   {5, 3, 1, 2, P::same, 5, 2},   // dilated: effective 5
      {3, 1, 5, 1, P::same, 1, 0},   {8, 2, 2, 1, P::same, 4, 0},   // no padding needed
      {7, 3, 2, 1, P::valid, 3, 0},  {6, 3, 2, 1, P::valid, 2, 0},
      {5, 3, 1, 2, P::valid, 1, 0},  {2, 3, 1, 1, P::valid, 0, 0},  // window larger: empty
      {4, 3, 1, 2, P::valid, 0, 0},  {5, 3, 1, 2, P::causal, 5, 4},
      {5, 2, 2, 1, P::causal, 3, 1},
  };
  for (const Expect& e : expectations) {
    INFO("in " << e.in << " window " << e.window << " stride " << e.stride << " dilation "
               << e.dilation << " padding " << k::padding_name(e.padding));
    const k::AxisPlan plan = k::plan_axis(e.in, e.window, e.stride, e.dilation, e.padding);
    CHECK(plan.out == e.out);
    CHECK(plan.pad_before == e.pad_before);
  }
  REQUIRE_THROWS_WITH(k::plan_axis(5, 0, 1, 1, P::same),
                      Catch::Contains("plan_axis") && Catch::Contains("5, 0, 1, 1"));
}

TEST_CASE("im2col and col2im match the references and a direct convolution", "[kernels]") {
  simdnn::Rng rng(17);
  const std::vector<ConvCase> cases = sweep();
  REQUIRE(cases.size() > 500);
  for (const ConvCase& c : cases) {
    const k::Window2D g = window_of(c);
    INFO("input " << c.in_h << "x" << c.in_w << "x" << c.channels << " window " << c.window_h
                  << "x" << c.window_w << " stride " << c.stride_h << "x" << c.stride_w
                  << " dilation " << c.dilation_h << "x" << c.dilation_w << " padding "
                  << k::padding_name(c.padding) << " -> " << g.out_h << "x" << g.out_w
                  << " pad " << g.pad_top << "/" << g.pad_left);
    const int pixels = static_cast<int>(g.output_pixels());
    const int taps = static_cast<int>(g.window_size());
    const std::vector<float> x = random_vector(rng, g.input_size());
    const std::vector<float> kernel = random_vector(rng, std::size_t(taps) * c.filters);

    // Junk-filled outputs: every element must be written.
    std::vector<float> fast(std::size_t(pixels) * taps, 777.0f), slow(fast.size(), -777.0f);
    k::im2col(g, x.data(), fast.data());
    k::reference::im2col(g, x.data(), slow.data());
    REQUIRE(fast == slow);

    std::vector<float> y(std::size_t(pixels) * c.filters);
    k::reference::gemm(false, false, pixels, c.filters, taps, 1.0f, fast.data(), taps,
                       kernel.data(), c.filters, 0.0f, y.data(), c.filters);
    check_all_close(y, direct_conv(g, x, kernel, c.filters), 1e-5f, 1e-5f);

    // Input gradient: dcolumns = dy * kernel^T, then col2im.
    const std::vector<float> dy = random_vector(rng, y.size());
    std::vector<float> dcolumns(fast.size());
    k::reference::gemm(false, true, pixels, taps, c.filters, 1.0f, dy.data(), c.filters,
                       kernel.data(), c.filters, 0.0f, dcolumns.data(), taps);
    std::vector<float> dx_fast(g.input_size(), 555.0f), dx_slow(g.input_size(), -555.0f);
    k::col2im(g, dcolumns.data(), dx_fast.data());
    k::reference::col2im(g, dcolumns.data(), dx_slow.data());
    REQUIRE(dx_fast == dx_slow);
    check_all_close(dx_fast, direct_conv_input_grad(g, dy, kernel, c.filters), 1e-5f, 1e-5f);
  }
}

TEST_CASE("col2im is the adjoint of im2col", "[kernels]") {
  // <im2col(x), c> == <x, col2im(c)> for any x and c, padding and overlaps included.
  simdnn::Rng rng(23);
  for (const ConvCase& c : {ConvCase{3, 5, 6, 2, 1, 3, 2, 2, 1, 1, 2, k::Padding::same},
                            ConvCase{1, 7, 7, 3, 1, 4, 4, 1, 1, 2, 1, k::Padding::same},
                            ConvCase{2, 1, 9, 4, 1, 1, 3, 1, 2, 1, 3, k::Padding::causal}}) {
    const k::Window2D g = window_of(c);
    const std::vector<float> x = random_vector(rng, g.input_size());
    const std::vector<float> columns = random_vector(rng, g.output_pixels() * g.window_size());
    std::vector<float> gathered(columns.size()), scattered(x.size());
    k::im2col(g, x.data(), gathered.data());
    k::col2im(g, columns.data(), scattered.data());
    double left = 0.0, right = 0.0;
    for (std::size_t i = 0; i < columns.size(); ++i) left += double(gathered[i]) * columns[i];
    for (std::size_t i = 0; i < x.size(); ++i) right += double(x[i]) * scattered[i];
    CHECK(left == Approx(right).epsilon(1e-5));
  }
}

TEST_CASE("im2col on a hand example: 3x3 image, 2x2 window, same padding", "[kernels]") {
  // Even window, stride 1: TF pads 0 before and 1 after on each axis.
  k::Window2D g;
  g.in_h = g.in_w = 3;
  g.window_h = g.window_w = 2;
  k::plan_window(g, k::Padding::same);
  REQUIRE(g.out_h == 3);
  REQUIRE(g.pad_top == 0);
  const std::vector<float> x{1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<float> columns(9 * 4);
  k::im2col(g, x.data(), columns.data());
  const std::vector<float> expected{1, 2, 4, 5, 2, 3, 5, 6, 3, 0, 6, 0,
                                    4, 5, 7, 8, 5, 6, 8, 9, 6, 0, 9, 0,
                                    7, 8, 0, 0, 8, 9, 0, 0, 9, 0, 0, 0};
  CHECK(columns == expected);
  std::vector<float> dx(9);
  k::col2im(g, std::vector<float>(36, 1.0f).data(), dx.data());
  // How many windows read each cell: 1 at the top-left corner, 4 in the bottom-right block.
  CHECK(dx == std::vector<float>{1, 2, 2, 2, 4, 4, 2, 4, 4});
}

TEST_CASE("zero_pad_2d frames with zeros and crop_2d takes the window back", "[kernels]") {
  k::Frame2D f{2, 2, 3, 2, 1, 0, 2, 1};  // inner 2x3x2, margins top 1, bottom 0, left 2, right 1
  std::vector<float> inner(2 * 2 * 3 * 2);
  for (std::size_t i = 0; i < inner.size(); ++i) inner[i] = float(i + 1);
  std::vector<float> outer(2 * 3 * 6 * 2, 99.0f);
  k::zero_pad_2d(f, inner.data(), outer.data());
  // Sample 0, row 0 is padding; row 1 is [0 0 | 0 0 | 1 2 | 3 4 | 5 6 | 0 0].
  for (int i = 0; i < 12; ++i) CHECK(outer[i] == 0.0f);
  const std::vector<float> row1(outer.begin() + 12, outer.begin() + 24);
  CHECK(row1 == std::vector<float>{0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 0, 0});
  // Sample 1 starts after 3 rows of 12: its first real value is inner[12] = 13.
  CHECK(outer[36 + 12 + 4] == 13.0f);
  float total = 0.0f;
  for (float v : outer) total += v;
  CHECK(total == Approx(24.0f * 25.0f / 2.0f));  // nothing but the inner values

  std::vector<float> back(inner.size(), -1.0f);
  k::crop_2d(f, outer.data(), back.data());
  CHECK(back == inner);
  REQUIRE_THROWS_WITH(k::crop_2d(k::Frame2D{1, 2, 2, 1, -1, 0, 0, 0}, outer.data(), back.data()),
                      Catch::Contains("crop_2d") && Catch::Contains("top -1"));
}

TEST_CASE("conv kernels reject impossible geometry", "[kernels]") {
  k::Window2D g;
  g.in_h = 2;
  g.in_w = 2;
  g.window_h = g.window_w = 3;
  k::plan_window(g, k::Padding::valid);  // empty output
  std::vector<float> x(4), columns(9);
  REQUIRE_THROWS_WITH(k::im2col(g, x.data(), columns.data()),
                      Catch::Contains("im2col") && Catch::Contains("output 0x0"));
  REQUIRE_THROWS_WITH(k::reference::col2im(g, columns.data(), x.data()),
                      Catch::Contains("reference::col2im") && Catch::Contains("window 3x3"));
}
