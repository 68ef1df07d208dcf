#pragma once
// ReLU with the Keras options:
//   f(x) = min(x, max_value)                 for x > threshold
//          negative_slope * (x - threshold)  for x < threshold
//          0                                 for x == threshold
// (defaults: no max_value, negative_slope 0, threshold 0: the plain relu). As in Keras, a
// non-zero threshold passes x itself above it, so f jumps at the threshold. Derivatives at
// the kinks are 0, as TensorFlow's relu'(0) (and 0 at x >= max_value).
#include <memory>
#include <optional>
#include <string>

#include "layers/elementwise_activation.hpp"

namespace simdnn {

struct ReLUOptions {
  std::optional<float> max_value;
  float negative_slope = 0.0f;
  float threshold = 0.0f;
};

class ReLU : public ElementwiseActivation {
 public:
  explicit ReLU(std::string name, const ReLUOptions& options = {});
  static std::shared_ptr<ReLU> from_config(const Json& config);

  std::string class_name() const override { return "ReLU"; }
  Json config() const override;

 protected:
  void apply(const float* x, float* y, std::size_t n) const override;
  void apply_backward(const float* x, const float* y, const float* dy, float* dx,
                      std::size_t n) const override;

 private:
  // relu and leaky_relu have SIMD kernels; a cap or a threshold takes the scalar loop.
  bool uses_kernel() const { return !options_.max_value && options_.threshold == 0.0f; }
  ReLUOptions options_;
};

}  // namespace simdnn
