#pragma once
// InputLayer: the entry of a model. It declares the per-sample input shape (Keras
// batch_input_shape / batch_shape with a leading null, or shape) and passes data through.
#include <memory>
#include <string>

#include "layers/layer.hpp"

namespace simdnn {

class InputLayer : public Layer {
 public:
  InputLayer(std::string name, Shape shape);
  static std::shared_ptr<InputLayer> from_config(const Json& config);

  std::string class_name() const override { return "InputLayer"; }
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  Json config() const override;
  const Shape& shape() const { return shape_; }

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  Shape shape_;
};

}  // namespace simdnn
