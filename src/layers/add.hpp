#pragma once
// Add: elementwise sum of two or more inputs of the same shape (Keras merge layer).
#include <memory>
#include <string>

#include "layers/layer.hpp"

namespace simdnn {

class Add : public Layer {
 public:
  explicit Add(std::string name);
  static std::shared_ptr<Add> from_config(const Json& config);

  std::string class_name() const override { return "Add"; }
  // Keras merges masks: a step is kept only where every masked input keeps it.
  void compute_output_masks(LayerCall& call) const override;
  int expected_inputs() const override { return -1; }
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;
};

}  // namespace simdnn
