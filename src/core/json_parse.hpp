#pragma once
// Parsing JSON that comes from outside (model files, configs from JS).
#include <string_view>

#include "core/json.hpp"

namespace simdnn {

// Invalid text, or nesting deeper than kMaxJsonDepth, throws simdnn::Error naming `what`:
// nothing deeper reaches the engine's recursive code (dumps in error messages, nested model
// configs), whose stack overflow in wasm would trap instead of throwing.
inline constexpr int kMaxJsonDepth = 100;
Json parse_json_text(std::string_view text, const char* what);

}  // namespace simdnn
