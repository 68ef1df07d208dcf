#include "layers/lstm.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "kernels/activations.hpp"
#include "kernels/elementwise.hpp"
#include "kernels/gemm.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {

LSTM::LSTM(std::string name, const LSTMOptions& options)
    : RecurrentLayer("LSTM", std::move(name), options, 4, true), unit_forget_bias_(options.unit_forget_bias) {}

std::shared_ptr<LSTM> LSTM::from_config(const Json& config) {
  ConfigReader reader(config, "LSTM");
  const std::string name = reader.name();
  LSTMOptions options;
  static_cast<RecurrentOptions&>(options) = read_options(reader, true);
  options.unit_forget_bias = reader.boolean("unit_forget_bias", true);
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<LSTM>(name, options);
  layer->set_trainable(trainable);
  return layer;
}

Json LSTM::config() const {
  Json c = RecurrentLayer::config();
  c["unit_forget_bias"] = unit_forget_bias_;
  return c;
}

void LSTM::initialize_bias(Rng& rng) {
  bias_initializer_.fill(bias_, rng);
  if (unit_forget_bias_) std::fill_n(bias_.data() + units_, units_, 1.0f);
}

void LSTM::run_steps(LayerCall& call, int batch, int steps) {
  const int u = units_, width = 4 * u;
  const std::size_t state_size = static_cast<std::size_t>(batch) * u;
  float* projection = call.saved[kProjection].data();
  float* hidden = call.saved[kHidden].data();
  Tensor& gates = call.saved[kGates];
  Tensor& cells = call.saved[kCells];
  Tensor& cells_activated = call.saved[kCellsActivated];
  gates.resize({steps * batch, width});
  cells.resize({(steps + 1) * batch, u});
  cells_activated.resize({steps * batch, u});
  std::fill_n(cells.data(), state_size, 0.0f);

  for (int s = 0; s < steps; ++s) {
    float* z = projection + s * state_size * 4;
    float* a = gates.data() + s * state_size * 4;
    const float* h_prev = hidden + s * state_size;
    const float* c_prev = cells.data() + s * state_size;
    float* c = cells.data() + (s + 1) * state_size;
    float* c_act = cells_activated.data() + s * state_size;
    float* h = hidden + (s + 1) * state_size;
    if (s > 0)  // h_0 = 0 adds nothing
      kernels::gemm(false, false, batch, width, u, 1.0f, recurrent_input(call, s, batch), u,
                    recurrent_kernel_.data(), width, 1.0f, z, width);
    for (int b = 0; b < batch; ++b) {
      const std::size_t row = static_cast<std::size_t>(b) * width;
      kernels::activation_forward(recurrent_activation_, z + row, a + row, 1, 2 * u);  // i, f
      kernels::activation_forward(activation_, z + row + 2 * u, a + row + 2 * u, 1, u);  // g
      kernels::activation_forward(recurrent_activation_, z + row + 3 * u, a + row + 3 * u, 1, u);  // o
      const float* i = a + row;
      const float* f = i + u;
      const float* g = f + u;
      for (int j = 0; j < u; ++j) c[b * u + j] = f[j] * c_prev[b * u + j] + i[j] * g[j];
    }
    kernels::activation_forward(activation_, c, c_act, batch, u);
    for (int b = 0; b < batch; ++b) {
      const float* o = a + static_cast<std::size_t>(b) * width + 3 * u;
      for (int j = 0; j < u; ++j) h[b * u + j] = o[j] * c_act[b * u + j];
    }
    const float* mask = step_mask(call, s, batch);
    keep_masked_state(mask, batch, u, c_prev, c);
    keep_masked_state(mask, batch, u, h_prev, h);
  }
}

void LSTM::write_extra_states(LayerCall& call, int batch, int steps) {
  const std::size_t state_size = static_cast<std::size_t>(batch) * units_;
  call.outputs[2].resize({batch, units_});
  std::copy_n(call.saved[kCells].data() + steps * state_size, state_size, call.outputs[2].data());
}

void LSTM::backprop_steps(LayerCall& call, int batch, int steps) {
  const int u = units_, width = 4 * u;
  const std::size_t state_size = static_cast<std::size_t>(batch) * u;
  const float* projection = call.saved[kProjection].data();
  const float* hidden_grad = call.saved[kHiddenGrad].data();
  const float* gates = call.saved[kGates].data();
  const float* cells = call.saved[kCells].data();
  const float* cells_activated = call.saved[kCellsActivated].data();
  float* projection_grad = call.saved[kProjectionGrad].data();
  Tensor& h_carry = call.saved[kHiddenCarry];
  Tensor& c_carry = call.saved[kCellCarry];
  Tensor& scratch = call.saved[kStepScratch];
  Tensor& gate_grad = call.saved[kGateGrad];
  h_carry.resize({batch, u});
  c_carry.resize({batch, u});
  scratch.resize({batch, u});
  gate_grad.resize({batch, width});
  h_carry.fill(0.0f);
  if (return_state_)
    c_carry.copy_from(*call.grad_outputs[2]);
  else
    c_carry.fill(0.0f);

  for (int s = steps - 1; s >= 0; --s) {
    const float* z = projection + s * state_size * 4;
    const float* a = gates + s * state_size * 4;
    const float* c_prev = cells + s * state_size;
    const float* c = cells + (s + 1) * state_size;
    const float* c_act = cells_activated + s * state_size;
    float* dz = projection_grad + s * state_size * 4;
    float* dh = h_carry.data();  // becomes dL/dh_s: carry plus this step's output gradient
    kernels::add(dh, hidden_grad + s * state_size, dh, state_size);
    const float* mask = step_mask(call, s, batch);
    hold_masked_rows(call, mask, batch, u, 0, dh);
    hold_masked_rows(call, mask, batch, u, 1, c_carry.data());
    // dL/dc_s = carry + (dh * o) * a'(c_s)
    float* dc_from_h = scratch.data();
    for (int b = 0; b < batch; ++b) {
      const float* o = a + static_cast<std::size_t>(b) * width + 3 * u;
      for (int j = 0; j < u; ++j) dc_from_h[b * u + j] = dh[b * u + j] * o[j];
    }
    kernels::activation_backward(activation_, c, c_act, dc_from_h, dc_from_h, batch, u);
    float* dc = c_carry.data();
    kernels::add(dc, dc_from_h, dc, state_size);
    for (int b = 0; b < batch; ++b) {
      const std::size_t row = static_cast<std::size_t>(b) * width;
      const float* i = a + row;
      const float* f = i + u;
      const float* g = f + u;
      float* di = gate_grad.data() + row;
      float* df = di + u;
      float* dg = df + u;
      float* d_o = dg + u;
      for (int j = 0; j < u; ++j) {
        const int k = b * u + j;
        di[j] = dc[k] * g[j];
        df[j] = dc[k] * c_prev[k];
        dg[j] = dc[k] * i[j];
        d_o[j] = dh[k] * c_act[k];
        dc[k] *= f[j];  // carry to c_{s-1}
      }
      kernels::activation_backward(recurrent_activation_, z + row, a + row, di, dz + row, 1, 2 * u);
      kernels::activation_backward(activation_, z + row + 2 * u, a + row + 2 * u, dg, dz + row + 2 * u,
                                   1, u);
      kernels::activation_backward(recurrent_activation_, z + row + 3 * u, a + row + 3 * u, d_o,
                                   dz + row + 3 * u, 1, u);
    }
    if (s > 0) {  // carry to h_{s-1}; h_0 is a constant
      kernels::gemm(false, true, batch, u, width, 1.0f, dz, width, recurrent_kernel_.data(), width,
                    0.0f, h_carry.data(), u);
      drop_recurrent_grad(call, batch, u, h_carry.data());
    }
    restore_masked_rows(call, mask, batch, u, 0, h_carry.data());
    restore_masked_rows(call, mask, batch, u, 1, c_carry.data());
  }
  // All steps at once: dU += [h_0 .. h_{T-1}]^T dZ.
  kernels::gemm(true, false, u, width, steps * batch, 1.0f, recurrent_inputs(call), u, projection_grad, width,
                1.0f, recurrent_kernel_grad_.data(), width);
}

SIMDNN_REGISTER_LAYER(LSTM)

}  // namespace simdnn
