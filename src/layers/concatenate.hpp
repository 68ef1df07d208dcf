#pragma once
// Concatenate: joins inputs along `axis` (Keras numbering: 0 is the batch axis, which
// cannot be joined; negative counts from the end). All other extents must agree.
#include <memory>
#include <string>
#include <vector>

#include "layers/layer.hpp"

namespace simdnn {

class Concatenate : public Layer {
 public:
  explicit Concatenate(std::string name, int axis = -1);
  static std::shared_ptr<Concatenate> from_config(const Json& config);

  std::string class_name() const override { return "Concatenate"; }
  // Keras merges masks: a step is kept only where every masked input keeps it.
  void compute_output_masks(LayerCall& call) const override;
  int expected_inputs() const override { return -1; }
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  Json config() const override;

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  int axis_;
  // Per sample, every input is `outer` blocks of `block_sizes[i]` contiguous values;
  // the output interleaves them: block 0 of each input, then block 1, ...
  std::size_t outer_per_sample_ = 1;
  std::vector<std::size_t> block_sizes_;
  std::size_t output_block_ = 0;
};

}  // namespace simdnn
