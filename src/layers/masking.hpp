#pragma once
// Masking(mask_value): Keras' way to mark padded steps in an already-embedded sequence
// [batch, time, ...features]. A step whose features all equal mask_value is masked: its output is
// zero and the emitted [batch, time] mask is 0 there, so recurrent layers skip it.
#include <memory>
#include <string>

#include "layers/layer.hpp"

namespace simdnn {

class Masking : public Layer {
 public:
  Masking(std::string name, float mask_value);
  static std::shared_ptr<Masking> from_config(const Json& config);

  std::string class_name() const override { return "Masking"; }
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  void compute_output_masks(LayerCall& call) const override;
  Json config() const override;

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  float mask_value_;
};

}  // namespace simdnn
