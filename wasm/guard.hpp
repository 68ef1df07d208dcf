#pragma once
// Errors never cross into JS as exceptions: a JS exception thrown through wasm frames skips
// C++ destructors (leaking whatever they own). Every binding runs its body in guarded(),
// which catches, records the message and returns a default value; the JS facade checks
// lastError() after each native call (web/native.js) and throws a real JS Error there.
#include <emscripten/val.h>

#include <exception>
#include <new>
#include <string>
#include <type_traits>

namespace simdnn::bindings {

void set_last_error(const char* message);
std::string take_last_error();

template <typename F>
auto guarded(F&& body) -> decltype(body()) {
  using Result = decltype(body());
  try {
    return body();
  } catch (const std::bad_alloc&) {
    set_last_error("out of memory: the wasm heap cannot grow any further");
  } catch (const std::exception& e) {
    set_last_error(e.what());
  } catch (...) {
    set_last_error("unknown native error");
  }
  if constexpr (std::is_same_v<Result, emscripten::val>) {
    return emscripten::val::undefined();
  } else if constexpr (!std::is_void_v<Result>) {
    return Result{};
  }
}

}  // namespace simdnn::bindings
