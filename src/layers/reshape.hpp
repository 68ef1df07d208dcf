#pragma once
// Reshape: to a per-sample target_shape (Keras: batch axis excluded); one extent may be -1
// and is inferred at build time.
#include <memory>
#include <string>
#include <vector>

#include "layers/layer.hpp"

namespace simdnn {

class Reshape : public Layer {
 public:
  Reshape(std::string name, Shape target_shape);
  static std::shared_ptr<Reshape> from_config(const Json& config);

  std::string class_name() const override { return "Reshape"; }
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  Json config() const override;

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  Shape target_shape_;  // as configured, possibly with one -1
};

// Resizes `out` to one tensor of `shape` holding a copy of `source`'s values (Flatten,
// Reshape). A copy, not a view: a view would share the producer's buffer and force it to
// reallocate on its next resize().
void copy_with_shape(const Tensor& source, const Shape& shape, std::vector<Tensor>& out);

}  // namespace simdnn
