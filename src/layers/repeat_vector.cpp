#include "layers/repeat_vector.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "kernels/elementwise.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {

RepeatVector::RepeatVector(std::string name, int n) : Layer(std::move(name)), n_(n) {
  check(n_ >= 1, context(), ": n must be a positive integer, got ", n_);
}

std::shared_ptr<RepeatVector> RepeatVector::from_config(const Json& config) {
  ConfigReader reader(config, "RepeatVector");
  const std::string name = reader.name();
  const int n = reader.positive_int("n");
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<RepeatVector>(name, n);
  layer->set_trainable(trainable);
  return layer;
}

Json RepeatVector::config() const {
  Json c = base_config();
  c["n"] = n_;
  return c;
}

std::vector<Shape> RepeatVector::do_build(const std::vector<Shape>& input_shapes, Rng&) {
  const Shape& in = input_shapes[0];
  check(in.size() == 1, context(), ": expected an input of shape [batch, features], got ", batch_shape_text(in));
  return {{n_, in[0]}};
}

void RepeatVector::forward(LayerCall& call) {
  check_inputs(call);
  const Tensor& x = *call.inputs[0];
  const int batch = x.dim(0), features = x.dim(1);
  call.outputs.resize(1);
  Tensor& y = call.outputs[0];
  y.resize({batch, n_, features});
  for (int b = 0; b < batch; ++b)
    for (int k = 0; k < n_; ++k)
      std::copy_n(x.data() + static_cast<std::size_t>(b) * features, features,
                  y.data() + (static_cast<std::size_t>(b) * n_ + k) * features);
}

void RepeatVector::backward(LayerCall& call) {
  check_grad_outputs(call);
  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  const Tensor& x = *call.inputs[0];
  const Tensor& dy = *call.grad_outputs[0];
  const int batch = x.dim(0), features = x.dim(1);
  Tensor& dx = call.grad_inputs[0];
  dx.resize(x.shape());
  dx.fill(0.0f);
  for (int b = 0; b < batch; ++b)
    for (int k = 0; k < n_; ++k)
      kernels::add(dx.data() + static_cast<std::size_t>(b) * features,
                   dy.data() + (static_cast<std::size_t>(b) * n_ + k) * features,
                   dx.data() + static_cast<std::size_t>(b) * features, features);
}

SIMDNN_REGISTER_LAYER(RepeatVector)

}  // namespace simdnn
