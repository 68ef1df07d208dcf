#pragma once
// Small builders shared by the model tests.
#include <memory>

#include "layers/registry.hpp"
#include "losses/loss.hpp"
#include "model/model.hpp"
#include "optimizers/optimizer.hpp"

namespace simdnn::test {

inline std::shared_ptr<Layer> dense(int units, const char* activation = "linear",
                                    Json extra = Json::object()) {
  extra["units"] = units;
  extra["activation"] = activation;
  return LayerRegistry::create("Dense", extra);
}

inline CompileOptions compile_options(const char* loss, const char* optimizer, Json opt_config,
                                      std::vector<std::string> metrics = {}) {
  CompileOptions o;
  o.optimizer = std::shared_ptr<Optimizer>(make_optimizer(optimizer, opt_config));
  o.losses = {std::shared_ptr<Loss>(make_loss(loss))};
  o.metrics = std::move(metrics);
  return o;
}

// XOR: the known-answer synthetic task (4 points), used where a test needs a known optimum.
inline std::pair<Tensor, Tensor> xor_data() {
  return {Tensor::from({4, 2}, std::vector<float>{0, 0, 0, 1, 1, 0, 1, 1}),
          Tensor::from({4, 1}, std::vector<float>{0, 1, 1, 0})};
}

}  // namespace simdnn::test
