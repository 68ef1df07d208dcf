#include "layers/flatten.hpp"

#include "core/error.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"
#include "layers/reshape.hpp"

namespace simdnn {

Flatten::Flatten(std::string name) : Layer(std::move(name)) {}

std::shared_ptr<Flatten> Flatten::from_config(const Json& config) {
  ConfigReader reader(config, "Flatten");
  const std::string name = reader.name();
  // channels_first would need a transpose to match Keras; we only run channels-last.
  reader.one_of("data_format", "channels_last", {"channels_last"});
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<Flatten>(name);
  layer->set_trainable(trainable);
  return layer;
}

Json Flatten::config() const {
  Json c = base_config();
  c["data_format"] = "channels_last";
  return c;
}

std::vector<Shape> Flatten::do_build(const std::vector<Shape>& input_shapes, Rng&) {
  return {Shape{static_cast<int>(shape_size(input_shapes[0]))}};
}

void Flatten::forward(LayerCall& call) {
  check_inputs(call);
  copy_with_shape(*call.inputs[0], with_batch(call.inputs[0]->dim(0), output_shapes()[0]),
                  call.outputs);
}

void Flatten::backward(LayerCall& call) {
  check_grad_outputs(call);
  if (!call.need_input_grads) return call.grad_inputs.resize(1);
  copy_with_shape(*call.grad_outputs[0], call.inputs[0]->shape(), call.grad_inputs);
}

SIMDNN_REGISTER_LAYER(Flatten)

}  // namespace simdnn
