// Bindings: errors, version, seeding, memory statistics, tensors.
// The one place bulk data crosses between JS and the wasm heap: tensor_from_array and
// tensor_to_array (each a single copy through a typed-memory view).
#include <emscripten/bind.h>
#include <malloc.h>

#include "core/error.hpp"
#include "core/json_parse.hpp"
#include "core/parallel.hpp"
#include "core/tensor.hpp"
#include "guard.hpp"
#include "js_convert.hpp"
#include "model/graph.hpp"

using namespace emscripten;

namespace simdnn::bindings {
namespace {
std::string& last_error() {
  static std::string message;
  return message;
}
}  // namespace

void set_last_error(const char* message) { last_error() = message; }

std::string take_last_error() {
  std::string out;
  out.swap(last_error());
  return out;
}

Shape shape_from_js(const val& shape, const char* what) {
  check(shape.isArray(), what, ": shape must be an array of positive integers");
  const unsigned n = shape["length"].as<unsigned>();
  check(n <= 8, what, ": shape has ", n, " dimensions; at most 8 are supported");
  Shape out;
  for (unsigned i = 0; i < n; ++i) {
    const val d = shape[i];
    check(d.isNumber(), what, ": shape entries must be integers, got ", d.typeOf().as<std::string>());
    const double v = d.as<double>();
    check(v >= 0 && v <= 1e9 && v == static_cast<double>(static_cast<long long>(v)), what,
          ": shape entries must be non-negative integers, got ", v);
    out.push_back(static_cast<int>(v));
  }
  return out;
}

val shape_to_js(const Shape& shape) {
  val out = val::array();
  for (int d : shape) out.call<void>("push", d);
  return out;
}

std::vector<Tensor> tensors_from_js(const val& list, const char* what) {
  check(list.isArray(), what, " must be a list of tensors");
  std::vector<Tensor> out;
  const unsigned n = list["length"].as<unsigned>();
  for (unsigned i = 0; i < n; ++i) out.push_back(list[i].as<Tensor>());
  return out;
}

val tensors_to_js(const std::vector<Tensor>& tensors) {
  val out = val::array();
  // Pushed as val(t): a class passed straight into a JS call is freed when the call returns.
  for (const auto& t : tensors) out.call<void>("push", val(t));
  return out;
}

val logs_to_js(const Logs& logs) {
  val out = val::object();
  for (const auto& [k, v] : logs.entries()) out.set(k, v);
  return out;
}

Json parse_json(const std::string& text, const char* what) { return parse_json_text(text, what); }

namespace {

Tensor tensor_from_array(const val& data, const val& shape_js) {
  return guarded([&] {
    const Shape shape = shape_from_js(shape_js, "tensor");
    Tensor t;
    t.resize(shape);
    const unsigned length = data["length"].as<unsigned>();
    check(length == t.size(), "tensor: shape ", shape_text(shape), " needs ", t.size(),
          " values, got ", length);
    // The view is made after allocation: growing memory detaches older views.
    val(typed_memory_view(t.size(), t.data())).call<void>("set", data);
    return t;
  });
}

val tensor_to_array(const Tensor& t) {
  return val::global("Float32Array").new_(typed_memory_view(t.size(), t.data()));
}

val tensor_shape(const Tensor& t) { return shape_to_js(t.shape()); }

val heap_stats() {
  const struct mallinfo info = mallinfo();
  val out = val::object();
  out.set("inUse", static_cast<double>(info.uordblks));
  out.set("arena", static_cast<double>(info.arena));
  return out;
}

void set_seed(double seed) {
  guarded([&] {
    check(seed >= 0 && seed <= 9007199254740991.0 && seed == static_cast<double>(static_cast<long long>(seed)),
          "setSeed: seed must be a non-negative integer, got ", seed);
    set_global_seed(static_cast<std::uint64_t>(seed));
  });
}

void set_threads(double threads) {
  guarded([&] {
    check(threads == static_cast<double>(static_cast<int>(threads)),
          "setThreads: threads must be an integer, got ", threads);
    set_thread_count(static_cast<int>(threads));
  });
}

}  // namespace
}  // namespace simdnn::bindings

EMSCRIPTEN_BINDINGS(simdnn_core) {
  using namespace simdnn;
  using namespace simdnn::bindings;
  function("lastError", &take_last_error);
  function("version", +[]() { return std::string(SIMDNN_VERSION); });  // from package.json
  function("setSeed", &set_seed);
  function("heapStats", &heap_stats);
  function("setThreads", &set_threads);
  function("threads", &thread_count);
  function("maxThreads", &max_threads);
  class_<Tensor>("Tensor")
      .function("shape", &tensor_shape)
      .function("size", +[](const Tensor& t) { return static_cast<double>(t.size()); })
      .function("toArray", &tensor_to_array);
  function("tensorFromArray", &tensor_from_array);
}
