#include "layers/concatenate.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {

Concatenate::Concatenate(std::string name, int axis) : Layer(std::move(name)), axis_(axis) {
  check(axis_ != 0, context(), ": axis 0 is the batch axis and cannot be concatenated");
}

std::shared_ptr<Concatenate> Concatenate::from_config(const Json& config) {
  ConfigReader reader(config, "Concatenate");
  const std::string name = reader.name();
  const int axis = reader.integer("axis", -1);
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<Concatenate>(name, axis);
  layer->set_trainable(trainable);
  return layer;
}

Json Concatenate::config() const {
  Json c = base_config();
  c["axis"] = axis_;
  return c;
}

std::vector<Shape> Concatenate::do_build(const std::vector<Shape>& input_shapes, Rng&) {
  const Shape& first = input_shapes[0];
  const int rank = static_cast<int>(first.size()) + 1;  // tensor rank, batch axis included
  const int axis = axis_ < 0 ? axis_ + rank : axis_;
  check(axis >= 1 && axis < rank, context(), ": axis ", axis_, " is out of range for inputs of shape ",
        batch_shape_text(first), " (allowed: 1 to ", rank - 1, " or -1 to ", -(rank - 1), ")");
  const int sample_axis = axis - 1;
  Shape out = first;
  out[sample_axis] = 0;
  block_sizes_.clear();
  for (std::size_t i = 0; i < input_shapes.size(); ++i) {
    const Shape& s = input_shapes[i];
    bool agree = s.size() == first.size();
    for (std::size_t d = 0; agree && d < s.size(); ++d)
      agree = static_cast<int>(d) == sample_axis || s[d] == first[d];
    check(agree, context(), ": inputs must agree on every axis except axis ", axis_,
          "; input 0 is ", batch_shape_text(first), ", input ", i, " is ", batch_shape_text(s));
    out[sample_axis] += s[sample_axis];
    block_sizes_.push_back(shape_size(Shape(s.begin() + sample_axis, s.end())));
  }
  outer_per_sample_ = shape_size(Shape(first.begin(), first.begin() + sample_axis));
  output_block_ = 0;
  for (std::size_t b : block_sizes_) output_block_ += b;
  return {out};
}

void Concatenate::forward(LayerCall& call) {
  check_inputs(call);
  const int batch = call.inputs[0]->dim(0);
  call.outputs.resize(1);
  Tensor& y = call.outputs[0];
  y.resize(with_batch(batch, output_shapes()[0]));
  const std::size_t outer = outer_per_sample_ * static_cast<std::size_t>(batch);
  std::size_t offset = 0;
  for (std::size_t i = 0; i < call.inputs.size(); ++i) {
    const float* source = call.inputs[i]->data();
    const std::size_t block = block_sizes_[i];
    for (std::size_t o = 0; o < outer; ++o)
      std::copy_n(source + o * block, block, y.data() + o * output_block_ + offset);
    offset += block;
  }
}

void Concatenate::backward(LayerCall& call) {
  check_grad_outputs(call);
  call.grad_inputs.resize(call.inputs.size());
  if (!call.need_input_grads) return;
  const Tensor& dy = *call.grad_outputs[0];
  const std::size_t outer = outer_per_sample_ * static_cast<std::size_t>(dy.dim(0));
  std::size_t offset = 0;
  for (std::size_t i = 0; i < call.inputs.size(); ++i) {
    Tensor& dx = call.grad_inputs[i];
    dx.resize(call.inputs[i]->shape());
    const std::size_t block = block_sizes_[i];
    for (std::size_t o = 0; o < outer; ++o)
      std::copy_n(dy.data() + o * output_block_ + offset, block, dx.data() + o * block);
    offset += block;
  }
}

void Concatenate::compute_output_masks(LayerCall& call) const { intersect_input_masks(call); }

SIMDNN_REGISTER_LAYER(Concatenate)

}  // namespace simdnn
