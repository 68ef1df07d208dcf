#pragma once
// Softmax layer: normalises exp(x) along one axis (Keras default -1, the last). The last
// axis uses the SIMD softmax kernel; another axis (e.g. 1 of [batch, classes, positions])
// takes a strided loop with the same max-subtraction, so large inputs never overflow.
#include <memory>
#include <string>

#include "layers/layer.hpp"

namespace simdnn {

class Softmax : public Layer {
 public:
  explicit Softmax(std::string name, int axis = -1);
  static std::shared_ptr<Softmax> from_config(const Json& config);

  std::string class_name() const override { return "Softmax"; }
  bool propagates_mask() const override { return true; }  // per-step: padded steps stay padded
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  Json config() const override;
  int axis() const { return axis_; }

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  int axis_;  // as given (Keras counts the batch axis as 0)
  // A tensor seen as [rows, classes, inner] around the softmax axis; inner == 1 for the
  // last axis.
  int classes_ = 0, inner_ = 0;
};

}  // namespace simdnn
