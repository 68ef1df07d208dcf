#include "layers/relu.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "layers/config_helpers.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {

ReLU::ReLU(std::string name, const ReLUOptions& options)
    : ElementwiseActivation(std::move(name)), options_(options) {
  if (options_.max_value)
    check(*options_.max_value >= 0.0f && std::isfinite(*options_.max_value), context(),
          ": max_value must be a non-negative number, got ", *options_.max_value);
  check(options_.negative_slope >= 0.0f && std::isfinite(options_.negative_slope), context(),
        ": negative_slope must be a non-negative number, got ", options_.negative_slope);
  check(options_.threshold >= 0.0f && std::isfinite(options_.threshold), context(),
        ": threshold must be a non-negative number, got ", options_.threshold);
  // The kernel reads alpha == 0 as "Keras default 0.3", so slope 0 must pick relu itself.
  if (options_.negative_slope == 0.0f)
    set_spec({kernels::Activation::relu, 0.0f});
  else
    set_spec({kernels::Activation::leaky_relu, options_.negative_slope});
}

std::shared_ptr<ReLU> ReLU::from_config(const Json& config) {
  ConfigReader reader(config, "ReLU");
  const std::string name = reader.name();
  ReLUOptions options;
  if (reader.has("max_value")) options.max_value = reader.number("max_value", 0.0f);
  reader.raw_or_null("max_value");  // null: no cap
  options.negative_slope = reader.number("negative_slope", 0.0f);
  options.threshold = reader.number("threshold", 0.0f);
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<ReLU>(name, options);
  layer->set_trainable(trainable);
  return layer;
}

Json ReLU::config() const {
  Json c = base_config();
  c["max_value"] = options_.max_value ? Json(json_float(*options_.max_value)) : Json(nullptr);
  c["negative_slope"] = json_float(options_.negative_slope);
  c["threshold"] = json_float(options_.threshold);
  return c;
}

void ReLU::apply(const float* x, float* y, std::size_t n) const {
  if (uses_kernel()) return ElementwiseActivation::apply(x, y, n);
  const float cap = options_.max_value.value_or(std::numeric_limits<float>::infinity());
  const float threshold = options_.threshold, slope = options_.negative_slope;
  for (std::size_t i = 0; i < n; ++i) {
    const float v = x[i];
    y[i] = v > threshold ? std::min(v, cap) : (v < threshold ? slope * (v - threshold) : 0.0f);
  }
}

void ReLU::apply_backward(const float* x, const float* y, const float* dy, float* dx,
                          std::size_t n) const {
  if (uses_kernel()) return ElementwiseActivation::apply_backward(x, y, dy, dx, n);
  const float cap = options_.max_value.value_or(std::numeric_limits<float>::infinity());
  const float threshold = options_.threshold, slope = options_.negative_slope;
  for (std::size_t i = 0; i < n; ++i) {
    const float v = x[i];
    const float derivative = v > threshold ? (v < cap ? 1.0f : 0.0f) : (v < threshold ? slope : 0.0f);
    dx[i] = dy[i] * derivative;
  }
}

SIMDNN_REGISTER_LAYER(ReLU)

}  // namespace simdnn
