#include "layers/pooling_base.hpp"

#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "kernels/conv_pooling.hpp"

namespace simdnn {

namespace {
// Max pooling keeps, per output element, the input index of its maximum. Integers, so
// they live in the call's state rather than in a float tensor; resize() keeps capacity.
struct ArgmaxState : LayerState {
  std::vector<std::int32_t> argmax;
  bool stale = false;  // the last forward ran in inference mode and skipped the argmax
};

ArgmaxState& argmax_state(LayerCall& call) {
  auto* state = dynamic_cast<ArgmaxState*>(call.state.get());
  if (state == nullptr) {
    call.state = std::make_unique<ArgmaxState>();
    state = static_cast<ArgmaxState*>(call.state.get());
  }
  return *state;
}
}  // namespace

PoolingBase::PoolingBase(std::string class_name, std::string name, int rank,
                         PoolReduction reduction)
    : Layer(std::move(name)), class_name_(std::move(class_name)), rank_(rank),
      reduction_(reduction) {}

kernels::Window2D PoolingBase::input_window(const Shape& in) const {
  const char* expected = rank_ == 2 ? "[batch, height, width, channels]" : "[batch, steps, channels]";
  check(static_cast<int>(in.size()) == rank_ + 1, context(), ": expected an input of rank ",
        rank_ + 2, " (", expected, "), got ", batch_shape_text(in));
  kernels::Window2D window;
  window.in_h = rank_ == 2 ? in[0] : 1;
  window.in_w = in[rank_ - 1];
  window.channels = in.back();
  return window;
}

void PoolingBase::forward(LayerCall& call) {
  check_inputs(call);
  const Tensor& x = *call.inputs[0];
  kernels::Window2D window = window_;
  window.batch = x.dim(0);
  call.outputs.resize(1);
  Tensor& y = call.outputs[0];
  y.resize(with_batch(window.batch, output_shapes()[0]));
  if (reduction_ == PoolReduction::average) {
    kernels::average_pool_forward(window, x.data(), y.data());
    return;
  }
  ArgmaxState& state = argmax_state(call);
  if (!call.training) {
    // Inference needs no argmax; a backward after it recomputes one (see backward). The
    // state keeps its buffer, so switching modes does not reallocate it.
    state.stale = true;
    kernels::max_pool_values(window, x.data(), y.data());
    return;
  }
  state.stale = false;
  std::vector<std::int32_t>& argmax = state.argmax;
  argmax.resize(y.size());
  kernels::max_pool_forward(window, x.data(), y.data(), argmax.data());
}

void PoolingBase::backward(LayerCall& call) {
  check_grad_outputs(call);
  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  const Tensor& x = *call.inputs[0];
  const Tensor& dy = *call.grad_outputs[0];
  kernels::Window2D window = window_;
  window.batch = x.dim(0);
  Tensor& dx = call.grad_inputs[0];
  dx.resize(x.shape());
  if (reduction_ == PoolReduction::average) {
    kernels::average_pool_backward(window, dy.data(), dx.data());
    return;
  }
  auto* stale = dynamic_cast<ArgmaxState*>(call.state.get());
  if (stale != nullptr && stale->stale) {
    // Forward ran in inference mode (gradient checks do that): find the argmax now.
    Tensor y(call.outputs[0].shape());
    stale->argmax.resize(y.size());
    kernels::max_pool_forward(window, x.data(), y.data(), stale->argmax.data());
    stale->stale = false;
  }
  const auto* state = dynamic_cast<const ArgmaxState*>(call.state.get());
  check(state != nullptr && state->argmax.size() == dy.size(), context(),
        ": backward needs this call's forward first (no saved argmax for ", dy.size(),
        " outputs)");
  kernels::max_pool_backward(window, dy.data(), state->argmax.data(), dx.data());
}

}  // namespace simdnn
