#include "layers/gaussian_noise.hpp"

#include "core/error.hpp"
#include "kernels/elementwise.hpp"
#include "layers/config_helpers.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {

GaussianNoise::GaussianNoise(std::string name, float stddev, std::optional<std::int64_t> seed)
    : Layer(std::move(name)), stddev_(stddev), seed_(seed) {
  check(stddev_ >= 0.0f, context(), ": stddev must be non-negative, got ", stddev_);
}

std::shared_ptr<GaussianNoise> GaussianNoise::from_config(const Json& config) {
  ConfigReader reader(config, "GaussianNoise");
  const std::string name = reader.name();
  check(reader.has("stddev"), reader.context(), ": missing required option 'stddev'");
  const float stddev = reader.number_in("stddev", 0.0f, 0.0f, 1e30f);
  std::optional<std::int64_t> seed;
  const int seed_value = reader.integer("seed", 0);  // null or absent: no seed
  if (reader.has("seed")) seed = seed_value;
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<GaussianNoise>(name, stddev, seed);
  layer->set_trainable(trainable);
  return layer;
}

Json GaussianNoise::config() const {
  Json c = base_config();
  c["stddev"] = json_float(stddev_);
  c["seed"] = seed_ ? Json(*seed_) : Json(nullptr);
  return c;
}

std::vector<Shape> GaussianNoise::do_build(const std::vector<Shape>& input_shapes, Rng&) {
  return {input_shapes[0]};
}

void GaussianNoise::forward(LayerCall& call) {
  check_inputs(call);
  const Tensor& x = *call.inputs[0];
  call.outputs.resize(1);
  Tensor& y = call.outputs[0];
  y.resize(x.shape());
  if (!call.training || stddev_ == 0.0f) {
    y.copy_from(x);
    return;
  }
  check(call.rng != nullptr, context(), ": training needs call.rng for the noise");
  for (float& v : y.span()) v = call.rng->normal(0.0f, stddev_);
  kernels::add(x.data(), y.data(), y.data(), x.size());
}

void GaussianNoise::backward(LayerCall& call) {
  check_grad_outputs(call);
  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  Tensor& dx = call.grad_inputs[0];
  dx.resize(call.grad_outputs[0]->shape());
  dx.copy_from(*call.grad_outputs[0]);
}

SIMDNN_REGISTER_LAYER(GaussianNoise)

}  // namespace simdnn
