#pragma once
// Fused convolution forward for inference: y = activation(im2col(x) * kernel + bias), with
// the same layouts as conv.hpp (kernel viewed as window_size x filters, y as output_pixels x
// filters). The fast path works through cache-sized blocks of output pixels (im2col of the
// block, GEMM, bias and activation while the block is still in cache), so the full columns
// matrix is never written: training keeps the columns for backward, inference does not
// need them. bias may be null (no bias).
#include "kernels/activations.hpp"
#include "kernels/conv.hpp"

namespace simdnn::kernels {

#define SIMDNN_CONV_FORWARD_KERNELS                                                       \
  void conv_forward(const Window2D& window, const float* x, const float* kernel,          \
                    const float* bias, int filters, const ActivationSpec& activation,     \
                    float* y);

SIMDNN_CONV_FORWARD_KERNELS

namespace reference {
SIMDNN_CONV_FORWARD_KERNELS
}

}  // namespace simdnn::kernels
