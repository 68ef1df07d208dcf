#include "layers/reshape.hpp"

#include "core/error.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {

void copy_with_shape(const Tensor& source, const Shape& shape, std::vector<Tensor>& out) {
  out.resize(1);
  out[0].resize(shape);
  out[0].copy_from(source);
}

Reshape::Reshape(std::string name, Shape target_shape)
    : Layer(std::move(name)), target_shape_(std::move(target_shape)) {
  int unknown = 0;
  for (int d : target_shape_) {
    check(d >= 1 || d == -1, context(), ": target_shape ", shape_text(target_shape_),
          " must hold positive extents and at most one -1");
    unknown += d == -1;
  }
  check(unknown <= 1, context(), ": target_shape ", shape_text(target_shape_),
        " may hold at most one -1");
}

std::shared_ptr<Reshape> Reshape::from_config(const Json& config) {
  ConfigReader reader(config, "Reshape");
  const std::string name = reader.name();
  Shape target = reader.shape_allowing_unknown("target_shape");
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<Reshape>(name, std::move(target));
  layer->set_trainable(trainable);
  return layer;
}

Json Reshape::config() const {
  Json c = base_config();
  c["target_shape"] = target_shape_;
  return c;
}

std::vector<Shape> Reshape::do_build(const std::vector<Shape>& input_shapes, Rng&) {
  const std::size_t values = shape_size(input_shapes[0]);
  std::size_t known = 1;
  int unknown_axis = -1;
  for (std::size_t i = 0; i < target_shape_.size(); ++i) {
    if (target_shape_[i] == -1) unknown_axis = static_cast<int>(i);
    else known *= static_cast<std::size_t>(target_shape_[i]);
  }
  Shape out = target_shape_;
  const bool fits = unknown_axis < 0 ? known == values : values % known == 0;
  check(fits, context(), ": cannot reshape input ", batch_shape_text(input_shapes[0]), " (",
        values, " values per sample) to target_shape ", shape_text(target_shape_));
  if (unknown_axis >= 0) out[unknown_axis] = static_cast<int>(values / known);
  return {out};
}

void Reshape::forward(LayerCall& call) {
  check_inputs(call);
  copy_with_shape(*call.inputs[0], with_batch(call.inputs[0]->dim(0), output_shapes()[0]),
                  call.outputs);
}

void Reshape::backward(LayerCall& call) {
  check_grad_outputs(call);
  if (!call.need_input_grads) return call.grad_inputs.resize(1);
  copy_with_shape(*call.grad_outputs[0], call.inputs[0]->shape(), call.grad_inputs);
}

SIMDNN_REGISTER_LAYER(Reshape)

}  // namespace simdnn
