#include "core/error.hpp"

#include <cstdio>

namespace simdnn::detail {

void append_signed(std::string& out, long long value) { out += std::to_string(value); }

void append_unsigned(std::string& out, unsigned long long value) { out += std::to_string(value); }

void append_floating(std::string& out, double value) {
  // operator<<'s default: 6 significant digits, %g style.
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  out += text;
}

void throw_error(std::string& message) { throw Error(message); }

}  // namespace simdnn::detail
