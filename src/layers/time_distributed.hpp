#pragma once
// TimeDistributed(layer): applies one layer to every time step of [batch, time, ...] by
// running it once on the [batch * time, ...] view (Keras semantics; the same weights at every
// step). The wrapped layer keeps its own name, and its weights are the wrapper's, named as
// Keras/TF.js name them: <time_distributed>/kernel, ...
#include <memory>
#include <string>

#include "core/json.hpp"
#include "layers/layer.hpp"

namespace simdnn {

class TimeDistributed : public Layer {
 public:
  TimeDistributed(std::string name, std::shared_ptr<Layer> layer);
  static std::shared_ptr<TimeDistributed> from_config(const Json& config);

  std::string class_name() const override { return "TimeDistributed"; }
  bool propagates_mask() const override { return true; }  // per-step: padded steps stay padded
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  std::vector<Param> params() override { return layer_->params(); }
  Json config() const override;
  void set_trainable(bool value) override;

  Layer& layer() { return *layer_; }

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  struct InnerCall;
  std::shared_ptr<Layer> layer_;
};

}  // namespace simdnn
