#include "layers/prelu.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "layers/config_helpers.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {

PReLU::PReLU(std::string name, const PReLUOptions& options)
    : Layer(std::move(name)),
      alpha_initializer_(Initializer::from_spec(options.alpha_initializer,
                                                context() + ": option 'alpha_initializer'")),
      shared_axes_(options.shared_axes) {
  for (int axis : shared_axes_)
    check(axis >= 1, context(), ": shared_axes are 1-based axes of the input (axis 0 is the batch), got ",
          axis);
}

std::shared_ptr<PReLU> PReLU::from_config(const Json& config) {
  ConfigReader reader(config, "PReLU");
  const std::string name = reader.name();
  PReLUOptions options;
  if (const Json* spec = reader.raw_or_null("alpha_initializer")) options.alpha_initializer = *spec;
  // Keras accepts one axis or a list of them.
  const Json* shared = reader.raw_or_null("shared_axes");
  if (shared && shared->is_number_integer())
    options.shared_axes = {shared->get<int>()};
  else
    options.shared_axes = reader.int_list("shared_axes", {});
  accept_only_null(reader, {"alpha_regularizer", "alpha_constraint"});
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<PReLU>(name, options);
  layer->set_trainable(trainable);
  return layer;
}

Json PReLU::config() const {
  Json c = base_config();
  c["alpha_initializer"] = alpha_initializer_.to_json();
  c["alpha_regularizer"] = nullptr;
  c["alpha_constraint"] = nullptr;
  c["shared_axes"] = shared_axes_.empty() ? Json(nullptr) : Json(shared_axes_);
  return c;
}

std::vector<Shape> PReLU::do_build(const std::vector<Shape>& input_shapes, Rng& rng) {
  const Shape& in = input_shapes[0];
  const int sample_rank = static_cast<int>(in.size());
  check(sample_rank >= 1, context(), ": expected an input of rank 2 or more, got ",
        batch_shape_text(in));
  Shape alpha_shape = in;
  for (int axis : shared_axes_) {
    check(axis <= sample_rank, context(), ": shared axis ", axis, " is out of range for input ",
          batch_shape_text(in), " (expected 1..", sample_rank, ")");
    alpha_shape[axis - 1] = 1;
  }
  // Row-major strides of alpha, with stride 0 on the shared axes.
  std::vector<int> alpha_strides(sample_rank, 0);
  int stride = 1;
  for (int d = sample_rank - 1; d >= 0; --d) {
    alpha_strides[d] = alpha_shape[d] == 1 ? 0 : stride;
    stride *= alpha_shape[d];
  }
  alpha_index_.assign(shape_size(in), 0);
  std::vector<int> position(sample_rank, 0);
  for (int& index : alpha_index_) {
    index = 0;
    for (int d = 0; d < sample_rank; ++d) index += position[d] * alpha_strides[d];
    for (int d = sample_rank - 1; d >= 0 && ++position[d] == in[d]; --d) position[d] = 0;
  }
  alpha_.resize(alpha_shape);
  alpha_initializer_.fill(alpha_, rng);
  alpha_grad_ = Tensor(alpha_shape);
  return {in};
}

std::vector<Param> PReLU::params() { return {{"alpha", &alpha_, &alpha_grad_, true}}; }

void PReLU::forward(LayerCall& call) {
  check_inputs(call);
  const Tensor& x = *call.inputs[0];
  call.outputs.resize(1);
  Tensor& y = call.outputs[0];
  y.resize(x.shape());
  const std::size_t sample = alpha_index_.size();
  for (std::size_t offset = 0; offset < x.size(); offset += sample) {
    for (std::size_t j = 0; j < sample; ++j) {
      const float v = x[offset + j];
      y[offset + j] = v > 0.0f ? v : alpha_[alpha_index_[j]] * v;
    }
  }
}

void PReLU::backward(LayerCall& call) {
  check_grad_outputs(call);
  const Tensor& x = *call.inputs[0];
  const Tensor& dy = *call.grad_outputs[0];
  const std::size_t sample = alpha_index_.size();
  // dL/dalpha accumulates x * dy over the negative inputs of every sample and shared axis.
  for (std::size_t offset = 0; offset < x.size(); offset += sample)
    for (std::size_t j = 0; j < sample; ++j)
      if (x[offset + j] <= 0.0f) alpha_grad_[alpha_index_[j]] += x[offset + j] * dy[offset + j];
  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  Tensor& dx = call.grad_inputs[0];
  dx.resize(x.shape());
  for (std::size_t offset = 0; offset < x.size(); offset += sample) {
    for (std::size_t j = 0; j < sample; ++j) {
      const float slope = x[offset + j] > 0.0f ? 1.0f : alpha_[alpha_index_[j]];
      dx[offset + j] = slope * dy[offset + j];
    }
  }
}

SIMDNN_REGISTER_LAYER(PReLU)

}  // namespace simdnn
