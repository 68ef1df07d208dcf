#pragma once
// Flatten: [batch, d1, d2, ...] -> [batch, d1 * d2 * ...]. Row-major channels-last data
// is already in Keras' flattened order, so this is a copy under a new shape.
#include <memory>
#include <string>

#include "layers/layer.hpp"

namespace simdnn {

class Flatten : public Layer {
 public:
  explicit Flatten(std::string name);
  static std::shared_ptr<Flatten> from_config(const Json& config);

  std::string class_name() const override { return "Flatten"; }
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  Json config() const override;

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;
};

}  // namespace simdnn
