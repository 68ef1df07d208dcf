#include "layers/masking.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "layers/config_helpers.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {

Masking::Masking(std::string name, float mask_value) : Layer(std::move(name)), mask_value_(mask_value) {}

std::shared_ptr<Masking> Masking::from_config(const Json& config) {
  ConfigReader reader(config, "Masking");
  const std::string name = reader.name();
  const float mask_value = reader.number("mask_value", 0.0f);
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<Masking>(name, mask_value);
  layer->set_trainable(trainable);
  return layer;
}

Json Masking::config() const {
  Json c = base_config();
  c["mask_value"] = json_float(mask_value_);
  return c;
}

std::vector<Shape> Masking::do_build(const std::vector<Shape>& input_shapes, Rng&) {
  check(input_shapes[0].size() >= 2, context(), ": expected an input of shape [batch, time, features], got ",
        batch_shape_text(input_shapes[0]));
  return {input_shapes[0]};
}

void Masking::forward(LayerCall& call) {
  check_inputs(call);
  const Tensor& x = *call.inputs[0];
  const int batch = x.dim(0), steps = x.dim(1);
  const std::size_t step_size = x.size() / (static_cast<std::size_t>(batch) * steps);
  call.outputs.resize(1);
  call.saved.resize(1);
  Tensor& y = call.outputs[0];
  Tensor& keep = call.saved[0];  // [batch, time]: 1 where some feature differs from mask_value
  y.resize(x.shape());
  keep.resize({batch, steps});
  for (std::size_t row = 0; row < keep.size(); ++row) {
    const float* in = x.data() + row * step_size;
    const bool kept = std::any_of(in, in + step_size, [&](float v) { return v != mask_value_; });
    keep[row] = kept ? 1.0f : 0.0f;
    if (kept)
      std::copy_n(in, step_size, y.data() + row * step_size);
    else
      std::fill_n(y.data() + row * step_size, step_size, 0.0f);
  }
}

void Masking::backward(LayerCall& call) {
  check_grad_outputs(call);
  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  const Tensor& dy = *call.grad_outputs[0];
  const Tensor& keep = call.saved[0];
  const std::size_t step_size = dy.size() / keep.size();
  Tensor& dx = call.grad_inputs[0];
  dx.resize(dy.shape());
  for (std::size_t row = 0; row < keep.size(); ++row) {
    if (keep[row] != 0.0f)
      std::copy_n(dy.data() + row * step_size, step_size, dx.data() + row * step_size);
    else
      std::fill_n(dx.data() + row * step_size, step_size, 0.0f);
  }
}

void Masking::compute_output_masks(LayerCall& call) const {
  call.output_masks.assign(1, call.saved[0]);  // forward's keep flags; shared, not copied
}

SIMDNN_REGISTER_LAYER(Masking)

}  // namespace simdnn
