// Pooling kernels against nested loops written from the definition (padding cells skipped,
// averages over inside cells, first maximum on ties), for valid/same windows, overlapping and
// gapped strides, and whole-input (global) windows.
#include <catch2/catch.hpp>

#include <limits>
#include <vector>

#include "core/error.hpp"
#include "kernels/conv_pooling.hpp"
#include "kernels_test_support.hpp"

namespace k = simdnn::kernels;
using simdnn::kernels::testing::check_all_close;
using simdnn::kernels::testing::random_vector;

namespace {

struct Naive {
  std::vector<float> y;
  std::vector<int> argmax;
  std::vector<float> dx_max, dx_average;
};

// Forward (max and average) and both backward passes for output gradient dy, one element at
// a time, reading the window straight from its definition.
Naive naive_pooling(const k::Window2D& g, const std::vector<float>& x, const std::vector<float>& dy,
                    bool max) {
  Naive n;
  n.dx_max.assign(g.input_size(), 0.0f);
  n.dx_average.assign(g.input_size(), 0.0f);
  std::size_t out = 0;
  for (int b = 0; b < g.batch; ++b)
    for (int oy = 0; oy < g.out_h; ++oy)
      for (int ox = 0; ox < g.out_w; ++ox)
        for (int c = 0; c < g.channels; ++c, ++out) {
          std::vector<int> cells;
          for (int i = 0; i < g.window_h; ++i)
            for (int j = 0; j < g.window_w; ++j) {
              const int iy = oy * g.stride_h - g.pad_top + i, ix = ox * g.stride_w - g.pad_left + j;
              if (iy >= 0 && iy < g.in_h && ix >= 0 && ix < g.in_w)
                cells.push_back(((b * g.in_h + iy) * g.in_w + ix) * g.channels + c);
            }
          REQUIRE(!cells.empty());
          int best = cells[0];
          double sum = 0.0;
          for (int cell : cells) {
            if (x[cell] > x[best]) best = cell;
            sum += x[cell];
          }
          n.y.push_back(max ? x[best] : static_cast<float>(sum / cells.size()));
          n.argmax.push_back(best);
          n.dx_max[best] += dy[out];
          for (int cell : cells) n.dx_average[cell] += dy[out] / float(cells.size());
        }
  return n;
}

}  // namespace

TEST_CASE("pooling kernels match nested loops", "[kernels]") {
  simdnn::Rng rng(29);
  const int sizes[][2] = {{5, 7}, {4, 4}, {1, 6}, {3, 1}};
  const int pools[][2] = {{2, 2}, {3, 3}, {1, 3}, {2, 1}};
  const int strides[][2] = {{1, 1}, {2, 2}, {3, 2}};
  int cases = 0;
  for (const auto& size : sizes)
    for (const auto& pool : pools)
      for (const auto& stride : strides)
        for (int channels : {1, 3, 6, 17})  // 6, 17: batched channels plus a tail
          for (k::Padding padding : {k::Padding::valid, k::Padding::same}) {
            k::Window2D g;
            g.batch = 2;
            g.in_h = size[0];
            g.in_w = size[1];
            g.channels = channels;
            g.window_h = pool[0];
            g.window_w = pool[1];
            g.stride_h = stride[0];
            g.stride_w = stride[1];
            k::plan_window(g, padding);
            if (g.out_h < 1 || g.out_w < 1) continue;
            ++cases;
            INFO("input " << g.in_h << "x" << g.in_w << "x" << channels << " pool " << pool[0]
                          << "x" << pool[1] << " stride " << stride[0] << "x" << stride[1]
                          << " padding " << k::padding_name(padding));
            // Few distinct values, so windows hold ties and the first maximum must win.
            std::vector<float> x = random_vector(rng, g.input_size());
            for (float& v : x) v = float(int(v * 3.0f));
            const std::size_t outputs = g.output_pixels() * channels;
            const std::vector<float> dy = random_vector(rng, outputs);

            const Naive want_max = naive_pooling(g, x, dy, true);
            std::vector<float> y(outputs, 99.0f);
            std::vector<std::int32_t> argmax(outputs, -7);
            k::max_pool_forward(g, x.data(), y.data(), argmax.data());
            CHECK(y == want_max.y);
            CHECK(std::vector<int>(argmax.begin(), argmax.end()) == want_max.argmax);
            std::vector<float> values(outputs, 55.0f);  // the inference path: no argmax
            k::max_pool_values(g, x.data(), values.data());
            CHECK(values == want_max.y);
            std::vector<float> dx(g.input_size(), 99.0f);
            k::max_pool_backward(g, dy.data(), argmax.data(), dx.data());
            check_all_close(dx, want_max.dx_max, 1e-6f, 1e-6f);

            const Naive want_average = naive_pooling(g, x, dy, false);
            k::average_pool_forward(g, x.data(), y.data());
            check_all_close(y, want_average.y, 1e-6f, 1e-6f);
            std::fill(dx.begin(), dx.end(), 99.0f);
            k::average_pool_backward(g, dy.data(), dx.data());
            check_all_close(dx, want_average.dx_average, 1e-6f, 1e-6f);
          }
  CHECK(cases > 100);
}

TEST_CASE("a whole-input window pools globally", "[kernels]") {
  k::Window2D g;
  g.batch = 2;
  g.in_h = 2;
  g.in_w = 3;
  g.channels = 2;
  g.window_h = 2;
  g.window_w = 3;
  k::plan_window(g, k::Padding::valid);
  REQUIRE(g.output_pixels() == 2);
  // Channel 0 holds 0..5, channel 1 holds 5..0 in sample 0; sample 1 is sample 0 + 10.
  std::vector<float> x;
  for (int b = 0; b < 2; ++b)
    for (int cell = 0; cell < 6; ++cell) {
      x.push_back(float(cell + 10 * b));
      x.push_back(float(5 - cell + 10 * b));
    }
  std::vector<float> y(4);
  std::vector<std::int32_t> argmax(4);
  k::max_pool_forward(g, x.data(), y.data(), argmax.data());
  CHECK(y == std::vector<float>{5, 5, 15, 15});
  CHECK(std::vector<int>(argmax.begin(), argmax.end()) == std::vector<int>{10, 1, 22, 13});
  k::average_pool_forward(g, x.data(), y.data());
  CHECK(y == std::vector<float>{2.5f, 2.5f, 12.5f, 12.5f});
}

TEST_CASE("pooling kernels reject dilation and empty outputs", "[kernels]") {
  k::Window2D g;
  g.in_h = g.in_w = 4;
  g.window_h = g.window_w = 2;
  g.dilation_w = 2;
  k::plan_window(g, k::Padding::valid);
  std::vector<float> x(16), y(16);
  REQUIRE_THROWS_WITH(k::average_pool_forward(g, x.data(), y.data()),
                      Catch::Contains("average_pool_forward") && Catch::Contains("dilation") &&
                          Catch::Contains("1x2"));
  g.dilation_w = 1;
  g.out_h = 0;
  std::vector<std::int32_t> argmax(16);
  REQUIRE_THROWS_WITH(k::max_pool_forward(g, x.data(), y.data(), argmax.data()),
                      Catch::Contains("max_pool_forward") && Catch::Contains("output 0x"));
}
