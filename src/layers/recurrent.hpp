#pragma once
// The shared machinery of Keras' recurrent layers (SimpleRNN, GRU, LSTM). Inputs are
// [batch, time, features]; weights keep the Keras layouts: kernel [features, gates * units],
// recurrent_kernel [units, gates * units], gates side by side in Keras order.
//
// Forward runs in three parts so that the big matrix work is one GEMM:
//   1. the input is copied into step-major order [steps, batch, features] (with go_backwards
//      step s reads time steps - 1 - s), and ONE gemm computes x W + b for every step;
//   2. the cell (subclass) walks the steps, adding h_{s-1} U with one gemm per step;
//   3. outputs are written from the hidden states: Keras returns the last one, or with
//      return_sequences all of them in processing order (reversed under go_backwards, as
//      Keras does), then with return_state the final state(s).
// Backward is backpropagation through time inside the layer: the cell turns the output
// gradients into gradients of the input projections (dZ); dW, db and dx are then one gemm each.
// Masks (Keras): a step whose mask is 0 leaves the state unchanged (h_s = h_{s-1}, and c for an
// LSTM), so padding contributes nothing; with return_sequences the mask passes on. Leading and
// trailing steps where the whole batch is padding are not computed at all: the cells see only the
// steps in between (in the cell buffers, "steps" means those), which makes a short text in a long
// padded input cost what its own length costs. In BPTT the
// gradient of a masked step goes straight to the step before and the cell computes nothing for it.
// dropout: one Bernoulli keep mask per sequence and input feature (Keras), applied at every step;
// recurrent_dropout: one per sequence and unit, applied to h_{s-1} where it enters the recurrent
// matmul (Keras 3 LSTM/SimpleRNN; GRU's Keras variants differ, so GRU refuses it).
// The initial state is zero; initial_state inputs and stateful are not supported.
#include <memory>
#include <string>

#include "core/json.hpp"
#include "kernels/activations.hpp"
#include "layers/config_reader.hpp"
#include "layers/initializers.hpp"
#include "layers/layer.hpp"

namespace simdnn {

struct RecurrentOptions {
  int units = 0;
  std::string activation = "tanh";
  std::string recurrent_activation = "sigmoid";  // gates (GRU, LSTM); unused by SimpleRNN
  bool use_bias = true;
  bool return_sequences = false;
  bool return_state = false;
  bool go_backwards = false;
  bool unroll = false;  // accepted for Keras compatibility; the loop is the same either way
  float dropout = 0.0f;  // fraction of input features dropped in training
  float recurrent_dropout = 0.0f;  // fraction of the state's units dropped in training
  Json kernel_initializer = "glorot_uniform";
  Json recurrent_initializer = "orthogonal";
  Json bias_initializer = "zeros";
};

class RecurrentLayer : public Layer {
 public:
  int units() const { return units_; }
  bool return_sequences() const { return return_sequences_; }
  bool return_state() const { return return_state_; }
  bool go_backwards() const { return go_backwards_; }
  // Number of state tensors returned with return_state: h, plus c for an LSTM.
  virtual int state_count() const { return 1; }

  Tensor& kernel() { return kernel_; }
  Tensor& recurrent_kernel() { return recurrent_kernel_; }
  Tensor& bias() { return bias_; }

  void forward(LayerCall& call) final;
  void backward(LayerCall& call) final;
  std::vector<Param> params() override;
  Json config() const override;
  // With return_sequences the input mask passes on to the sequence output; states carry none.
  void compute_output_masks(LayerCall& call) const override;

 protected:
  // class_name: the subclass' name, for error messages (class_name() is not callable yet).
  RecurrentLayer(const std::string& class_name, std::string name, const RecurrentOptions& options,
                 int gates, bool has_recurrent_activation);
  // Reads the fields every Keras RNN config carries; the caller reads its own and finishes.
  static RecurrentOptions read_options(ConfigReader& reader, bool has_recurrent_activation);

  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;
  virtual Shape bias_shape() const { return {gates_ * units_}; }
  virtual void initialize_bias(Rng& rng) { bias_initializer_.fill(bias_, rng); }
  // Extra call.saved buffers the cell uses, numbered from kCellBuffers.
  virtual std::size_t cell_buffer_count() const = 0;
  // Forward over all steps. On entry saved[kProjection] holds x W + b (step-major) and
  // saved[kHidden] row block 0 holds h_0 = 0; the cell fills h_1..h_T into saved[kHidden].
  virtual void run_steps(LayerCall& call, int batch, int steps) = 0;
  // BPTT. On entry saved[kHiddenGrad] holds dL/dh_s from the outputs for every step; the cell
  // writes dL/d(x W + b) into saved[kProjectionGrad] and accumulates its recurrent gradients.
  virtual void backprop_steps(LayerCall& call, int batch, int steps) = 0;
  // Writes outputs beyond [output, h] (the LSTM cell state).
  virtual void write_extra_states(LayerCall&, int /*batch*/, int /*steps*/) {}

  // call.saved slots; cells number theirs from kCellBuffers.
  static constexpr std::size_t kInputs = 0;          // [steps * batch, features], step-major
  static constexpr std::size_t kProjection = 1;      // [steps * batch, gates * units]
  static constexpr std::size_t kHidden = 2;          // [(steps + 1) * batch, units]: h_0 .. h_T
  static constexpr std::size_t kHiddenGrad = 3;      // [steps * batch, units]: output gradient per step
  static constexpr std::size_t kProjectionGrad = 4;  // [steps * batch, gates * units]
  static constexpr std::size_t kInputGrad = 5;       // [steps * batch, features], step-major
  static constexpr std::size_t kStepMask = 6;        // [steps, batch] step-major, or empty: no mask
  static constexpr std::size_t kHeldGrad = 7;        // [2, batch * units]: masked rows' dh, dc
  static constexpr std::size_t kInputDropout = 8;    // [batch, features] keep * 1/(1-rate), or empty
  static constexpr std::size_t kRecurrentDropout = 9;  // [batch, units] keep * 1/(1-rate), or empty
  static constexpr std::size_t kDroppedHidden = 10;    // [steps * batch, units]: h_s * mask, s < T
  static constexpr std::size_t kStepRange = 11;        // [2]: the StepRange the cells ran over
  static constexpr std::size_t kCellBuffers = 12;

  // Recurrent dropout helpers for the cells. recurrent_input: what step s multiplies by the
  // recurrent kernel (h_{s-1}, dropped in training); recurrent_inputs: all of them, rows as
  // kHidden's first `steps` blocks; drop_recurrent_grad: the same mask on a gradient that came
  // back through the recurrent kernel.
  const float* recurrent_input(LayerCall& call, int s, int batch) const;
  const float* recurrent_inputs(const LayerCall& call) const;
  static void drop_recurrent_grad(const LayerCall& call, int batch, int units, float* grad);

  // Masking helpers for the cells. step_mask: the [batch] keep flags of processing step s, or
  // null when the call has no mask.
  // Processing steps [begin, end) outside which every sample is masked (all steps without a mask).
  struct StepRange {
    int begin, end;
  };
  StepRange active_steps(const LayerCall& call, int batch, int steps) const;
  // Fills kStepMask from the input mask for the steps of `range`, in processing order, or empties it.
  void prepare_step_mask(LayerCall& call, int batch, int steps, StepRange range) const;
  static const float* step_mask(const LayerCall& call, int s, int batch);
  // Forward: rows whose step is masked keep the previous state.
  static void keep_masked_state(const float* mask, int batch, int units, const float* previous, float* state);
  // Backward: hold moves the masked rows of grad into slot `which` of kHeldGrad and zeroes them,
  // so the cell computes no gradient for them; restore writes them into carry, the gradient
  // flowing to step s-1 (a masked step passed its state through unchanged).
  static void hold_masked_rows(LayerCall& call, const float* mask, int batch, int units, int which, float* grad);
  static void restore_masked_rows(LayerCall& call, const float* mask, int batch, int units, int which, float* carry);

  int units_;
  int gates_;
  kernels::ActivationSpec activation_;
  kernels::ActivationSpec recurrent_activation_;
  bool has_recurrent_activation_;
  bool use_bias_;
  bool return_sequences_, return_state_, go_backwards_, unroll_;
  float dropout_, recurrent_dropout_;
  Initializer kernel_initializer_, recurrent_initializer_, bias_initializer_;
  int features_ = 0;
  Tensor kernel_, recurrent_kernel_, bias_;
  Tensor kernel_grad_, recurrent_kernel_grad_, bias_grad_;
};

}  // namespace simdnn
