#pragma once
// SimpleRNN with Keras semantics and weights: h_t = a(x_t W + h_{t-1} U + b), kernel [in, u],
// recurrent_kernel [u, u], bias [u]. return_state gives [output, h].
#include <memory>
#include <string>

#include "layers/recurrent.hpp"

namespace simdnn {

class SimpleRNN : public RecurrentLayer {
 public:
  SimpleRNN(std::string name, const RecurrentOptions& options);
  static std::shared_ptr<SimpleRNN> from_config(const Json& config);

  std::string class_name() const override { return "SimpleRNN"; }

 protected:
  static constexpr std::size_t kHiddenCarry = kCellBuffers;  // [batch, u]
  std::size_t cell_buffer_count() const override { return 1; }
  void run_steps(LayerCall& call, int batch, int steps) override;
  void backprop_steps(LayerCall& call, int batch, int steps) override;
};

}  // namespace simdnn
