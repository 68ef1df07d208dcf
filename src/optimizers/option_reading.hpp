#pragma once
// Reading optimizer configs (internal to src/optimizers): the options every Keras optimizer
// shares, numeric options kept as double (so configs round-trip without float noise), and
// the factories the registry in optimizer.cpp dispatches to.
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "core/json.hpp"
#include "layers/config_reader.hpp"
#include "optimizers/optimizer.hpp"

namespace simdnn::optimizers {

inline constexpr double kUnbounded = std::numeric_limits<double>::infinity();

// learning_rate, weight_decay, clipnorm, global_clipnorm, clipvalue, name, and the Keras
// bookkeeping keys that must keep their inert values (use_ema false, and so on).
OptimizerOptions read_common_options(ConfigReader& reader, const std::string& instance_name,
                                     double default_learning_rate,
                                     std::optional<double> default_weight_decay);

// A number in [low, high] (or [low, high) when high_open).
double number_option(ConfigReader& reader, const std::string& key, double fallback, double low,
                     double high, bool high_open = false);

std::unique_ptr<Optimizer> make_sgd(const Json& config);
std::unique_ptr<Optimizer> make_rmsprop(const Json& config);
std::unique_ptr<Optimizer> make_adam(const Json& config);
std::unique_ptr<Optimizer> make_adamw(const Json& config);
std::unique_ptr<Optimizer> make_adagrad(const Json& config);
std::unique_ptr<Optimizer> make_adadelta(const Json& config);

}  // namespace simdnn::optimizers
