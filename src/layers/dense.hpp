#pragma once
// Dense: y = activation(x W + b), W is [in, units] (Keras layout), b is [units].
// Inputs of rank > 2 ([batch, ..., in]) are handled as Keras does: the kernel applies to
// the last axis, so they are treated as a (batch * ...) x in matrix.
#include <memory>
#include <string>

#include "core/json.hpp"
#include "kernels/activations.hpp"
#include "layers/initializers.hpp"
#include "layers/layer.hpp"

namespace simdnn {

struct DenseOptions {
  int units = 0;
  std::string activation = "linear";
  bool use_bias = true;
  Json kernel_initializer = "glorot_uniform";
  Json bias_initializer = "zeros";
};

class Dense : public Layer {
 public:
  Dense(std::string name, const DenseOptions& options);
  static std::shared_ptr<Dense> from_config(const Json& config);

  std::string class_name() const override { return "Dense"; }
  bool propagates_mask() const override { return true; }  // per-step: padded steps stay padded
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  std::vector<Param> params() override;
  Json config() const override;

  int units() const { return units_; }
  Tensor& kernel() { return kernel_; }
  Tensor& bias() { return bias_; }

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  int units_;
  kernels::ActivationSpec activation_;
  bool use_bias_;
  Initializer kernel_initializer_;
  Initializer bias_initializer_;
  int input_features_ = 0;
  Tensor kernel_, bias_, kernel_grad_, bias_grad_;
};

}  // namespace simdnn
