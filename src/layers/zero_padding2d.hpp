#pragma once
// ZeroPadding2D (Keras, channels-last): adds rows and columns of zeros around each image.
// padding: an int, [rows, cols] (symmetric) or [[top, bottom], [left, right]].
#include <memory>
#include <string>

#include "core/json.hpp"
#include "layers/layer.hpp"
#include "layers/window_config.hpp"

namespace simdnn {

class ZeroPadding2D : public Layer {
 public:
  ZeroPadding2D(std::string name, const Margins2D& padding);
  static std::shared_ptr<ZeroPadding2D> from_config(const Json& config);

  std::string class_name() const override { return "ZeroPadding2D"; }
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  Json config() const override;
  const Margins2D& padding() const { return padding_; }  // {top, bottom, left, right}

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  kernels::Frame2D frame(int batch) const;
  Margins2D padding_;
};

}  // namespace simdnn
