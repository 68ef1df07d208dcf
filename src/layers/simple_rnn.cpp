#include "layers/simple_rnn.hpp"

#include "kernels/activations.hpp"
#include "kernels/elementwise.hpp"
#include "kernels/gemm.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {

SimpleRNN::SimpleRNN(std::string name, const RecurrentOptions& options)
    : RecurrentLayer("SimpleRNN", std::move(name), options, 1, false) {}

std::shared_ptr<SimpleRNN> SimpleRNN::from_config(const Json& config) {
  ConfigReader reader(config, "SimpleRNN");
  const std::string name = reader.name();
  const RecurrentOptions options = read_options(reader, false);
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<SimpleRNN>(name, options);
  layer->set_trainable(trainable);
  return layer;
}

void SimpleRNN::run_steps(LayerCall& call, int batch, int steps) {
  const int u = units_;
  const std::size_t state_size = static_cast<std::size_t>(batch) * u;
  float* hidden = call.saved[kHidden].data();
  for (int s = 0; s < steps; ++s) {
    float* z = call.saved[kProjection].data() + s * state_size;
    if (s > 0)
      kernels::gemm(false, false, batch, u, u, 1.0f, recurrent_input(call, s, batch), u,
                    recurrent_kernel_.data(), u, 1.0f, z, u);
    kernels::activation_forward(activation_, z, hidden + (s + 1) * state_size, batch, u);
    keep_masked_state(step_mask(call, s, batch), batch, u, hidden + s * state_size, hidden + (s + 1) * state_size);
  }
}

void SimpleRNN::backprop_steps(LayerCall& call, int batch, int steps) {
  const int u = units_;
  const std::size_t state_size = static_cast<std::size_t>(batch) * u;
  const float* hidden = call.saved[kHidden].data();
  Tensor& carry = call.saved[kHiddenCarry];
  carry.resize({batch, u});
  carry.fill(0.0f);
  for (int s = steps - 1; s >= 0; --s) {
    float* dh = carry.data();
    kernels::add(dh, call.saved[kHiddenGrad].data() + s * state_size, dh, state_size);
    const float* mask = step_mask(call, s, batch);
    hold_masked_rows(call, mask, batch, u, 0, dh);
    float* dz = call.saved[kProjectionGrad].data() + s * state_size;
    kernels::activation_backward(activation_, call.saved[kProjection].data() + s * state_size,
                                 hidden + (s + 1) * state_size, dh, dz, batch, u);
    if (s > 0) {
      kernels::gemm(false, true, batch, u, u, 1.0f, dz, u, recurrent_kernel_.data(), u, 0.0f, carry.data(), u);
      drop_recurrent_grad(call, batch, u, carry.data());
    }
    restore_masked_rows(call, mask, batch, u, 0, carry.data());
  }
  kernels::gemm(true, false, u, u, steps * batch, 1.0f, recurrent_inputs(call), u,
                call.saved[kProjectionGrad].data(), u, 1.0f, recurrent_kernel_grad_.data(), u);
}

SIMDNN_REGISTER_LAYER(SimpleRNN)

}  // namespace simdnn
