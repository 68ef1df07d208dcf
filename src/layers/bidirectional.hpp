#pragma once
// Bidirectional(layer, merge_mode): Keras' wrapper that runs a forward copy of a recurrent layer
// and a backward copy (go_backwards flipped) over the same input and merges their outputs.
// Both copies are made through the layer registry from the wrapped layer's config and are
// named forward_<name> and backward_<name>, so weights are named as Keras and TF.js name them:
// <bidirectional>/forward_<name>/kernel, ..., then <bidirectional>/backward_<name>/kernel, ...
//
// With return_sequences the backward copy's sequence is reversed back into input time order
// before merging (Keras does the same). merge_mode: concat (last axis), sum, ave, mul, or
// null (no merge: outputs [forward, backward]). With return_state the outputs continue with the
// forward states and then the backward states: [output(s), h_f, (c_f,) h_b, (c_b)].
#include <memory>
#include <string>

#include "core/json.hpp"
#include "layers/layer.hpp"
#include "layers/recurrent.hpp"

namespace simdnn {

class Bidirectional : public Layer {
 public:
  enum class Merge { concat, sum, ave, mul, none };

  Bidirectional(std::string name, std::shared_ptr<RecurrentLayer> forward_layer,
                std::shared_ptr<RecurrentLayer> backward_layer, Merge merge);
  // Makes both copies from a Keras layer spec {"class_name": ..., "config": {...}}.
  static std::shared_ptr<Bidirectional> wrap(std::string name, const Json& layer_spec, Merge merge);
  static std::shared_ptr<Bidirectional> from_config(const Json& config);

  std::string class_name() const override { return "Bidirectional"; }
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  void compute_output_masks(LayerCall& call) const override;
  std::vector<Param> params() override;
  Json config() const override;
  void set_trainable(bool value) override;

  RecurrentLayer& forward_layer() { return *forward_; }
  RecurrentLayer& backward_layer() { return *backward_; }
  Merge merge() const { return merge_; }

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  struct Calls;
  // Row of the backward copy's output that lines up with row `row` of the merged output.
  std::size_t backward_row(std::size_t row, int steps) const;

  std::shared_ptr<RecurrentLayer> forward_, backward_;
  Merge merge_;
  std::string wrapped_name_;  // the wrapped layer's own name, without forward_/backward_
};

}  // namespace simdnn
