#pragma once
// Shared base of the advanced-activation layers (LeakyReLU, ELU, ReLU) whose function is
// an elementwise kernel from kernels/activations.hpp: same shape in and out, no weights.
// Subclasses pick the kernel spec; ReLU overrides the math for options the kernels lack.
#include <string>

#include "kernels/activations.hpp"
#include "layers/layer.hpp"

namespace simdnn {

class ElementwiseActivation : public Layer {
 public:
  bool propagates_mask() const override { return true; }  // per-step: padded steps stay padded
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;

 protected:
  using Layer::Layer;
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;
  // y = f(x) and dx = dy * f'(x) over n values; by default the kernel for spec().
  virtual void apply(const float* x, float* y, std::size_t n) const;
  virtual void apply_backward(const float* x, const float* y, const float* dy, float* dx,
                              std::size_t n) const;
  void set_spec(kernels::ActivationSpec spec) { spec_ = spec; }
  const kernels::ActivationSpec& spec() const { return spec_; }

 private:
  kernels::ActivationSpec spec_;
};

}  // namespace simdnn
