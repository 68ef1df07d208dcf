#include "layers/elementwise_activation.hpp"

namespace simdnn {

std::vector<Shape> ElementwiseActivation::do_build(const std::vector<Shape>& input_shapes, Rng&) {
  return {input_shapes[0]};
}

// Elementwise kernels ignore the rows x cols split, so the tensor is one row.
void ElementwiseActivation::apply(const float* x, float* y, std::size_t n) const {
  kernels::activation_forward(spec_, x, y, 1, n);
}

void ElementwiseActivation::apply_backward(const float* x, const float* y, const float* dy,
                                           float* dx, std::size_t n) const {
  kernels::activation_backward(spec_, x, y, dy, dx, 1, n);
}

void ElementwiseActivation::forward(LayerCall& call) {
  check_inputs(call);
  const Tensor& x = *call.inputs[0];
  call.outputs.resize(1);
  Tensor& y = call.outputs[0];
  y.resize(x.shape());
  apply(x.data(), y.data(), x.size());
}

void ElementwiseActivation::backward(LayerCall& call) {
  check_grad_outputs(call);
  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  const Tensor& x = *call.inputs[0];
  Tensor& dx = call.grad_inputs[0];
  dx.resize(x.shape());
  apply_backward(x.data(), call.outputs[0].data(), call.grad_outputs[0]->data(), dx.data(),
                 x.size());
}

}  // namespace simdnn
