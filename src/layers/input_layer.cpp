#include "layers/input_layer.hpp"

#include "core/error.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"
#include "layers/reshape.hpp"

namespace simdnn {

InputLayer::InputLayer(std::string name, Shape shape) : Layer(std::move(name)), shape_(shape) {
  for (int d : shape_)
    check(d >= 1, context(), ": shape extents must be positive integers, got ", shape_text(shape_));
  set_declared_input_shape(std::move(shape));
}

std::shared_ptr<InputLayer> InputLayer::from_config(const Json& config) {
  ConfigReader reader(config, "InputLayer");
  const std::string name = reader.name();
  // batch_input_shape (Keras 2, TF.js), batch_shape (Keras 3) or input_shape; "shape" is
  // the Keras 3 Input(shape=...) spelling.
  std::optional<Shape> shape = simdnn::declared_input_shape("InputLayer", config);
  if (reader.has("shape")) {
    check(!shape, reader.context(), ": give either 'shape' or 'batch_input_shape', not both");
    shape = reader.shape("shape");
  }
  reader.raw_or_null("shape");
  check(shape.has_value(), reader.context(),
        ": missing the input shape ('batch_input_shape': [null, ...] or 'shape': [...])");
  check(!reader.boolean("sparse", false), reader.context(), ": sparse inputs are not supported");
  check(!reader.boolean("ragged", false), reader.context(), ": ragged inputs are not supported");
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<InputLayer>(name, *shape);
  layer->set_trainable(trainable);
  return layer;
}

Json InputLayer::config() const {
  Json c = base_config();  // writes batch_input_shape from the declared shape
  c["dtype"] = "float32";
  c["sparse"] = false;
  return c;
}

std::vector<Shape> InputLayer::do_build(const std::vector<Shape>& input_shapes, Rng&) {
  check(input_shapes[0] == shape_, context(), ": expected input of shape ",
        batch_shape_text(shape_), ", got ", batch_shape_text(input_shapes[0]));
  return {shape_};
}

void InputLayer::forward(LayerCall& call) {
  check_inputs(call);
  copy_with_shape(*call.inputs[0], call.inputs[0]->shape(), call.outputs);
}

void InputLayer::backward(LayerCall& call) {
  check_grad_outputs(call);
  if (!call.need_input_grads) return call.grad_inputs.resize(1);
  copy_with_shape(*call.grad_outputs[0], call.grad_outputs[0]->shape(), call.grad_inputs);
}

SIMDNN_REGISTER_LAYER(InputLayer)

}  // namespace simdnn
