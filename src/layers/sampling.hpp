#pragma once
// Sampling: the VAE reparameterisation trick. Inputs [z_mean, z_log_var] -> z = mean +
// exp(log_var / 2) * eps with eps ~ N(0, 1) from the model's seeded stream, so the sample stays
// differentiable in mean and log_var. It also adds the KL divergence to N(0, 1),
// kl_weight * -0.5 * mean over the batch of sum(1 + log_var - mean^2 - exp(log_var)), as an
// add_loss term named "kl_loss" whose gradient it adds to its inputs' gradients in backward.
#include <memory>
#include <string>

#include "layers/layer.hpp"

namespace simdnn {

class Sampling : public Layer {
 public:
  Sampling(std::string name, float kl_weight = 1.0f);
  static std::shared_ptr<Sampling> from_config(const Json& config);

  std::string class_name() const override { return "Sampling"; }
  int expected_inputs() const override { return 2; }
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  Json config() const override;
  float kl_weight() const { return kl_weight_; }

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  float kl_weight_;
};

}  // namespace simdnn
