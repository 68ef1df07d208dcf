#pragma once
// simdnn::Error: the one exception type the engine throws. Messages carry context
// (which layer, what was expected, what was received) so that the JS binding can
// surface them verbatim as a JS Error.
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace simdnn {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Builds a message from streamable parts: fail("Dense 'd1': expected ", a, ", got ", b).
template <typename... Parts>
[[noreturn]] void fail(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  throw Error(out.str());
}

template <typename... Parts>
void check(bool condition, const Parts&... parts) {
  if (!condition) fail(parts...);
}

}  // namespace simdnn
