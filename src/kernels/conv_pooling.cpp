// Pooling loops: per output pixel, the window's rows and columns are clipped to the input
// once, then each inside cell is combined with the whole channel vector (contiguous in NHWC).
#include "kernels/conv_pooling.hpp"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "kernels/elementwise.hpp"
#include "kernels/simd_loops.hpp"

namespace simdnn::kernels {

namespace {

void check_pool_window(const Window2D& g, const char* function) {
  check_window(g, function);
  check(g.dilation_h == 1 && g.dilation_w == 1, function, ": pooling takes no dilation, got ",
        g.dilation_h, "x", g.dilation_w);
  check(g.input_size() <= std::size_t(std::numeric_limits<std::int32_t>::max()), function,
        ": input of ", g.input_size(), " floats exceeds the 32-bit index range");
}

// The input cells of output pixel (oy, ox), clipped to the image: rows [row_begin, row_end)
// and columns [col_begin, col_end) in input coordinates.
struct Cells {
  int row_begin, row_end, col_begin, col_end;
  int count() const { return (row_end - row_begin) * (col_end - col_begin); }
};
Cells inside_cells(const Window2D& g, int oy, int ox) {
  const int y0 = oy * g.stride_h - g.pad_top, x0 = ox * g.stride_w - g.pad_left;
  Cells cells{std::max(y0, 0), std::min(y0 + g.window_h, g.in_h), std::max(x0, 0),
              std::min(x0 + g.window_w, g.in_w)};
  cells.row_end = std::max(cells.row_end, cells.row_begin);
  cells.col_end = std::max(cells.col_end, cells.col_begin);
  return cells;
}

// Threads take whole images: a window never reaches into another image, so every image's
// outputs (and, backward, its input gradients) are written by one thread, with the same
// operations whatever the thread count. A thread is worth waking for ~16K input floats.
template <typename Body>
void for_image_runs(const Window2D& g, Body&& body) {
  const std::size_t image_floats = std::size_t(g.in_h) * g.in_w * g.channels;
  const std::size_t min_images = std::max<std::size_t>(1, 16384 / std::max<std::size_t>(image_floats, 1));
  parallel_for(static_cast<std::size_t>(g.batch), min_images,
               [&](std::size_t first, std::size_t end) { body(first, end); });
}

// Calls visit(pixel, image_offset, cells): pixel is the flat output pixel index over the
// batch, image_offset the index in x of the pixel's sample.
template <typename Visit>
void for_each_output_pixel(const Window2D& g, Visit&& visit) {
  const std::size_t image_floats = std::size_t(g.in_h) * g.in_w * g.channels;
  const std::size_t image_pixels = std::size_t(g.out_h) * g.out_w;
  for_image_runs(g, [&](std::size_t first, std::size_t end) {
    std::size_t pixel = first * image_pixels;
    for (std::size_t b = first; b < end; ++b)
      for (int oy = 0; oy < g.out_h; ++oy)
        for (int ox = 0; ox < g.out_w; ++ox, ++pixel)
          visit(pixel, b * image_floats, inside_cells(g, oy, ox));
  });
}

std::size_t cell_index(const Window2D& g, std::size_t image_offset, int iy, int ix) {
  return image_offset + (std::size_t(iy) * g.in_w + ix) * g.channels;
}

}  // namespace

void max_pool_forward(const Window2D& g, const float* x, float* y, std::int32_t* argmax) {
  check_pool_window(g, "max_pool_forward");
  const int channels = g.channels;
  for_each_output_pixel(g, [&](std::size_t pixel, std::size_t image, Cells cells) {
    float* best = y + pixel * channels;
    std::int32_t* where = argmax + pixel * channels;
    if (cells.count() == 0) {  // a window wholly in the padding (not produced by plan_window)
      std::fill_n(best, channels, -std::numeric_limits<float>::infinity());
      std::fill_n(where, channels, -1);
      return;
    }
    bool first = true;
    for (int iy = cells.row_begin; iy < cells.row_end; ++iy) {
      for (int ix = cells.col_begin; ix < cells.col_end; ++ix) {
        const std::size_t at = cell_index(g, image, iy, ix);
        const float* cell = x + at;
        for (int c = 0; c < channels; ++c) {
          // Strictly greater: ties keep the earlier cell.
          if (first || cell[c] > best[c]) {
            best[c] = cell[c];
            where[c] = static_cast<std::int32_t>(at + c);
          }
        }
        first = false;
      }
    }
  });
}

namespace {

// Every window inside the input (valid padding, or same padding that needs none).
bool windows_inside(const Window2D& g) {
  return g.pad_top == 0 && g.pad_left == 0 && (g.out_h - 1) * g.stride_h + g.window_h <= g.in_h &&
         (g.out_w - 1) * g.stride_w + g.window_w <= g.in_w;
}

// Windows inside the input: per output row, the max over the window's input rows first (one
// contiguous run of in_w * channels floats, vectorised whatever the channel count), then
// over each window's columns of that row max. Per-pixel work is then a few loads, not a
// clipped window walk.
void max_pool_values_inside(const Window2D& g, const float* x, float* y) {
  const std::size_t channels = g.channels;
  const std::size_t row = std::size_t(g.in_w) * channels;
  for_image_runs(g, [&](std::size_t first_image, std::size_t end_image) {
    thread_local std::vector<float> row_max;
    row_max.resize(row);
    for (std::size_t b = first_image; b < end_image; ++b) {
      for (int oy = 0; oy < g.out_h; ++oy) {
        const float* first = x + (std::size_t(b) * g.in_h + std::size_t(oy) * g.stride_h) * row;
        std::copy(first, first + row, row_max.begin());
        for (int ky = 1; ky < g.window_h; ++ky)
          simd::transform(row, row_max.data(), [](auto a, auto c) { return xsimd::max(a, c); },
                          row_max.data(), first + ky * row);
        float* out = y + (std::size_t(b) * g.out_h + oy) * g.out_w * channels;
        for (int ox = 0; ox < g.out_w; ++ox, out += channels) {
          const float* cells = row_max.data() + std::size_t(ox) * g.stride_w * channels;
          // Channel runs are short here: whole batches, and for a ragged end (LeNet's 6
          // channels) one more batch ending at the last channel, overlapping the previous one:
          // a maximum computed twice is the same maximum. Fewer than a batch of channels: scalar.
          const auto pool_batch = [&](std::size_t c) {
            simd::Batch m = simd::load(cells + c);
            for (int kx = 1; kx < g.window_w; ++kx) m = xsimd::max(m, simd::load(cells + kx * channels + c));
            m.store_unaligned(out + c);
          };
          std::size_t c = 0;
          for (; c + simd::lanes <= channels; c += simd::lanes) pool_batch(c);
          if (c < channels && channels >= simd::lanes) {
            pool_batch(channels - simd::lanes);
            c = channels;
          }
          for (; c < channels; ++c) {
            float m = cells[c];
            for (int kx = 1; kx < g.window_w; ++kx) m = std::max(m, cells[kx * channels + c]);
            out[c] = m;
          }
        }
      }
    }
  });
}

}  // namespace

void max_pool_values(const Window2D& g, const float* x, float* y) {
  check_pool_window(g, "max_pool_values");
  if (windows_inside(g)) {
    max_pool_values_inside(g, x, y);
    return;
  }
  const std::size_t channels = g.channels;
  const std::size_t lanes = simd::lanes;
  for_each_output_pixel(g, [&](std::size_t pixel, std::size_t image, Cells cells) {
    float* best = y + pixel * channels;
    if (cells.count() == 0) {
      std::fill_n(best, channels, -std::numeric_limits<float>::infinity());
      return;
    }
    const float* first = x + cell_index(g, image, cells.row_begin, cells.col_begin);
    std::copy(first, first + channels, best);
    for (int iy = cells.row_begin; iy < cells.row_end; ++iy) {
      for (int ix = cells.col_begin; ix < cells.col_end; ++ix) {
        const float* cell = x + cell_index(g, image, iy, ix);
        std::size_t c = 0;
        for (; c + lanes <= channels; c += lanes)
          xsimd::max(simd::load(best + c), simd::load(cell + c)).store_unaligned(best + c);
        for (; c < channels; ++c) best[c] = std::max(best[c], cell[c]);
      }
    }
  });
}

void max_pool_backward(const Window2D& g, const float* dy, const std::int32_t* argmax, float* dx) {
  check_pool_window(g, "max_pool_backward");
  // argmax points into the output's own image, so images are independent.
  const std::size_t image_floats = std::size_t(g.in_h) * g.in_w * g.channels;
  const std::size_t image_outputs = std::size_t(g.out_h) * g.out_w * g.channels;
  for_image_runs(g, [&](std::size_t first, std::size_t end) {
    std::fill(dx + first * image_floats, dx + end * image_floats, 0.0f);
    for (std::size_t o = first * image_outputs; o < end * image_outputs; ++o)
      if (argmax[o] >= 0) dx[argmax[o]] += dy[o];
  });
}

void average_pool_forward(const Window2D& g, const float* x, float* y) {
  check_pool_window(g, "average_pool_forward");
  const int channels = g.channels;
  for_each_output_pixel(g, [&](std::size_t pixel, std::size_t image, Cells cells) {
    float* out = y + pixel * channels;
    std::fill_n(out, channels, 0.0f);
    for (int iy = cells.row_begin; iy < cells.row_end; ++iy)
      for (int ix = cells.col_begin; ix < cells.col_end; ++ix)
        add(out, x + cell_index(g, image, iy, ix), out, channels);
    if (cells.count() > 0) scale(1.0f / float(cells.count()), out, out, channels);
  });
}

void average_pool_backward(const Window2D& g, const float* dy, float* dx) {
  check_pool_window(g, "average_pool_backward");
  std::fill(dx, dx + g.input_size(), 0.0f);
  const int channels = g.channels;
  for_each_output_pixel(g, [&](std::size_t pixel, std::size_t image, Cells cells) {
    if (cells.count() == 0) return;
    const float share = 1.0f / float(cells.count());
    const float* grad = dy + pixel * channels;
    for (int iy = cells.row_begin; iy < cells.row_end; ++iy)
      for (int ix = cells.col_begin; ix < cells.col_end; ++ix)
        axpy(share, grad, dx + cell_index(g, image, iy, ix), channels);
  });
}

}  // namespace simdnn::kernels
