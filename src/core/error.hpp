#pragma once
// simdnn::Error: the one exception type the engine throws. Messages carry context
// (which layer, what was expected, what was received) so that the JS binding can
// surface them verbatim as a JS Error.
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace simdnn {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

namespace detail {

// fail() has ~100 distinct instantiations; each used to inline a whole std::ostringstream
// (~55 KB of wasm together). The part types are formatted out of line instead, exactly as
// operator<< would print them. There is no stream fallback: one use would link libc++'s
// locale machinery back into the module, so other types fail to compile here.
void append_signed(std::string& out, long long value);
void append_unsigned(std::string& out, unsigned long long value);
void append_floating(std::string& out, double value);
[[noreturn]] void throw_error(std::string& message);

template <typename T>
void append_part(std::string& out, const T& part) {
  if constexpr (std::is_same_v<T, char> || std::is_same_v<T, signed char> || std::is_same_v<T, unsigned char>) {
    out += static_cast<char>(part);  // streams print these as characters
  } else if constexpr (std::is_same_v<T, bool>) {
    out += part ? '1' : '0';
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    append_signed(out, part);
  } else if constexpr (std::is_integral_v<T>) {
    append_unsigned(out, part);
  } else if constexpr (std::is_floating_point_v<T>) {
    append_floating(out, part);
  } else if constexpr (requires { part.append_to(out); }) {
    part.append_to(out);  // formats itself, only when a message is built (ShapeText)
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    out += std::string_view(part);
  } else {
    static_assert(sizeof(T) == 0,
                  "fail()/check() parts: numbers, strings, or types with append_to");
  }
}

}  // namespace detail

// Builds a message from streamable parts: fail("Dense 'd1': expected ", a, ", got ", b).
template <typename... Parts>
[[noreturn]] void fail(const Parts&... parts) {
  std::string message;
  (detail::append_part(message, parts), ...);
  detail::throw_error(message);
}

template <typename... Parts>
void check(bool condition, const Parts&... parts) {
  if (!condition) fail(parts...);
}

}  // namespace simdnn
