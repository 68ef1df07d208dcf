#pragma once
// PReLU: f(x) = x for x > 0, alpha * x otherwise, with a learned alpha per input element
// (Keras: alpha has the sample shape), shared along `shared_axes` (Keras axis numbers,
// 1-based as the batch axis is 0; e.g. [1, 2] after a Conv2D gives one alpha per channel).
// alpha_initializer defaults to zeros, so a fresh PReLU starts as relu.
#include <memory>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "layers/initializers.hpp"
#include "layers/layer.hpp"

namespace simdnn {

struct PReLUOptions {
  Json alpha_initializer = "zeros";
  std::vector<int> shared_axes;  // empty: no sharing
};

class PReLU : public Layer {
 public:
  explicit PReLU(std::string name, const PReLUOptions& options = {});
  static std::shared_ptr<PReLU> from_config(const Json& config);

  std::string class_name() const override { return "PReLU"; }
  bool propagates_mask() const override { return true; }  // per-step: padded steps stay padded
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  std::vector<Param> params() override;
  Json config() const override;

  Tensor& alpha() { return alpha_; }

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  Initializer alpha_initializer_;
  std::vector<int> shared_axes_;
  // alpha_index_[j]: the alpha used by element j of a sample, computed once at build so the
  // loops need no index arithmetic.
  std::vector<int> alpha_index_;
  Tensor alpha_, alpha_grad_;
};

}  // namespace simdnn
