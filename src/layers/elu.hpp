#pragma once
// ELU: f(x) = x for x > 0, alpha * (exp(x) - 1) otherwise (Keras default alpha 1).
#include <memory>
#include <string>

#include "layers/elementwise_activation.hpp"

namespace simdnn {

class ELU : public ElementwiseActivation {
 public:
  explicit ELU(std::string name, float alpha = 1.0f);
  static std::shared_ptr<ELU> from_config(const Json& config);

  std::string class_name() const override { return "ELU"; }
  Json config() const override;
  float alpha() const { return alpha_; }

 private:
  float alpha_;
};

}  // namespace simdnn
