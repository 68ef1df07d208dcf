#pragma once
// Keras-style configs are JSON; nlohmann::json (Debian nlohmann-json3-dev) holds them.
#include <nlohmann/json.hpp>

namespace simdnn {
using Json = nlohmann::json;
}
