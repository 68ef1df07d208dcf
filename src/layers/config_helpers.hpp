#pragma once
// Small pieces every layer's from_config()/config() shares: activation options,
// initializer options, Keras fields we accept only as null, and float formatting.
#include <initializer_list>
#include <string>

#include "core/json.hpp"
#include "kernels/activations.hpp"
#include "layers/config_reader.hpp"

namespace simdnn {

// The shortest decimal that reads back as the same float, as a double: configs then
// say 0.3 rather than 0.30000001192092896, and still round-trip exactly.
double json_float(float value);

// Reads an activation name ("relu", "leakyRelu", null for linear); errors name the layer.
kernels::ActivationSpec read_activation(ConfigReader& reader, const std::string& key,
                                        const std::string& fallback);
// Parses an activation name outside a config (C++ constructors); errors start with context.
kernels::ActivationSpec parse_activation(const std::string& name, const std::string& context);

// Keras writes regularizers and constraints into every config, usually as null. We accept
// null and reject anything else, rather than silently training without them.
void accept_only_null(ConfigReader& reader, std::initializer_list<const char*> keys);

}  // namespace simdnn
