#pragma once
// Turns C++ exceptions into JS Errors at the binding boundary. Why: Emscripten 3.1.6 hands JS a
// bare number (a pointer) for an escaping C++ exception, and cannot read its message from JS.
#include <emscripten/val.h>

#include <exception>
#include <string>
#include <utility>

#include "core/error.hpp"

namespace simdnn::bindings {

inline emscripten::val makeJsError(const char* message) {
  return emscripten::val::global("Error").new_(emscripten::val(message));
}

// Runs `body` and returns its result; any exception it throws becomes a JS Error carrying the
// same message, and the module stays usable.
//
// Order matters: the JS Error is built and the C++ exception fully handled (catch block left)
// *before* the JS throw, because a JS throw unwinds wasm frames without running destructors or
// ending an active C++ exception. What a JS throw still leaves behind, per error: the Error's val
// handle, the heap storage of by-value arguments of the bound function, and the shadow-stack
// space of the frames it unwinds (measured 16-48 bytes of the 5 MiB stack). Errors are rare, so
// this is accepted; a JS caller that wants it exact can stackSave()/stackRestore() around calls.
template <typename Body>
decltype(auto) rethrowAsJsError(Body&& body) {
  emscripten::val jsError = emscripten::val::undefined();
  try {
    return std::forward<Body>(body)();
  } catch (const simdnn::Error& error) {
    jsError = makeJsError(error.what());
  } catch (const std::exception& error) {
    // Not one of ours (std::bad_alloc, ...): say so and keep the original text.
    jsError = makeJsError((std::string("simdnn internal error: ") + error.what()).c_str());
  } catch (...) {
    jsError = makeJsError("simdnn internal error: unknown C++ exception");
  }
  jsError.throw_();
}

}  // namespace simdnn::bindings
