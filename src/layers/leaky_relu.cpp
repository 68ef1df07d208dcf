#include "layers/leaky_relu.hpp"

#include <cmath>

#include "core/error.hpp"
#include "layers/config_helpers.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {

LeakyReLU::LeakyReLU(std::string name, float negative_slope)
    : ElementwiseActivation(std::move(name)), negative_slope_(negative_slope) {
  check(negative_slope_ >= 0.0f && std::isfinite(negative_slope_), context(),
        ": negative_slope must be a non-negative number, got ", negative_slope_);
  // The kernel reads alpha == 0 as "Keras default 0.3", so a zero slope is plain relu.
  if (negative_slope_ == 0.0f)
    set_spec({kernels::Activation::relu, 0.0f});
  else
    set_spec({kernels::Activation::leaky_relu, negative_slope_});
}

std::shared_ptr<LeakyReLU> LeakyReLU::from_config(const Json& config) {
  ConfigReader reader(config, "LeakyReLU");
  const std::string name = reader.name();
  check(!(reader.has("negative_slope") && reader.has("alpha")), reader.context(),
        ": give either 'negative_slope' (Keras 3) or 'alpha' (Keras 2, TF.js), not both");
  float slope = reader.number("negative_slope", 0.3f);
  if (reader.has("alpha")) slope = reader.number("alpha", 0.3f);
  reader.raw_or_null("alpha");  // null alpha: the default
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<LeakyReLU>(name, slope);
  layer->set_trainable(trainable);
  return layer;
}

Json LeakyReLU::config() const {
  Json c = base_config();
  c["negative_slope"] = json_float(negative_slope_);
  return c;
}

SIMDNN_REGISTER_LAYER(LeakyReLU)

}  // namespace simdnn
