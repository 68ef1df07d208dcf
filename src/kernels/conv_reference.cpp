// Scalar im2col/col2im references: one element at a time, each tap bounds-checked on its
// own, straight from the definition. The fast versions must match them exactly (they only
// copy, and col2im adds in the same order).
#include <algorithm>

#include "kernels/conv.hpp"

namespace simdnn::kernels::reference {

namespace {
// Calls visit(column_index, input_index) for every (row, tap, channel) of the columns,
// with input_index = -1 for taps in the padding.
template <typename Visit>
void for_each_column_entry(const Window2D& g, Visit&& visit) {
  std::size_t column = 0;
  for (int b = 0; b < g.batch; ++b)
    for (int oy = 0; oy < g.out_h; ++oy)
      for (int ox = 0; ox < g.out_w; ++ox)
        for (int i = 0; i < g.window_h; ++i)
          for (int j = 0; j < g.window_w; ++j)
            for (int c = 0; c < g.channels; ++c, ++column) {
              const int iy = oy * g.stride_h - g.pad_top + i * g.dilation_h;
              const int ix = ox * g.stride_w - g.pad_left + j * g.dilation_w;
              const bool inside = iy >= 0 && iy < g.in_h && ix >= 0 && ix < g.in_w;
              const long long index =
                  inside ? ((static_cast<long long>(b) * g.in_h + iy) * g.in_w + ix) * g.channels + c
                         : -1;
              visit(column, index);
            }
}
}  // namespace

void im2col(const Window2D& g, const float* x, float* columns) {
  check_window(g, "reference::im2col");
  for_each_column_entry(g, [&](std::size_t column, long long index) {
    columns[column] = index >= 0 ? x[index] : 0.0f;
  });
}

void col2im(const Window2D& g, const float* columns, float* dx) {
  check_window(g, "reference::col2im");
  std::fill(dx, dx + g.input_size(), 0.0f);
  for_each_column_entry(g, [&](std::size_t column, long long index) {
    if (index >= 0) dx[index] += columns[column];
  });
}

}  // namespace simdnn::kernels::reference
