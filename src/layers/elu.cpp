#include "layers/elu.hpp"

#include <cmath>

#include "core/error.hpp"
#include "layers/config_helpers.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {

ELU::ELU(std::string name, float alpha) : ElementwiseActivation(std::move(name)), alpha_(alpha) {
  check(std::isfinite(alpha_), context(), ": alpha must be a finite number, got ", alpha_);
  // The kernel reads alpha == 0 as "Keras default 1"; ELU with alpha 0 is exactly relu.
  if (alpha_ == 0.0f)
    set_spec({kernels::Activation::relu, 0.0f});
  else
    set_spec({kernels::Activation::elu, alpha_});
}

std::shared_ptr<ELU> ELU::from_config(const Json& config) {
  ConfigReader reader(config, "ELU");
  const std::string name = reader.name();
  const float alpha = reader.number("alpha", 1.0f);
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<ELU>(name, alpha);
  layer->set_trainable(trainable);
  return layer;
}

Json ELU::config() const {
  Json c = base_config();
  c["alpha"] = json_float(alpha_);
  return c;
}

SIMDNN_REGISTER_LAYER(ELU)

}  // namespace simdnn
