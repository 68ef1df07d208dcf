#pragma once
// GRU with Keras semantics and weights: gates z (update), r (reset), h (candidate) side by side
// in kernel [in, 3u] and recurrent_kernel [u, 3u].
//   reset_after = true (Keras 2.3+/TF2 default; bias [2, 3u] = input bias, recurrent bias):
//     x_* = x W_* + b_*,  h_* = h_{t-1} U_* + b'_*
//     z = ra(x_z + h_z), r = ra(x_r + h_r), hh = a(x_h + r * h_h)
//   reset_after = false (Keras 2.2 / TF1 layout; bias [3u]):
//     z = ra(x_z + h_{t-1} U_z), r = ra(x_r + h_{t-1} U_r), hh = a(x_h + (r * h_{t-1}) U_h)
//   h_t = z * h_{t-1} + (1 - z) * hh
// return_state gives [output, h].
#include <memory>
#include <string>

#include "layers/recurrent.hpp"

namespace simdnn {

struct GRUOptions : RecurrentOptions {
  bool reset_after = true;
};

class GRU : public RecurrentLayer {
 public:
  GRU(std::string name, const GRUOptions& options);
  static std::shared_ptr<GRU> from_config(const Json& config);

  std::string class_name() const override { return "GRU"; }
  bool reset_after() const { return reset_after_; }
  Json config() const override;

 protected:
  Shape bias_shape() const override;
  std::size_t cell_buffer_count() const override { return kGruBufferEnd - kCellBuffers; }
  void run_steps(LayerCall& call, int batch, int steps) override;
  void backprop_steps(LayerCall& call, int batch, int steps) override;

 private:
  void run_steps_reset_after(LayerCall& call, int batch, int steps);
  void run_steps_reset_before(LayerCall& call, int batch, int steps);
  void backprop_reset_after(LayerCall& call, int batch, int steps);
  void backprop_reset_before(LayerCall& call, int batch, int steps);

  static constexpr std::size_t kGates = kCellBuffers;  // [steps * batch, 3u]: z, r, hh activated
  // reset_after: [steps * batch, 3u] recurrent projections h U + b'; otherwise [steps * batch, u]
  // holding r * h_{t-1}.
  static constexpr std::size_t kRecurrent = kGates + 1;
  static constexpr std::size_t kRecurrentGrad = kRecurrent + 1;  // reset_after: [steps * batch, 3u]
  static constexpr std::size_t kHiddenCarry = kRecurrentGrad + 1;  // [batch, u]
  static constexpr std::size_t kGateGrad = kHiddenCarry + 1;       // [batch, 3u]
  static constexpr std::size_t kStepScratch = kGateGrad + 1;       // [batch, u]
  static constexpr std::size_t kGruBufferEnd = kStepScratch + 1;

  bool reset_after_;
};

}  // namespace simdnn
