#pragma once
// tests/data/text-fixtures.json: the expected results shared with tests/node/text.test.js.
#include <fstream>
#include <string>

#include "core/json.hpp"

namespace simdnn::testing {

inline const Json& text_fixtures() {
  static const Json fixtures = [] {
    std::ifstream in(std::string(SIMDNN_TEST_DATA) + "/text-fixtures.json");
    if (!in) throw std::runtime_error("tests/data/text-fixtures.json is unreadable");
    return Json::parse(in);
  }();
  return fixtures;
}

}  // namespace simdnn::testing
