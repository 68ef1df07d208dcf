#pragma once
// Sliding-window geometry over channels-last (NHWC) data, and the im2col/col2im pair that
// turns a convolution into one GEMM. 1-D layers use the same code with height 1.
//
// Column layout: one row per output pixel (b, oy, ox) in row-major order, holding the window
// as [window_h, window_w, channels] -- exactly the row index of a Keras kernel
// [kh, kw, cin, filters] viewed as a (kh*kw*cin) x filters matrix, so
//   output (pixels x filters) = columns (pixels x kh*kw*cin) * kernel.
// Cells of the window that fall into the padding read as zero.
#include <cstddef>
#include <string>

namespace simdnn::kernels {

enum class Padding { valid, same, causal };

// Keras spelling: "valid", "same", "causal".
std::string padding_name(Padding padding);

// One axis of a window: the output extent and the padding before the first input cell.
// Keras/TF arithmetic with effective window e = (window - 1) * dilation + 1:
//   valid:  out = ceil((in - e + 1) / stride), no padding (out <= 0 when e > in)
//   same:   out = ceil(in / stride), pad_total = max((out - 1) * stride + e - in, 0),
//           pad_before = pad_total / 2 (the extra cell of an odd total goes after)
//   causal: pad_before = e - 1, out = ceil(in / stride) (1-D convolutions only)
// The padding after the last cell is implicit: cells past the input read as zero.
struct AxisPlan {
  int out = 0;
  int pad_before = 0;
};
AxisPlan plan_axis(int in, int window, int stride, int dilation, Padding padding);

struct Window2D {
  int batch = 1;
  int in_h = 1, in_w = 1, channels = 1;
  int window_h = 1, window_w = 1;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  int pad_top = 0, pad_left = 0;
  int out_h = 1, out_w = 1;

  std::size_t input_size() const;   // batch * in_h * in_w * channels
  std::size_t window_size() const;  // window_h * window_w * channels: one column row
  std::size_t output_pixels() const;  // batch * out_h * out_w: the number of column rows
  // True when the columns equal the input itself (1x1 window, stride 1, no padding).
  bool is_pointwise() const;
};

// Fills in the output extents and padding of `window` for `padding` (plan_axis per axis).
void plan_window(Window2D& window, Padding padding);

// Throws an Error naming `function` when an extent is not positive or the padding is
// negative; kernels call it once per call, not per element.
void check_window(const Window2D& window, const char* function);

#define SIMDNN_CONV_KERNELS                                                              \
  /* columns (output_pixels x window_size) from x (batch, in_h, in_w, channels) */       \
  void im2col(const Window2D& window, const float* x, float* columns);                   \
  /* dx = the sum, into each input cell, of every column entry that read it (dx is      \
     overwritten, padding entries are dropped): the adjoint of im2col */                 \
  void col2im(const Window2D& window, const float* columns, float* dx);

SIMDNN_CONV_KERNELS

namespace reference {
SIMDNN_CONV_KERNELS
}

// Rows [first_row, first_row + row_count) of the im2col columns (row_count * window_size
// floats): im2col is this over every row. For cache-sized blocks; the window is not checked.
void im2col_rows(const Window2D& window, const float* x, std::size_t first_row,
                 std::size_t row_count, float* columns);

// Copies between an NHWC tensor and a larger one framed by zeros (ZeroPadding2D, Cropping2D).
// The small tensor is (batch, h, w, channels); the large one is
// (batch, top + h + bottom, left + w + right, channels).
// zero_pad_2d writes the large tensor (zero frame); crop_2d reads the window back out.
struct Frame2D {
  int batch = 1, h = 1, w = 1, channels = 1;  // the small (inner) tensor
  int top = 0, bottom = 0, left = 0, right = 0;
};
void zero_pad_2d(const Frame2D& frame, const float* inner, float* outer);
void crop_2d(const Frame2D& frame, const float* outer, float* inner);

}  // namespace simdnn::kernels
