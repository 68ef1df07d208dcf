#include "layers/dropout.hpp"

#include "core/error.hpp"
#include "kernels/elementwise.hpp"
#include "layers/config_helpers.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {

Dropout::Dropout(std::string name, float rate, std::optional<std::int64_t> seed)
    : Layer(std::move(name)), rate_(rate), seed_(seed) {
  check(rate_ >= 0.0f && rate_ < 1.0f, context(), ": rate must be in [0, 1), got ", rate_);
}

std::shared_ptr<Dropout> Dropout::from_config(const Json& config) {
  ConfigReader reader(config, "Dropout");
  const std::string name = reader.name();
  check(reader.has("rate"), reader.context(), ": missing required option 'rate'");
  const float rate = reader.number_in("rate", 0.0f, 0.0f, 1.0f);
  check(rate < 1.0f, reader.context(), ": option 'rate' must be in [0, 1), got ", rate);
  std::optional<std::int64_t> seed;
  const int seed_value = reader.integer("seed", 0);  // null or absent: no seed
  if (reader.has("seed")) seed = seed_value;
  accept_only_null(reader, {"noise_shape"});
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<Dropout>(name, rate, seed);
  layer->set_trainable(trainable);
  return layer;
}

Json Dropout::config() const {
  Json c = base_config();
  c["rate"] = json_float(rate_);
  c["noise_shape"] = nullptr;
  c["seed"] = seed_ ? Json(*seed_) : Json(nullptr);
  return c;
}

std::vector<Shape> Dropout::do_build(const std::vector<Shape>& input_shapes, Rng&) {
  return {input_shapes[0]};
}

void Dropout::forward(LayerCall& call) {
  check_inputs(call);
  const Tensor& x = *call.inputs[0];
  call.outputs.resize(1);
  Tensor& y = call.outputs[0];
  y.resize(x.shape());
  if (!active(call)) {
    y.copy_from(x);
    return;
  }
  check(call.rng != nullptr, context(), ": training needs call.rng for the dropout mask");
  call.saved.resize(1);
  Tensor& mask = call.saved[0];
  mask.resize(x.shape());
  for (float& keep : mask.span()) keep = call.rng->uniform() >= rate_ ? 1.0f : 0.0f;
  kernels::apply_mask(x.data(), mask.data(), 1.0f / (1.0f - rate_), y.data(), x.size());
}

void Dropout::backward(LayerCall& call) {
  check_grad_outputs(call);
  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  const Tensor& dy = *call.grad_outputs[0];
  Tensor& dx = call.grad_inputs[0];
  dx.resize(dy.shape());
  if (!active(call)) {
    dx.copy_from(dy);
    return;
  }
  kernels::apply_mask(dy.data(), call.saved[0].data(), 1.0f / (1.0f - rate_), dx.data(),
                      dy.size());
}

SIMDNN_REGISTER_LAYER(Dropout)

}  // namespace simdnn
