#pragma once
// Cropping2D (Keras, channels-last): removes rows and columns from the edges of each image.
// cropping: an int, [rows, cols] (symmetric) or [[top, bottom], [left, right]].
#include <memory>
#include <string>

#include "core/json.hpp"
#include "layers/layer.hpp"
#include "layers/window_config.hpp"

namespace simdnn {

class Cropping2D : public Layer {
 public:
  Cropping2D(std::string name, const Margins2D& cropping);
  static std::shared_ptr<Cropping2D> from_config(const Json& config);

  std::string class_name() const override { return "Cropping2D"; }
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  Json config() const override;
  const Margins2D& cropping() const { return cropping_; }  // {top, bottom, left, right}

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  kernels::Frame2D frame(int batch) const;
  Margins2D cropping_;
};

}  // namespace simdnn
