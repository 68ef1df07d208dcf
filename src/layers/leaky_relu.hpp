#pragma once
// LeakyReLU: f(x) = x for x > 0, negative_slope * x otherwise. Keras 3 default slope 0.3;
// Keras 2 and TF.js configs call the slope `alpha`, which is read too.
#include <memory>
#include <string>

#include "layers/elementwise_activation.hpp"

namespace simdnn {

class LeakyReLU : public ElementwiseActivation {
 public:
  explicit LeakyReLU(std::string name, float negative_slope = 0.3f);
  static std::shared_ptr<LeakyReLU> from_config(const Json& config);

  std::string class_name() const override { return "LeakyReLU"; }
  Json config() const override;
  float negative_slope() const { return negative_slope_; }

 private:
  float negative_slope_;
};

}  // namespace simdnn
