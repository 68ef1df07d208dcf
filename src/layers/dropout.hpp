#pragma once
// Dropout: inverted dropout in training (keep with probability 1 - rate, scale kept values
// by 1 / (1 - rate)); identity in inference. The mask comes from call.rng, so a model's
// seed fixes every mask; `seed` is kept for the config round trip.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "layers/layer.hpp"

namespace simdnn {

class Dropout : public Layer {
 public:
  Dropout(std::string name, float rate, std::optional<std::int64_t> seed = std::nullopt);
  static std::shared_ptr<Dropout> from_config(const Json& config);

  std::string class_name() const override { return "Dropout"; }
  bool propagates_mask() const override { return true; }  // per-step: padded steps stay padded
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  Json config() const override;
  float rate() const { return rate_; }

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  bool active(const LayerCall& call) const { return call.training && rate_ > 0.0f; }
  float rate_;
  std::optional<std::int64_t> seed_;
};

}  // namespace simdnn
