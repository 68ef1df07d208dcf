#include "core/json_parse.hpp"

#include "core/error.hpp"

namespace simdnn {

Json parse_json_text(std::string_view text, const char* what) {
  // The callback runs as the parser enters each value, so a hostile nesting is stopped
  // before it is built.
  const Json::parser_callback_t limit = [what](int depth, Json::parse_event_t, Json&) {
    check(depth <= kMaxJsonDepth, what, ": JSON nested deeper than ", kMaxJsonDepth, " levels");
    return true;
  };
  Json j = Json::parse(text.begin(), text.end(), limit, /*allow_exceptions=*/false);
  check(!j.is_discarded(), what, ": invalid JSON");
  return j;
}

}  // namespace simdnn
