#pragma once
// GaussianNoise: adds N(0, stddev^2) noise in training (from call.rng); identity otherwise.
// The noise is additive, so the gradient passes through unchanged.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "layers/layer.hpp"

namespace simdnn {

class GaussianNoise : public Layer {
 public:
  GaussianNoise(std::string name, float stddev, std::optional<std::int64_t> seed = std::nullopt);
  static std::shared_ptr<GaussianNoise> from_config(const Json& config);

  std::string class_name() const override { return "GaussianNoise"; }
  bool propagates_mask() const override { return true; }  // per-step: padded steps stay padded
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  Json config() const override;

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  float stddev_;
  std::optional<std::int64_t> seed_;
};

}  // namespace simdnn
