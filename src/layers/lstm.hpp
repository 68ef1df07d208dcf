#pragma once
// LSTM with Keras semantics and weights: gates i, f, c, o side by side in kernel [in, 4u],
// recurrent_kernel [u, 4u] and bias [4u].
//   z = x W + h_{t-1} U + b;  i = ra(z_i), f = ra(z_f), g = a(z_c), o = ra(z_o)
//   c_t = f * c_{t-1} + i * g;  h_t = o * a(c_t)
// with a = activation (tanh) and ra = recurrent_activation (sigmoid; TF.js configs often say
// hard_sigmoid, which is honoured). return_state gives [output, h, c].
#include <memory>
#include <string>

#include "layers/recurrent.hpp"

namespace simdnn {

struct LSTMOptions : RecurrentOptions {
  bool unit_forget_bias = true;  // forget-gate bias starts at 1 (Jozefowicz et al.)
};

class LSTM : public RecurrentLayer {
 public:
  LSTM(std::string name, const LSTMOptions& options);
  static std::shared_ptr<LSTM> from_config(const Json& config);

  std::string class_name() const override { return "LSTM"; }
  int state_count() const override { return 2; }
  Json config() const override;

 protected:
  void initialize_bias(Rng& rng) override;
  std::size_t cell_buffer_count() const override { return kLstmBufferEnd - kCellBuffers; }
  void run_steps(LayerCall& call, int batch, int steps) override;
  void backprop_steps(LayerCall& call, int batch, int steps) override;
  void write_extra_states(LayerCall& call, int batch, int steps) override;

 private:
  static constexpr std::size_t kGates = kCellBuffers;   // [steps * batch, 4u]: i, f, g, o activated
  static constexpr std::size_t kCells = kGates + 1;      // [(steps + 1) * batch, u]: c_0 .. c_T
  static constexpr std::size_t kCellsActivated = kCells + 1;  // [steps * batch, u]: a(c_t)
  static constexpr std::size_t kHiddenCarry = kCellsActivated + 1;  // [batch, u]: dL/dh via recurrence
  static constexpr std::size_t kCellCarry = kHiddenCarry + 1;       // [batch, u]: dL/dc_{s-1}
  static constexpr std::size_t kStepScratch = kCellCarry + 1;       // [batch, u]
  static constexpr std::size_t kGateGrad = kStepScratch + 1;  // [batch, 4u]: dL/d(activated gates)
  static constexpr std::size_t kLstmBufferEnd = kGateGrad + 1;

  bool unit_forget_bias_;
};

}  // namespace simdnn
