#pragma once
// Integer-factor 2-D upsampling of channels-last (NHWC) tensors, Keras UpSampling2D:
// nearest repeats each pixel size_h x size_w times; bilinear is TF2's tf.image.resize
// (half-pixel centres: source = (dst + 0.5) / size - 0.5, neighbours clamped to the edge).
// The *_backward functions are the adjoints: dx (overwritten) sums every output cell's
// gradient into the input cells it read, with the same weights.
#include <cstddef>

namespace simdnn::kernels {

struct Upsample2D {
  int batch = 1, in_h = 1, in_w = 1, channels = 1;
  int size_h = 1, size_w = 1;
  std::size_t output_size() const {
    return static_cast<std::size_t>(batch) * in_h * size_h * in_w * size_w * channels;
  }
};

void upsample_nearest(const Upsample2D& u, const float* x, float* y);
void upsample_nearest_backward(const Upsample2D& u, const float* dy, float* dx);
void upsample_bilinear(const Upsample2D& u, const float* x, float* y);
void upsample_bilinear_backward(const Upsample2D& u, const float* dy, float* dx);

}  // namespace simdnn::kernels
