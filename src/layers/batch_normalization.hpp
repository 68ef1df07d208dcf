#pragma once
// BatchNormalization with Keras 3 semantics:
//   y = (x - mean) / sqrt(variance + epsilon) * gamma + beta, per channel (one axis, -1 by
//   default, so it follows Dense ([batch, features]), Conv ([batch, h, w, c]) and sequences).
// In training the mean and the biased variance come from the batch (every axis but the
// channel axis) and the moving statistics are updated as
//   moving = moving * momentum + batch * (1 - momentum);
// in inference the moving statistics are used. As in Keras, a frozen layer
// (trainable == false) always runs in inference mode, even inside fit(): this is what
// fine-tuning a model with frozen BatchNormalization layers relies on.
// Weights, in Keras order: gamma (if scale), beta (if center), moving_mean,
// moving_variance; the last two are non-trainable and have no gradient.
#include <memory>
#include <string>

#include "core/json.hpp"
#include "layers/initializers.hpp"
#include "layers/layer.hpp"

namespace simdnn {

struct BatchNormalizationOptions {
  int axis = -1;  // Keras axis, counted with the batch axis (axis 0 is refused)
  float momentum = 0.99f;
  float epsilon = 1e-3f;
  bool center = true;  // use beta
  bool scale = true;   // use gamma
  bool synchronized = false;  // Keras 3 field; one device, so it changes nothing here
  Json beta_initializer = "zeros";
  Json gamma_initializer = "ones";
  Json moving_mean_initializer = "zeros";
  Json moving_variance_initializer = "ones";
};

class BatchNormalization : public Layer {
 public:
  BatchNormalization(std::string name, const BatchNormalizationOptions& options = {});
  static std::shared_ptr<BatchNormalization> from_config(const Json& config);

  std::string class_name() const override { return "BatchNormalization"; }
  bool propagates_mask() const override { return true; }  // per-step: padded steps stay padded
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  std::vector<Param> params() override;
  Json config() const override;

  // Empty tensors when the layer is built without scale / center.
  Tensor& gamma() { return gamma_; }
  Tensor& beta() { return beta_; }
  Tensor& moving_mean() { return moving_mean_; }
  Tensor& moving_variance() { return moving_variance_; }
  int channels() const { return channels_; }

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  // Keras: batch statistics only when training a trainable layer.
  bool uses_batch_statistics(const LayerCall& call) const { return call.training && trainable(); }
  void compute_batch_statistics(const Tensor& x, float* mean, float* variance) const;

  int axis_;
  float momentum_;
  float epsilon_;
  bool center_;
  bool scale_;
  bool synchronized_;
  Initializer beta_initializer_, gamma_initializer_;
  Initializer moving_mean_initializer_, moving_variance_initializer_;
  // A tensor is seen as [rows, channels, inner] around the channel axis (rows: the batch
  // and the axes before it), so the same loops serve channels-last and channels-first.
  int channels_ = 0, inner_ = 0;
  Tensor gamma_, beta_, moving_mean_, moving_variance_, gamma_grad_, beta_grad_;
};

}  // namespace simdnn
