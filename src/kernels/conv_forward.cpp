// Blocked inference convolution (see conv_forward.hpp) and its plain-loop reference.
#include "kernels/conv_forward.hpp"

#include <algorithm>
#include <cstddef>
#include <vector>

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "kernels/elementwise.hpp"
#include "kernels/gemm.hpp"
#include "kernels/simd_loops.hpp"

namespace simdnn::kernels {
namespace {

void check_filters(int filters, const char* function) {
  check(filters >= 1, function, ": filters must be positive, got ", filters);
}

// Work per thread below which a worker is not worth waking (as in gemm.cpp).
std::size_t min_items(double flops_per_item) {
  return static_cast<std::size_t>(std::max(1.0, 2.0e6 / std::max(flops_per_item, 1.0)));
}

// Output pixels per block: the block's columns stay near 64 KB (L2-resident next to the
// packed GEMM panels), in whole 6-row register tiles, and at least one tile.
std::size_t block_rows(std::size_t taps) {
  const std::size_t budget = 16384 / std::max<std::size_t>(taps, 1);
  return std::max<std::size_t>(6, budget / 6 * 6);
}

// A single input channel (a first layer on grayscale images) leaves im2col + GEMM with
// 1-float window cells and a GEMM only `filters` wide. Instead, one filter at a time, a run
// of R groups of 4 neighbouring output pixels of a row: each tap is one weight broadcast
// and R unaligned loads of the input row, R accumulators in registers. Measured faster than
// keeping every filter's accumulator for one group (the weight loads dominate there) or
// several filters for fewer groups (V8 spills). The input is already framed (no padding),
// stride and dilation are 1.
template <int R>
void single_channel_run(const float* in, int in_w, int window_h, int window_w, const float* splat,
                        float bias, float* plane) {
  using simd::Batch;
  constexpr int lanes = static_cast<int>(simd::lanes);
  Batch acc[R];
  for (int r = 0; r < R; ++r) acc[r] = Batch(bias);
  const float* w = splat;
  for (int ky = 0; ky < window_h; ++ky) {
    const float* row = in + ky * in_w;
    for (int kx = 0; kx < window_w; ++kx, w += lanes) {
      const Batch weight = simd::load(w);
      for (int r = 0; r < R; ++r) acc[r] += simd::load(row + kx + r * lanes) * weight;
    }
  }
  for (int r = 0; r < R; ++r) acc[r].store_unaligned(plane + r * lanes);
}

void single_channel_groups(int groups, const float* in, int in_w, int window_h, int window_w,
                           const float* splat, float bias, float* plane) {
  constexpr int lanes = static_cast<int>(simd::lanes);
  constexpr int most = 7;  // 7 accumulators, the input and the weight: no spills
  for (; groups >= most; groups -= most, in += most * lanes, plane += most * lanes)
    single_channel_run<most>(in, in_w, window_h, window_w, splat, bias, plane);
  switch (groups) {
    case 6: return single_channel_run<6>(in, in_w, window_h, window_w, splat, bias, plane);
    case 5: return single_channel_run<5>(in, in_w, window_h, window_w, splat, bias, plane);
    case 4: return single_channel_run<4>(in, in_w, window_h, window_w, splat, bias, plane);
    case 3: return single_channel_run<3>(in, in_w, window_h, window_w, splat, bias, plane);
    case 2: return single_channel_run<2>(in, in_w, window_h, window_w, splat, bias, plane);
    case 1: return single_channel_run<1>(in, in_w, window_h, window_w, splat, bias, plane);
    default: return;
  }
}

// out[ox * filters + f] = plane[f * width + ox] (width a multiple of 4): 4 x 4 register
// transposes for each whole group of 4 filters. A scalar loop here cost a quarter of the
// convolution with 32 filters.
void interleave(const float* plane, int filters, std::size_t width, float* out) {
  constexpr std::size_t lanes = simd::lanes;
  int f = 0;
  for (; f + 4 <= filters; f += 4) {
    const float* p = plane + f * width;
    for (std::size_t ox = 0; ox < width; ox += lanes) {
      simd::Batch columns[4];
      simd::transpose4(simd::load(p + ox), simd::load(p + width + ox), simd::load(p + 2 * width + ox),
                       simd::load(p + 3 * width + ox), columns);
      for (std::size_t i = 0; i < lanes; ++i) columns[i].store_unaligned(out + (ox + i) * filters + f);
    }
  }
  for (; f < filters; ++f)
    for (std::size_t ox = 0; ox < width; ++ox) out[ox * filters + f] = plane[f * width + ox];
}

void single_channel(const Window2D& g, const float* x, const float* kernel, const float* bias,
                    int filters, float* y) {
  constexpr int lanes = static_cast<int>(simd::lanes);
  const int taps = g.window_h * g.window_w;
  const int groups = g.out_w / lanes;
  // Per filter, its weights splatted once per call, so the inner loop loads instead of
  // shuffling; and one output row per filter (planar), interleaved into y afterwards.
  thread_local std::vector<float> splat, plane;
  splat.resize(static_cast<std::size_t>(filters) * taps * lanes);
  for (int f = 0; f < filters; ++f)
    for (int t = 0; t < taps; ++t)
      std::fill_n(splat.data() + (static_cast<std::size_t>(f) * taps + t) * lanes, lanes, kernel[t * filters + f]);
  const std::size_t row_width = static_cast<std::size_t>(groups) * lanes;
  plane.resize(static_cast<std::size_t>(filters) * row_width);
  for (int b = 0; b < g.batch; ++b) {
    const float* image = x + static_cast<std::size_t>(b) * g.in_h * g.in_w;
    for (int oy = 0; oy < g.out_h; ++oy) {
      const float* in = image + static_cast<std::size_t>(oy) * g.in_w;
      float* out_row = y + (static_cast<std::size_t>(b) * g.out_h + oy) * g.out_w * filters;
      for (int f = 0; f < filters; ++f)
        single_channel_groups(groups, in, g.in_w, g.window_h, g.window_w,
                              splat.data() + static_cast<std::size_t>(f) * taps * lanes,
                              bias ? bias[f] : 0.0f, plane.data() + f * row_width);
      interleave(plane.data(), filters, row_width, out_row);
      for (int ox = static_cast<int>(row_width); ox < g.out_w; ++ox) {  // the last out_w % 4
        for (int f = 0; f < filters; ++f) {
          float sum = bias ? bias[f] : 0.0f;
          for (int ky = 0; ky < g.window_h; ++ky)
            for (int kx = 0; kx < g.window_w; ++kx)
              sum += in[ky * g.in_w + ox + kx] * kernel[(ky * g.window_w + kx) * filters + f];
          out_row[ox * filters + f] = sum;
        }
      }
    }
  }
}

bool single_channel_direct(const Window2D& g, int filters) {
  return g.channels == 1 && filters <= 32 && g.stride_h == 1 && g.stride_w == 1 && g.dilation_h == 1 &&
         g.dilation_w == 1 && g.pad_top == 0 && g.pad_left == 0 && g.window_size() > 1;
}

}  // namespace

void conv_forward(const Window2D& g, const float* x, const float* kernel, const float* bias,
                  int filters, const ActivationSpec& activation, float* y) {
  check_window(g, "conv_forward");
  check_filters(filters, "conv_forward");
  const std::size_t f = static_cast<std::size_t>(filters);
  // With padding, border windows take im2col's slow path (a quarter of the pixels of a
  // 28x28 'same' 5x5 convolution). Framing the input with zeros once turns every window
  // into an inside one, at the cost of one copy of the input.
  thread_local std::vector<float> framed;
  Window2D window = g;
  const int need_h = (g.out_h - 1) * g.stride_h + (g.window_h - 1) * g.dilation_h + 1;
  const int need_w = (g.out_w - 1) * g.stride_w + (g.window_w - 1) * g.dilation_w + 1;
  const int bottom = std::max(0, need_h - g.pad_top - g.in_h);
  const int right = std::max(0, need_w - g.pad_left - g.in_w);
  if (g.pad_top > 0 || g.pad_left > 0 || bottom > 0 || right > 0) {
    Frame2D frame{g.batch, g.in_h, g.in_w, g.channels, g.pad_top, bottom, g.pad_left, right};
    window.in_h = g.pad_top + g.in_h + bottom;
    window.in_w = g.pad_left + g.in_w + right;
    window.pad_top = window.pad_left = 0;
    if (framed.size() < window.input_size()) framed.resize(window.input_size());
    zero_pad_2d(frame, x, framed.data());
    x = framed.data();
  }
  const std::size_t pixels = window.output_pixels();
  const std::size_t taps = window.window_size();
  if (single_channel_direct(window, filters)) {
    // Threads take whole images: each writes only its own images' outputs.
    const std::size_t image_pixels = std::size_t(window.out_h) * window.out_w;
    const std::size_t image_inputs = std::size_t(window.in_h) * window.in_w;
    const double flops_per_image = 2.0 * image_pixels * taps * f;
    parallel_for(window.batch, min_items(flops_per_image), [&](std::size_t first, std::size_t end) {
      Window2D part = window;
      part.batch = static_cast<int>(end - first);
      float* out = y + first * image_pixels * f;
      single_channel(part, x + first * image_inputs, kernel, bias, filters, out);
      if (activation.kind != Activation::linear)
        activation_forward(activation, out, out, (end - first) * image_pixels, f);
    });
    return;
  }
  const bool pointwise = window.is_pointwise();
  const std::size_t block = std::min(pixels, block_rows(taps));
  const std::size_t blocks = (pixels + block - 1) / block;
  // Threads take runs of whole pixel blocks, each with its own columns buffer.
  parallel_for(blocks, min_items(2.0 * block * taps * f), [&](std::size_t first_block,
                                                               std::size_t end_block) {
    thread_local std::vector<float> columns;
    if (!pointwise && columns.size() < block * taps) columns.resize(block * taps);
    const std::size_t end_pixel = std::min(pixels, end_block * block);
    for (std::size_t first = first_block * block; first < end_pixel; first += block) {
      const std::size_t rows = std::min(block, pixels - first);
      const float* a = x + first * taps;
      if (!pointwise) {
        im2col_rows(window, x, first, rows, columns.data());
        a = columns.data();
      }
      float* out = y + first * f;
      gemm(false, false, static_cast<int>(rows), filters, static_cast<int>(taps), 1.0f, a,
           static_cast<int>(taps), kernel, filters, 0.0f, out, filters);
      if (bias) add_bias_rows(out, bias, out, rows, f);
      if (activation.kind != Activation::linear) activation_forward(activation, out, out, rows, f);
    }
  });
}

namespace reference {

// Straight from the definition: the whole columns matrix, the reference GEMM, then bias and
// activation over the full output.
void conv_forward(const Window2D& g, const float* x, const float* kernel, const float* bias,
                  int filters, const ActivationSpec& activation, float* y) {
  check_window(g, "reference::conv_forward");
  check_filters(filters, "reference::conv_forward");
  const std::size_t pixels = g.output_pixels();
  const std::size_t taps = g.window_size();
  std::vector<float> columns(pixels * taps);
  reference::im2col(g, x, columns.data());
  reference::gemm(false, false, static_cast<int>(pixels), filters, static_cast<int>(taps), 1.0f,
       columns.data(), static_cast<int>(taps), kernel, filters, 0.0f, y, filters);
  for (std::size_t p = 0; p < pixels; ++p)
    for (int j = 0; j < filters; ++j) y[p * filters + j] += bias ? bias[j] : 0.0f;
  reference::activation_forward(activation, y, y, pixels, filters);
}

}  // namespace reference
}  // namespace simdnn::kernels
