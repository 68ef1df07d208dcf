#include "layers/activation_layer.hpp"

#include "core/error.hpp"
#include "layers/config_helpers.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {
namespace {
// Softmax normalises along the last axis; every other activation ignores the split.
std::size_t last_axis(const Tensor& t) { return t.rank() >= 2 ? t.shape().back() : 1; }
}  // namespace

ActivationLayer::ActivationLayer(std::string name, const std::string& activation)
    : Layer(std::move(name)), activation_(parse_activation(activation, context())) {}

std::shared_ptr<ActivationLayer> ActivationLayer::from_config(const Json& config) {
  ConfigReader reader(config, "Activation");
  const std::string name = reader.name();
  check(reader.has("activation"), reader.context(), ": missing required option 'activation'");
  const auto spec = read_activation(reader, "activation", "linear");
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<ActivationLayer>(name, kernels::activation_name(spec.kind));
  layer->set_trainable(trainable);
  return layer;
}

Json ActivationLayer::config() const {
  Json c = base_config();
  c["activation"] = kernels::activation_name(activation_.kind);
  return c;
}

std::vector<Shape> ActivationLayer::do_build(const std::vector<Shape>& input_shapes, Rng&) {
  return {input_shapes[0]};
}

void ActivationLayer::forward(LayerCall& call) {
  check_inputs(call);
  const Tensor& x = *call.inputs[0];
  call.outputs.resize(1);
  Tensor& y = call.outputs[0];
  y.resize(x.shape());
  const std::size_t cols = last_axis(x);
  kernels::activation_forward(activation_, x.data(), y.data(), cols ? x.size() / cols : 0, cols);
}

void ActivationLayer::backward(LayerCall& call) {
  check_grad_outputs(call);
  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  const Tensor& x = *call.inputs[0];
  Tensor& dx = call.grad_inputs[0];
  dx.resize(x.shape());
  const std::size_t cols = last_axis(x);
  kernels::activation_backward(activation_, x.data(), call.outputs[0].data(),
                               call.grad_outputs[0]->data(), dx.data(),
                               cols ? x.size() / cols : 0, cols);
}

namespace {
// Keras' class name is "Activation"; the C++ class is ActivationLayer so it does not
// collide with kernels::Activation.
const bool registered_activation = LayerRegistry::add(
    "Activation",
    [](const Json& c) -> std::shared_ptr<Layer> { return ActivationLayer::from_config(c); });
}  // namespace

}  // namespace simdnn
