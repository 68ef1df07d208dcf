#pragma once
// RepeatVector(n): [batch, features] -> [batch, n, features] (Keras), e.g. to feed an encoder's
// summary vector to a decoder at every step. The gradient sums over the n copies.
#include <memory>
#include <string>

#include "layers/layer.hpp"

namespace simdnn {

class RepeatVector : public Layer {
 public:
  RepeatVector(std::string name, int n);
  static std::shared_ptr<RepeatVector> from_config(const Json& config);

  std::string class_name() const override { return "RepeatVector"; }
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  Json config() const override;
  int n() const { return n_; }

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  int n_;
};

}  // namespace simdnn
