#pragma once
// Conv2DTranspose (Keras semantics, channels-last): the adjoint of a Conv2D that would map this
// layer's output back to its input, so it reuses the convolution's im2col/col2im + GEMM.
// Kernel layout is Keras' [kh, kw, filters, in_channels]: exactly a Conv2D kernel from
// `filters` channels to `in_channels` channels, viewed as a (kh*kw*filters) x in_channels matrix.
//
// Forward: columns = x * kernel^T (one row per input pixel), output = col2im(columns) + bias,
// activation. Backward: columns = im2col(dz); dx = columns * kernel;
// dkernel += columns^T * x; dbias += column sums of dz.
// Output extent per axis (Keras deconv_output_length, no output_padding, dilation 1):
//   same: in * stride;  valid: in * stride + max(kernel - stride, 0).
#include <memory>
#include <string>
#include <vector>

#include "kernels/activations.hpp"
#include "kernels/conv.hpp"
#include "layers/initializers.hpp"
#include "layers/layer.hpp"

namespace simdnn {

struct ConvTransposeOptions {
  int filters = 0;
  std::vector<int> kernel_size;
  std::vector<int> strides{1};
  std::string padding = "valid";
  std::string activation = "linear";
  bool use_bias = true;
  Json kernel_initializer = "glorot_uniform";
  Json bias_initializer = "zeros";
};

class Conv2DTranspose : public Layer {
 public:
  Conv2DTranspose(std::string name, const ConvTransposeOptions& options);
  static std::shared_ptr<Conv2DTranspose> from_config(const Json& config);

  std::string class_name() const override { return "Conv2DTranspose"; }
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  std::vector<Param> params() override;
  Json config() const override;

  Tensor& kernel() { return kernel_; }  // [kh, kw, filters, in_channels]
  Tensor& bias() { return bias_; }

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  int filters_;
  std::vector<int> kernel_size_, strides_;
  kernels::Padding padding_;
  kernels::ActivationSpec activation_;
  bool use_bias_;
  Initializer kernel_initializer_;
  Initializer bias_initializer_;
  // The adjoint Conv2D's window: its input is this layer's output, its output this layer's input.
  kernels::Window2D window_;
  int in_channels_ = 0;
  Tensor kernel_, bias_, kernel_grad_, bias_grad_;
};

}  // namespace simdnn
