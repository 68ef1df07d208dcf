#include "layers/sampling.hpp"

#include <cmath>

#include "core/error.hpp"
#include "layers/config_helpers.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {

Sampling::Sampling(std::string name, float kl_weight) : Layer(std::move(name)), kl_weight_(kl_weight) {
  check(std::isfinite(kl_weight_) && kl_weight_ >= 0.0f, context(),
        ": kl_weight must be a non-negative number, got ", kl_weight_);
}

std::shared_ptr<Sampling> Sampling::from_config(const Json& config) {
  ConfigReader reader(config, "Sampling");
  const std::string name = reader.name();
  const float kl_weight = reader.number_in("kl_weight", 1.0f, 0.0f, 1e30f);
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<Sampling>(name, kl_weight);
  layer->set_trainable(trainable);
  return layer;
}

Json Sampling::config() const {
  Json c = base_config();
  c["kl_weight"] = json_float(kl_weight_);
  return c;
}

std::vector<Shape> Sampling::do_build(const std::vector<Shape>& input_shapes, Rng&) {
  check(input_shapes.size() == 2, context(), ": expected 2 inputs [z_mean, z_log_var], got ",
        input_shapes.size());
  check(input_shapes[0] == input_shapes[1], context(),
        ": z_mean and z_log_var must have the same shape; z_mean is ", batch_shape_text(input_shapes[0]),
        ", z_log_var is ", batch_shape_text(input_shapes[1]));
  return {input_shapes[0]};
}

void Sampling::forward(LayerCall& call) {
  check_inputs(call);
  check(call.rng != nullptr, context(), ": needs call.rng for eps");
  const Tensor& mean = *call.inputs[0];
  const Tensor& log_var = *call.inputs[1];
  call.outputs.resize(1);
  call.saved.resize(1);
  Tensor& z = call.outputs[0];
  Tensor& eps = call.saved[0];  // kept for dz/dlog_var
  z.resize(mean.shape());
  eps.resize(mean.shape());
  double kl_sum = 0.0;
  for (std::size_t i = 0; i < mean.size(); ++i) {
    const float e = call.rng->normal(0.0f, 1.0f);
    const float lv = log_var[i];
    eps[i] = e;
    z[i] = mean[i] + std::exp(0.5f * lv) * e;
    kl_sum += 1.0 + lv - static_cast<double>(mean[i]) * mean[i] - std::exp(static_cast<double>(lv));
  }
  const double kl = kl_weight_ * -0.5 * kl_sum / mean.dim(0);
  call.added_loss = kl;
  call.added_loss_terms.clear();
  call.added_loss_terms.set("kl_loss", kl);
}

void Sampling::backward(LayerCall& call) {
  check_grad_outputs(call);
  call.grad_inputs.resize(2);
  if (!call.need_input_grads) return;
  const Tensor& mean = *call.inputs[0];
  const Tensor& log_var = *call.inputs[1];
  const Tensor& eps = call.saved[0];
  const Tensor& dz = *call.grad_outputs[0];
  Tensor& dmean = call.grad_inputs[0];
  Tensor& dlog_var = call.grad_inputs[1];
  dmean.resize(mean.shape());
  dlog_var.resize(mean.shape());
  // The KL term's own gradient: d/dmean = w * mean / B, d/dlog_var = w * (exp(lv) - 1) / (2B).
  const float kl_scale = kl_weight_ / static_cast<float>(mean.dim(0));
  for (std::size_t i = 0; i < mean.size(); ++i) {
    const float sd = std::exp(0.5f * log_var[i]);
    dmean[i] = dz[i] + kl_scale * mean[i];
    dlog_var[i] = dz[i] * 0.5f * sd * eps[i] + kl_scale * 0.5f * (sd * sd - 1.0f);
  }
}

SIMDNN_REGISTER_LAYER(Sampling)

}  // namespace simdnn
