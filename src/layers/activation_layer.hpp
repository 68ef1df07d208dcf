#pragma once
// Activation: applies a Keras activation elementwise (softmax over the last axis).
#include <memory>
#include <string>

#include "kernels/activations.hpp"
#include "layers/layer.hpp"

namespace simdnn {

class ActivationLayer : public Layer {
 public:
  ActivationLayer(std::string name, const std::string& activation);
  static std::shared_ptr<ActivationLayer> from_config(const Json& config);

  std::string class_name() const override { return "Activation"; }
  bool propagates_mask() const override { return true; }  // per-step: padded steps stay padded
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  Json config() const override;

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  kernels::ActivationSpec activation_;
};

}  // namespace simdnn
