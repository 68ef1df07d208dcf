#pragma once
// UpSampling2D (Keras): repeats rows and columns by integer factors (nearest) or resizes with
// TF2 bilinear interpolation (half-pixel centres). No weights; the math is kernels/upsampling.
#include <memory>
#include <string>
#include <vector>

#include "layers/layer.hpp"

namespace simdnn {

class UpSampling2D : public Layer {
 public:
  UpSampling2D(std::string name, std::vector<int> size, std::string interpolation);
  static std::shared_ptr<UpSampling2D> from_config(const Json& config);

  std::string class_name() const override { return "UpSampling2D"; }
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  Json config() const override;

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  std::vector<int> size_;  // [rows, cols]
  std::string interpolation_;
};

}  // namespace simdnn
