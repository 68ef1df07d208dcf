#include "layers/add.hpp"

#include "core/error.hpp"
#include "kernels/elementwise.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {

Add::Add(std::string name) : Layer(std::move(name)) {}

std::shared_ptr<Add> Add::from_config(const Json& config) {
  ConfigReader reader(config, "Add");
  const std::string name = reader.name();
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<Add>(name);
  layer->set_trainable(trainable);
  return layer;
}

std::vector<Shape> Add::do_build(const std::vector<Shape>& input_shapes, Rng&) {
  check(input_shapes.size() >= 2, context(), ": expected at least 2 inputs, got ",
        input_shapes.size());
  for (std::size_t i = 1; i < input_shapes.size(); ++i)
    check(input_shapes[i] == input_shapes[0], context(),
          ": inputs must all have the same shape; input 0 is ", batch_shape_text(input_shapes[0]),
          ", input ", i, " is ", batch_shape_text(input_shapes[i]));
  return {input_shapes[0]};
}

void Add::forward(LayerCall& call) {
  check_inputs(call);
  const Tensor& first = *call.inputs[0];
  call.outputs.resize(1);
  Tensor& y = call.outputs[0];
  y.resize(first.shape());
  kernels::add(first.data(), call.inputs[1]->data(), y.data(), y.size());
  for (std::size_t i = 2; i < call.inputs.size(); ++i)
    kernels::add(y.data(), call.inputs[i]->data(), y.data(), y.size());
}

void Add::backward(LayerCall& call) {
  check_grad_outputs(call);
  call.grad_inputs.resize(call.inputs.size());
  if (!call.need_input_grads) return;
  for (Tensor& dx : call.grad_inputs) {
    dx.resize(call.grad_outputs[0]->shape());
    dx.copy_from(*call.grad_outputs[0]);
  }
}

void Add::compute_output_masks(LayerCall& call) const { intersect_input_masks(call); }

SIMDNN_REGISTER_LAYER(Add)

}  // namespace simdnn
