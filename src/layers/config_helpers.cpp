#include "layers/config_helpers.hpp"

#include <cstdio>
#include <cstdlib>

#include "core/error.hpp"

namespace simdnn {

double json_float(float value) {
  char text[32];
  for (int digits = 1; digits <= 9; ++digits) {  // 9 significant digits always round-trip
    std::snprintf(text, sizeof text, "%.*g", digits, static_cast<double>(value));
    if (std::strtof(text, nullptr) == value) return std::strtod(text, nullptr);
  }
  return static_cast<double>(value);  // NaN/inf: never produced by validated options
}

kernels::ActivationSpec parse_activation(const std::string& name, const std::string& context) {
  try {
    return kernels::ActivationSpec{kernels::activation_from_name(name), 0.0f};
  } catch (const Error& e) {
    // The kernel's message lists the known names; drop its function-name prefix.
    std::string message = e.what();
    const std::string prefix = "activation_from_name: ";
    if (message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
    fail(context, ": ", message);
  }
}

kernels::ActivationSpec read_activation(ConfigReader& reader, const std::string& key,
                                        const std::string& fallback) {
  const Json* value = reader.raw_or_null(key);  // Keras writes null for "no activation"
  if (value == nullptr) return parse_activation(fallback, reader.context());
  check(value->is_string(), reader.context(), ": option '", key,
        "' must be an activation name, got ", value->dump());
  return parse_activation(value->get<std::string>(), reader.context() + ": option '" + key + "'");
}

void accept_only_null(ConfigReader& reader, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    const Json* value = reader.raw_or_null(key);
    check(value == nullptr, reader.context(), ": option '", key,
          "' is not supported (only null), got ", value ? value->dump() : "");
  }
}

}  // namespace simdnn
