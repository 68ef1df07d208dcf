#include "layers/softmax.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "kernels/activations.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {

Softmax::Softmax(std::string name, int axis) : Layer(std::move(name)), axis_(axis) {
  check(axis_ != 0, context(), ": axis 0 is the batch axis; softmax over it is not supported, got 0");
}

std::shared_ptr<Softmax> Softmax::from_config(const Json& config) {
  ConfigReader reader(config, "Softmax");
  const std::string name = reader.name();
  int axis = -1;
  if (const Json* value = reader.raw_or_null("axis")) {
    // Keras also takes a list of axes; one axis is what we support.
    const Json* single = value->is_array() && value->size() == 1 ? &(*value)[0] : value;
    check(single->is_number_integer(), reader.context(),
          ": option 'axis' must be one integer axis, got ", value->dump());
    axis = single->get<int>();
  }
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<Softmax>(name, axis);
  layer->set_trainable(trainable);
  return layer;
}

Json Softmax::config() const {
  Json c = base_config();
  c["axis"] = axis_;
  return c;
}

std::vector<Shape> Softmax::do_build(const std::vector<Shape>& input_shapes, Rng&) {
  const Shape& in = input_shapes[0];
  const int rank = static_cast<int>(in.size()) + 1;
  check(!in.empty(), context(), ": expected an input of rank 2 or more, got ", batch_shape_text(in));
  const int axis = axis_ < 0 ? axis_ + rank : axis_;
  check(axis >= 1 && axis < rank, context(), ": axis ", axis_, " is out of range for input ",
        batch_shape_text(in), " (expected 1..", rank - 1, " or -", rank - 1, "..-1)");
  classes_ = in[axis - 1];
  inner_ = 1;
  for (int d = axis; d < rank - 1; ++d) inner_ *= in[d];
  return {in};
}

void Softmax::forward(LayerCall& call) {
  check_inputs(call);
  const Tensor& x = *call.inputs[0];
  call.outputs.resize(1);
  Tensor& y = call.outputs[0];
  y.resize(x.shape());
  const std::size_t block = static_cast<std::size_t>(classes_) * inner_;
  const std::size_t rows = x.size() / block;
  if (inner_ == 1) {
    kernels::activation_forward({kernels::Activation::softmax, 0.0f}, x.data(), y.data(), rows,
                                classes_);
    return;
  }
  // Strided: the classes of one (row, i) are inner_ apart.
  for (std::size_t r = 0; r < rows; ++r) {
    for (int i = 0; i < inner_; ++i) {
      const float* in = x.data() + r * block + i;
      float* out = y.data() + r * block + i;
      float largest = in[0];
      for (int c = 1; c < classes_; ++c) largest = std::max(largest, in[c * inner_]);
      double total = 0.0;
      for (int c = 0; c < classes_; ++c) {
        out[c * inner_] = std::exp(in[c * inner_] - largest);
        total += out[c * inner_];
      }
      const float inv_total = static_cast<float>(1.0 / total);
      for (int c = 0; c < classes_; ++c) out[c * inner_] *= inv_total;
    }
  }
}

void Softmax::backward(LayerCall& call) {
  check_grad_outputs(call);
  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  const Tensor& y = call.outputs[0];
  const Tensor& dy = *call.grad_outputs[0];
  Tensor& dx = call.grad_inputs[0];
  dx.resize(y.shape());
  const std::size_t block = static_cast<std::size_t>(classes_) * inner_;
  const std::size_t rows = y.size() / block;
  if (inner_ == 1) {
    kernels::activation_backward({kernels::Activation::softmax, 0.0f}, call.inputs[0]->data(),
                                 y.data(), dy.data(), dx.data(), rows, classes_);
    return;
  }
  // dx = y * (dy - sum_c(dy * y)) along the softmax axis.
  for (std::size_t r = 0; r < rows; ++r) {
    for (int i = 0; i < inner_; ++i) {
      const std::size_t base = r * block + i;
      float weighted = 0.0f;
      for (int c = 0; c < classes_; ++c) weighted += dy[base + c * inner_] * y[base + c * inner_];
      for (int c = 0; c < classes_; ++c) {
        const std::size_t k = base + c * inner_;
        dx[k] = y[k] * (dy[k] - weighted);
      }
    }
  }
}

SIMDNN_REGISTER_LAYER(Softmax)

}  // namespace simdnn
