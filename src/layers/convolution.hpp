#pragma once
// Conv1D and Conv2D (Keras semantics, channels-last). One implementation serves both: a
// 1-D convolution over [batch, steps, channels] is a 2-D one of height 1, and a Keras
// Conv1D kernel [k, cin, filters] has the memory of a [1, k, cin, filters] 2-D kernel.
//
// Forward: im2col gathers each output pixel's window into a row of `columns`, then
// output = columns * kernel (kernel viewed as (kh*kw*cin) x filters), + bias, activation.
// Backward: dkernel += columns^T * dz, dbias += column sums of dz, and (only when the input
// gradient is needed) dx = col2im(dz * kernel^T). A 1x1 stride-1 convolution skips im2col.
// Inference runs the fused, blocked kernels::conv_forward instead and saves nothing.
#include <memory>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "kernels/activations.hpp"
#include "kernels/conv.hpp"
#include "layers/config_reader.hpp"
#include "layers/initializers.hpp"
#include "layers/layer.hpp"

namespace simdnn {

struct ConvOptions {
  int filters = 0;
  std::vector<int> kernel_size;    // one value (repeated) or one per spatial axis
  std::vector<int> strides{1};
  std::string padding = "valid";   // "valid" | "same" | "causal" (Conv1D only)
  std::vector<int> dilation_rate{1};
  std::string activation = "linear";
  bool use_bias = true;
  Json kernel_initializer = "glorot_uniform";
  Json bias_initializer = "zeros";
};

class Convolution : public Layer {
 public:
  std::string class_name() const override { return class_name_; }
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  std::vector<Param> params() override;
  Json config() const override;

  int rank() const { return rank_; }  // number of spatial axes: 1 or 2
  int filters() const { return filters_; }
  Tensor& kernel() { return kernel_; }  // Keras layout [kh, kw, cin, filters] / [k, cin, filters]
  Tensor& bias() { return bias_; }

  // Reads the Keras config fields shared by Conv1D and Conv2D (errors name the layer).
  static ConvOptions read_options(ConfigReader& reader, int rank);

 protected:
  Convolution(std::string class_name, std::string name, int rank, const ConvOptions& options);
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  // The training forward: keeps the columns and pre-activation backward needs.
  void forward_saving(LayerCall& call);

  std::string class_name_;  // first: context() reads it while the other members initialise
  int rank_;
  int filters_;
  std::vector<int> kernel_size_, strides_, dilation_rate_;
  kernels::Padding padding_;
  kernels::ActivationSpec activation_;
  bool use_bias_;
  Initializer kernel_initializer_;
  Initializer bias_initializer_;
  kernels::Window2D window_;  // for batch 1; forward sets the batch
  Tensor kernel_, bias_, kernel_grad_, bias_grad_;
};

class Conv2D : public Convolution {
 public:
  Conv2D(std::string name, const ConvOptions& options);
  static std::shared_ptr<Conv2D> from_config(const Json& config);
};

class Conv1D : public Convolution {
 public:
  Conv1D(std::string name, const ConvOptions& options);
  static std::shared_ptr<Conv1D> from_config(const Json& config);
};

}  // namespace simdnn
