#pragma once
// Conversions between JS values and engine types, shared by the binding files.
#include <emscripten/val.h>

#include <vector>

#include "core/json.hpp"
#include "core/shape.hpp"
#include "core/tensor.hpp"
#include "model/logs.hpp"

namespace simdnn::bindings {

Shape shape_from_js(const emscripten::val& shape, const char* what);
emscripten::val shape_to_js(const Shape& shape);
std::vector<Tensor> tensors_from_js(const emscripten::val& list, const char* what);
emscripten::val tensors_to_js(const std::vector<Tensor>& tensors);
emscripten::val logs_to_js(const Logs& logs);
// Parses JSON text from JS; invalid text is an Error naming `what`.
Json parse_json(const std::string& text, const char* what);

}  // namespace simdnn::bindings
