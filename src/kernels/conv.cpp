// Window geometry, the fast im2col/col2im and the pad/crop copies. The fast im2col works on
// runs: for each window row it finds the taps that land inside the input once, zero-fills
// the rest, and copies a whole run of (taps x channels) floats when the dilation is 1
// (channels-last makes that run contiguous in the input). col2im mirrors it with adds.
#include "kernels/conv.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "kernels/elementwise.hpp"
#include "kernels/simd_loops.hpp"

namespace simdnn::kernels {

std::string padding_name(Padding padding) {
  switch (padding) {
    case Padding::valid: return "valid";
    case Padding::same: return "same";
    case Padding::causal: return "causal";
  }
  return "valid";
}

AxisPlan plan_axis(int in, int window, int stride, int dilation, Padding padding) {
  check(in >= 1 && window >= 1 && stride >= 1 && dilation >= 1,
        "plan_axis: expected positive input extent, window, stride and dilation, got ", in, ", ",
        window, ", ", stride, ", ", dilation);
  const int effective = (window - 1) * dilation + 1;
  AxisPlan plan;
  switch (padding) {
    case Padding::valid:
      plan.out = in >= effective ? (in - effective) / stride + 1 : 0;
      break;
    case Padding::same: {
      plan.out = (in + stride - 1) / stride;
      const int total = std::max((plan.out - 1) * stride + effective - in, 0);
      plan.pad_before = total / 2;
      break;
    }
    case Padding::causal:
      plan.out = (in + stride - 1) / stride;
      plan.pad_before = effective - 1;
      break;
  }
  return plan;
}

std::size_t Window2D::input_size() const {
  return std::size_t(batch) * in_h * in_w * channels;
}
std::size_t Window2D::window_size() const { return std::size_t(window_h) * window_w * channels; }
std::size_t Window2D::output_pixels() const { return std::size_t(batch) * out_h * out_w; }
bool Window2D::is_pointwise() const {
  return window_h == 1 && window_w == 1 && stride_h == 1 && stride_w == 1 && pad_top == 0 &&
         pad_left == 0 && out_h == in_h && out_w == in_w;
}

void plan_window(Window2D& window, Padding padding) {
  const AxisPlan rows = plan_axis(window.in_h, window.window_h, window.stride_h,
                                  window.dilation_h, padding);
  const AxisPlan cols = plan_axis(window.in_w, window.window_w, window.stride_w,
                                  window.dilation_w, padding);
  window.out_h = rows.out;
  window.pad_top = rows.pad_before;
  window.out_w = cols.out;
  window.pad_left = cols.pad_before;
}

void check_window(const Window2D& g, const char* function) {
  const bool positive = g.batch >= 1 && g.in_h >= 1 && g.in_w >= 1 && g.channels >= 1 &&
                        g.window_h >= 1 && g.window_w >= 1 && g.stride_h >= 1 &&
                        g.stride_w >= 1 && g.dilation_h >= 1 && g.dilation_w >= 1 &&
                        g.out_h >= 1 && g.out_w >= 1;
  check(positive && g.pad_top >= 0 && g.pad_left >= 0, function,
        ": expected positive extents and non-negative padding, got batch ", g.batch, ", input ",
        g.in_h, "x", g.in_w, "x", g.channels, ", window ", g.window_h, "x", g.window_w,
        ", stride ", g.stride_h, "x", g.stride_w, ", dilation ", g.dilation_h, "x", g.dilation_w,
        ", padding ", g.pad_top, "/", g.pad_left, ", output ", g.out_h, "x", g.out_w);
}

namespace {

// The taps j in [begin, end) of a window row whose input column start + j * dilation lies
// in [0, extent).
struct TapRange {
  int begin = 0, end = 0;
};
TapRange inside_taps(int start, int dilation, int taps, int extent) {
  TapRange range;
  range.begin = start >= 0 ? 0 : (-start + dilation - 1) / dilation;
  range.end = start >= extent ? 0 : std::min(taps, (extent - start + dilation - 1) / dilation);
  range.begin = std::min(range.begin, taps);
  range.end = std::max(range.end, range.begin);
  return range;
}

// Calls visit(window_row_offset, input_row, first_column, taps) for each window row of
// output pixel (oy, ox) that lies inside the image; input_row is null for rows in the padding.
template <typename Visit>
void for_each_window_row(const Window2D& g, int oy, int ox, Visit&& visit) {
  const int y0 = oy * g.stride_h - g.pad_top;
  const int x0 = ox * g.stride_w - g.pad_left;
  const TapRange taps = inside_taps(x0, g.dilation_w, g.window_w, g.in_w);
  for (int i = 0; i < g.window_h; ++i) {
    const int iy = y0 + i * g.dilation_h;
    const bool inside = iy >= 0 && iy < g.in_h;
    visit(std::size_t(i) * g.window_w * g.channels, inside ? iy : -1, x0, taps);
  }
}

}  // namespace

namespace {
// Window rows are short runs (kw * cin floats: 5 for LeNet's first layer); a plain loop beats
// a memmove call at that length, which under wasm is a call into the C library.
inline void copy_run(const float* src, std::size_t count, float* dst) {
  if (count > 64) {
    std::copy(src, src + count, dst);
    return;
  }
  std::size_t i = 0;
  for (; i + simd::lanes <= count; i += simd::lanes) simd::load(src + i).store_unaligned(dst + i);
  for (; i < count; ++i) dst[i] = src[i];
}
inline void zero_run(float* dst, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) dst[i] = 0.0f;
}
}  // namespace

void im2col_rows(const Window2D& g, const float* x, std::size_t first_row, std::size_t row_count,
                 float* columns) {
  const std::size_t channels = g.channels;
  const std::size_t row_floats = std::size_t(g.window_w) * channels;
  const std::size_t image_floats = std::size_t(g.in_h) * g.in_w * channels;
  const std::size_t input_row = std::size_t(g.in_w) * channels;
  const std::size_t image_pixels = std::size_t(g.out_h) * g.out_w;
  const bool undilated = g.dilation_h == 1 && g.dilation_w == 1;
  std::size_t b = first_row / image_pixels;
  int oy = static_cast<int>(first_row % image_pixels) / g.out_w;
  int ox = static_cast<int>(first_row % image_pixels) % g.out_w;
  float* row = columns;
  for (std::size_t n = 0; n < row_count; ++n, row += g.window_size()) {
    const float* image = x + b * image_floats;
    const int y0 = oy * g.stride_h - g.pad_top, x0 = ox * g.stride_w - g.pad_left;
    if (undilated && y0 >= 0 && y0 + g.window_h <= g.in_h && x0 >= 0 &&
        x0 + g.window_w <= g.in_w) {
      // Window wholly inside the image (most pixels): window_h straight runs.
      const float* src = image + std::size_t(y0) * input_row + std::size_t(x0) * channels;
      for (int i = 0; i < g.window_h; ++i)
        copy_run(src + i * input_row, row_floats, row + i * row_floats);
    } else {
      for_each_window_row(g, oy, ox, [&](std::size_t offset, int iy, int x_start, TapRange taps) {
        float* dst = row + offset;
        if (iy < 0) return zero_run(dst, row_floats);
        const float* src = image + std::size_t(iy) * input_row;
        zero_run(dst, taps.begin * channels);
        if (g.dilation_w == 1) {
          copy_run(src + std::size_t(x_start + taps.begin) * channels,
                   std::size_t(taps.end - taps.begin) * channels, dst + taps.begin * channels);
        } else {
          for (int j = taps.begin; j < taps.end; ++j)
            copy_run(src + std::size_t(x_start + j * g.dilation_w) * channels, channels,
                     dst + j * channels);
        }
        zero_run(dst + taps.end * channels, row_floats - taps.end * channels);
      });
    }
    if (++ox == g.out_w) {
      ox = 0;
      if (++oy == g.out_h) {
        oy = 0;
        ++b;
      }
    }
  }
}

// Copying is memory-bound: a thread is worth waking for ~256 KB of columns or more.
constexpr std::size_t kMinCopyFloatsPerThread = 65536;

void im2col(const Window2D& g, const float* x, float* columns) {
  check_window(g, "im2col");
  const std::size_t taps = g.window_size();
  parallel_for(g.output_pixels(), kMinCopyFloatsPerThread / std::max<std::size_t>(taps, 1),
               [&](std::size_t first, std::size_t end) {
                 im2col_rows(g, x, first, end - first, columns + first * taps);
               });
}

namespace {
// One image's share of col2im: images never overlap, so each is one independent item.
void col2im_image(const Window2D& g, const float* row, float* image) {
  const std::size_t channels = g.channels;
  for (int oy = 0; oy < g.out_h; ++oy) {
    for (int ox = 0; ox < g.out_w; ++ox, row += g.window_size()) {
      for_each_window_row(g, oy, ox, [&](std::size_t offset, int iy, int x0, TapRange taps) {
        if (iy < 0) return;
        const float* src = row + offset;
        float* dst = image + std::size_t(iy) * g.in_w * channels;
        if (g.dilation_w == 1) {
          float* first = dst + std::size_t(x0 + taps.begin) * channels;
          add(first, src + taps.begin * channels, first,
              std::size_t(taps.end - taps.begin) * channels);
        } else {
          for (int j = taps.begin; j < taps.end; ++j) {
            float* cell = dst + std::size_t(x0 + j * g.dilation_w) * channels;
            add(cell, src + j * channels, cell, channels);
          }
        }
      });
    }
  }
}
}  // namespace

void col2im(const Window2D& g, const float* columns, float* dx) {
  check_window(g, "col2im");
  const std::size_t image_floats = std::size_t(g.in_h) * g.in_w * g.channels;
  const std::size_t image_rows = std::size_t(g.out_h) * g.out_w;
  const std::size_t column_floats = image_rows * g.window_size();
  parallel_for(g.batch, kMinCopyFloatsPerThread / std::max<std::size_t>(column_floats, 1),
               [&](std::size_t first, std::size_t end) {
                 std::fill(dx + first * image_floats, dx + end * image_floats, 0.0f);
                 for (std::size_t b = first; b < end; ++b)
                   col2im_image(g, columns + b * column_floats, dx + b * image_floats);
               });
}

namespace {
void check_frame(const Frame2D& f, const char* function) {
  check(f.batch >= 1 && f.h >= 1 && f.w >= 1 && f.channels >= 1 && f.top >= 0 &&
            f.bottom >= 0 && f.left >= 0 && f.right >= 0,
        function, ": expected positive extents and non-negative margins, got batch ", f.batch,
        ", inner ", f.h, "x", f.w, "x", f.channels, ", margins top ", f.top, " bottom ",
        f.bottom, " left ", f.left, " right ", f.right);
}
}  // namespace

void zero_pad_2d(const Frame2D& f, const float* inner, float* outer) {
  check_frame(f, "zero_pad_2d");
  const std::size_t c = f.channels;
  const std::size_t outer_row = std::size_t(f.left + f.w + f.right) * c;
  const std::size_t inner_row = std::size_t(f.w) * c;
  for (int b = 0; b < f.batch; ++b) {
    outer = std::fill_n(outer, f.top * outer_row, 0.0f);
    for (int r = 0; r < f.h; ++r, inner += inner_row) {
      outer = std::fill_n(outer, f.left * c, 0.0f);
      outer = std::copy(inner, inner + inner_row, outer);
      outer = std::fill_n(outer, f.right * c, 0.0f);
    }
    outer = std::fill_n(outer, f.bottom * outer_row, 0.0f);
  }
}

void crop_2d(const Frame2D& f, const float* outer, float* inner) {
  check_frame(f, "crop_2d");
  const std::size_t c = f.channels;
  const std::size_t outer_row = std::size_t(f.left + f.w + f.right) * c;
  const std::size_t inner_row = std::size_t(f.w) * c;
  const std::size_t outer_image = std::size_t(f.top + f.h + f.bottom) * outer_row;
  for (int b = 0; b < f.batch; ++b) {
    const float* source = outer + b * outer_image + f.top * outer_row + f.left * c;
    for (int r = 0; r < f.h; ++r, source += outer_row)
      inner = std::copy(source, source + inner_row, inner);
  }
}

}  // namespace simdnn::kernels
