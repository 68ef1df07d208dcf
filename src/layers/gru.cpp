#include "layers/gru.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "kernels/activations.hpp"
#include "kernels/elementwise.hpp"
#include "kernels/gemm.hpp"
#include "kernels/reductions.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {

GRU::GRU(std::string name, const GRUOptions& options)
    : RecurrentLayer("GRU", std::move(name), options, 3, true), reset_after_(options.reset_after) {
  // Keras' GRU variants disagree on whether the dropped state also enters h = z h + (1 - z) hh.
  check(options.recurrent_dropout == 0.0f, context(), ": option 'recurrent_dropout' is not supported for GRU (only 0), got ",
        options.recurrent_dropout);
}

std::shared_ptr<GRU> GRU::from_config(const Json& config) {
  ConfigReader reader(config, "GRU");
  const std::string name = reader.name();
  GRUOptions options;
  static_cast<RecurrentOptions&>(options) = read_options(reader, true);
  options.reset_after = reader.boolean("reset_after", true);
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<GRU>(name, options);
  layer->set_trainable(trainable);
  return layer;
}

Json GRU::config() const {
  Json c = RecurrentLayer::config();
  c["reset_after"] = reset_after_;
  return c;
}

Shape GRU::bias_shape() const {
  return reset_after_ ? Shape{2, 3 * units_} : Shape{3 * units_};
}

void GRU::run_steps(LayerCall& call, int batch, int steps) {
  call.saved[kGates].resize({steps * batch, 3 * units_});
  call.saved[kRecurrent].resize({steps * batch, (reset_after_ ? 3 : 1) * units_});
  if (reset_after_)
    run_steps_reset_after(call, batch, steps);
  else
    run_steps_reset_before(call, batch, steps);
}

void GRU::backprop_steps(LayerCall& call, int batch, int steps) {
  call.saved[kHiddenCarry].resize({batch, units_});
  call.saved[kHiddenCarry].fill(0.0f);
  call.saved[kGateGrad].resize({batch, 3 * units_});
  call.saved[kStepScratch].resize({batch, units_});
  if (reset_after_)
    backprop_reset_after(call, batch, steps);
  else
    backprop_reset_before(call, batch, steps);
}

void GRU::run_steps_reset_after(LayerCall& call, int batch, int steps) {
  const int u = units_, width = 3 * u;
  const std::size_t state_size = static_cast<std::size_t>(batch) * u;
  float* hidden = call.saved[kHidden].data();
  for (int s = 0; s < steps; ++s) {
    float* z = call.saved[kProjection].data() + s * state_size * 3;
    float* a = call.saved[kGates].data() + s * state_size * 3;
    float* rec = call.saved[kRecurrent].data() + s * state_size * 3;
    const float* h_prev = hidden + s * state_size;
    float* h = hidden + (s + 1) * state_size;
    if (s > 0)
      kernels::gemm(false, false, batch, width, u, 1.0f, h_prev, u, recurrent_kernel_.data(), width,
                    0.0f, rec, width);
    else
      std::fill_n(rec, state_size * 3, 0.0f);
    if (use_bias_) kernels::add_bias_rows(rec, bias_.data() + width, rec, batch, width);
    for (int b = 0; b < batch; ++b) {
      const std::size_t row = static_cast<std::size_t>(b) * width;
      kernels::add(z + row, rec + row, z + row, 2 * static_cast<std::size_t>(u));  // z and r gates
      kernels::activation_forward(recurrent_activation_, z + row, a + row, 1, 2 * u);
      const float* reset = a + row + u;
      for (int j = 0; j < u; ++j) z[row + 2 * u + j] += reset[j] * rec[row + 2 * u + j];
      kernels::activation_forward(activation_, z + row + 2 * u, a + row + 2 * u, 1, u);
      const float* update = a + row;
      const float* candidate = a + row + 2 * u;
      for (int j = 0; j < u; ++j) {
        const int k = b * u + j;
        h[k] = update[j] * h_prev[k] + (1.0f - update[j]) * candidate[j];
      }
    }
    keep_masked_state(step_mask(call, s, batch), batch, u, h_prev, h);
  }
}

void GRU::backprop_reset_after(LayerCall& call, int batch, int steps) {
  const int u = units_, width = 3 * u;
  const std::size_t state_size = static_cast<std::size_t>(batch) * u;
  const float* hidden = call.saved[kHidden].data();
  Tensor& recurrent_grad = call.saved[kRecurrentGrad];
  recurrent_grad.resize({steps * batch, width});
  float* carry = call.saved[kHiddenCarry].data();
  float* gate_grad = call.saved[kGateGrad].data();
  for (int s = steps - 1; s >= 0; --s) {
    const float* z = call.saved[kProjection].data() + s * state_size * 3;
    const float* a = call.saved[kGates].data() + s * state_size * 3;
    const float* rec = call.saved[kRecurrent].data() + s * state_size * 3;
    const float* h_prev = hidden + s * state_size;
    float* dz = call.saved[kProjectionGrad].data() + s * state_size * 3;
    float* drec = recurrent_grad.data() + s * state_size * 3;
    float* dh = carry;  // dL/dh_s: carry plus this step's output gradient
    kernels::add(dh, call.saved[kHiddenGrad].data() + s * state_size, dh, state_size);
    const float* mask = step_mask(call, s, batch);
    hold_masked_rows(call, mask, batch, u, 0, dh);
    for (int b = 0; b < batch; ++b) {
      const std::size_t row = static_cast<std::size_t>(b) * width;
      const float* update = a + row;
      const float* reset = update + u;
      const float* candidate = reset + u;
      float* d_update = gate_grad + row;
      float* d_reset = d_update + u;
      float* d_candidate = d_reset + u;
      for (int j = 0; j < u; ++j) {
        const int k = b * u + j;
        d_update[j] = dh[k] * (h_prev[k] - candidate[j]);
        d_candidate[j] = dh[k] * (1.0f - update[j]);
        carry[k] = dh[k] * update[j];  // the direct path to h_{s-1}
      }
      kernels::activation_backward(activation_, z + row + 2 * u, candidate, d_candidate,
                                   dz + row + 2 * u, 1, u);
      for (int j = 0; j < u; ++j) {
        d_reset[j] = dz[row + 2 * u + j] * rec[row + 2 * u + j];
        drec[row + 2 * u + j] = dz[row + 2 * u + j] * reset[j];
      }
      kernels::activation_backward(recurrent_activation_, z + row, update, d_update, dz + row, 1, 2 * u);
      std::copy_n(dz + row, 2 * u, drec + row);
    }
    if (s > 0)
      kernels::gemm(false, true, batch, u, width, 1.0f, drec, width, recurrent_kernel_.data(), width,
                    1.0f, carry, u);
    restore_masked_rows(call, mask, batch, u, 0, carry);
  }
  kernels::gemm(true, false, u, width, steps * batch, 1.0f, hidden, u, recurrent_grad.data(), width,
                1.0f, recurrent_kernel_grad_.data(), width);
  if (use_bias_)
    kernels::sum_rows(recurrent_grad.data(), static_cast<std::size_t>(steps) * batch, width,
                      bias_grad_.data() + width, true);
}

void GRU::run_steps_reset_before(LayerCall& call, int batch, int steps) {
  const int u = units_, width = 3 * u;
  const std::size_t state_size = static_cast<std::size_t>(batch) * u;
  float* hidden = call.saved[kHidden].data();
  const float* u_gates = recurrent_kernel_.data();              // U_z, U_r: columns [0, 2u)
  const float* u_candidate = recurrent_kernel_.data() + 2 * u;  // U_h: columns [2u, 3u)
  for (int s = 0; s < steps; ++s) {
    float* z = call.saved[kProjection].data() + s * state_size * 3;
    float* a = call.saved[kGates].data() + s * state_size * 3;
    float* reset_h = call.saved[kRecurrent].data() + s * state_size;
    const float* h_prev = hidden + s * state_size;
    float* h = hidden + (s + 1) * state_size;
    if (s > 0)
      kernels::gemm(false, false, batch, 2 * u, u, 1.0f, h_prev, u, u_gates, width, 1.0f, z, width);
    for (int b = 0; b < batch; ++b) {
      const std::size_t row = static_cast<std::size_t>(b) * width;
      kernels::activation_forward(recurrent_activation_, z + row, a + row, 1, 2 * u);
      for (int j = 0; j < u; ++j) reset_h[b * u + j] = a[row + u + j] * h_prev[b * u + j];
    }
    if (s > 0)
      kernels::gemm(false, false, batch, u, u, 1.0f, reset_h, u, u_candidate, width, 1.0f, z + 2 * u,
                    width);
    for (int b = 0; b < batch; ++b) {
      const std::size_t row = static_cast<std::size_t>(b) * width;
      kernels::activation_forward(activation_, z + row + 2 * u, a + row + 2 * u, 1, u);
      for (int j = 0; j < u; ++j) {
        const int k = b * u + j;
        h[k] = a[row + j] * h_prev[k] + (1.0f - a[row + j]) * a[row + 2 * u + j];
      }
    }
    keep_masked_state(step_mask(call, s, batch), batch, u, h_prev, h);
  }
}

void GRU::backprop_reset_before(LayerCall& call, int batch, int steps) {
  const int u = units_, width = 3 * u;
  const std::size_t state_size = static_cast<std::size_t>(batch) * u;
  const float* hidden = call.saved[kHidden].data();
  float* carry = call.saved[kHiddenCarry].data();
  float* gate_grad = call.saved[kGateGrad].data();
  float* d_reset_h = call.saved[kStepScratch].data();  // dL/d(r * h_{s-1})
  for (int s = steps - 1; s >= 0; --s) {
    const float* z = call.saved[kProjection].data() + s * state_size * 3;
    const float* a = call.saved[kGates].data() + s * state_size * 3;
    const float* h_prev = hidden + s * state_size;
    float* dz = call.saved[kProjectionGrad].data() + s * state_size * 3;
    float* dh = carry;
    kernels::add(dh, call.saved[kHiddenGrad].data() + s * state_size, dh, state_size);
    const float* mask = step_mask(call, s, batch);
    hold_masked_rows(call, mask, batch, u, 0, dh);
    for (int b = 0; b < batch; ++b) {
      const std::size_t row = static_cast<std::size_t>(b) * width;
      float* d_update = gate_grad + row;
      float* d_candidate = d_update + 2 * u;
      for (int j = 0; j < u; ++j) {
        const int k = b * u + j;
        d_update[j] = dh[k] * (h_prev[k] - a[row + 2 * u + j]);
        d_candidate[j] = dh[k] * (1.0f - a[row + j]);
        carry[k] = dh[k] * a[row + j];
      }
      kernels::activation_backward(activation_, z + row + 2 * u, a + row + 2 * u, d_candidate,
                                   dz + row + 2 * u, 1, u);
    }
    kernels::gemm(false, true, batch, u, u, 1.0f, dz + 2 * u, width, recurrent_kernel_.data() + 2 * u,
                  width, 0.0f, d_reset_h, u);
    for (int b = 0; b < batch; ++b) {
      const std::size_t row = static_cast<std::size_t>(b) * width;
      float* d_reset = gate_grad + row + u;
      for (int j = 0; j < u; ++j) {
        const int k = b * u + j;
        d_reset[j] = d_reset_h[k] * h_prev[k];
        carry[k] += d_reset_h[k] * a[row + u + j];
      }
      kernels::activation_backward(recurrent_activation_, z + row, a + row, gate_grad + row, dz + row, 1,
                                   2 * u);
    }
    if (s > 0)
      kernels::gemm(false, true, batch, u, 2 * u, 1.0f, dz, width, recurrent_kernel_.data(), width, 1.0f,
                    carry, u);
    restore_masked_rows(call, mask, batch, u, 0, carry);
  }
  const int rows = steps * batch;
  const float* projection_grad = call.saved[kProjectionGrad].data();
  kernels::gemm(true, false, u, 2 * u, rows, 1.0f, hidden, u, projection_grad, width, 1.0f,
                recurrent_kernel_grad_.data(), width);
  kernels::gemm(true, false, u, u, rows, 1.0f, call.saved[kRecurrent].data(), u, projection_grad + 2 * u,
                width, 1.0f, recurrent_kernel_grad_.data() + 2 * u, width);
}

SIMDNN_REGISTER_LAYER(GRU)

}  // namespace simdnn
