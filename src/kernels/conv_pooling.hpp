#pragma once
// Max and average pooling over channels-last windows (Window2D from conv.hpp; the window is
// the pool, dilation must be 1). Padding cells never take part: a max ignores them and an
// average divides by the number of cells inside the input, as TensorFlow does for 'same'.
// 1-D pooling uses height 1; global pooling is a window covering the whole input.
#include <cstdint>

#include "kernels/conv.hpp"

namespace simdnn::kernels {

// y: (batch, out_h, out_w, channels). argmax receives, per output element, the flat index
// into x of the maximum (the first one in window row-major order on ties).
void max_pool_forward(const Window2D& window, const float* x, float* y, std::int32_t* argmax);
// The y of max_pool_forward without the argmax (inference), batched over channels. For
// finite inputs it equals max_pool_forward's y exactly (its reference); NaN handling may
// differ.
void max_pool_values(const Window2D& window, const float* x, float* y);
// dx (overwritten, window.input_size() floats): each dy routed to its argmax.
void max_pool_backward(const Window2D& window, const float* dy, const std::int32_t* argmax,
                       float* dx);

void average_pool_forward(const Window2D& window, const float* x, float* y);
// dx (overwritten): each dy spread evenly over the cells its window averaged.
void average_pool_backward(const Window2D& window, const float* dy, float* dx);

}  // namespace simdnn::kernels
