// Minimal Embind surface: version() and throwForTest(). The real API bindings go in further
// wasm/*.cpp files (module.cmake globs them) and reuse rethrowAsJsError from js_errors.hpp.
#include <emscripten/bind.h>

#include <string>

#include "core/error.hpp"
#include "js_errors.hpp"

namespace simdnn::bindings {

std::string version() { return SIMDNN_VERSION; }

// Exists so tests can prove a C++ error reaches JS as an Error with its message and that the
// module keeps working afterwards.
void throwForTest(const std::string& message) {
  rethrowAsJsError([&] { fail("throwForTest: ", message); });
}

}  // namespace simdnn::bindings

EMSCRIPTEN_BINDINGS(simdnn_basics) {
  emscripten::function("version", &simdnn::bindings::version);
  emscripten::function("throwForTest", &simdnn::bindings::throwForTest);
}
