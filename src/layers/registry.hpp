#pragma once
// The one registry of layer class names. Serialization (Keras "class_name") and the JS
// API (nn.layers.dense -> "Dense") both go through it; layers register themselves in
// their own .cpp with SIMDNN_REGISTER_LAYER, so there is no hand-kept list elsewhere.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "layers/layer.hpp"

namespace simdnn {

// A plain function pointer: every factory is a capture-less lambda, and std::function
// instantiated ~40 type-erasure wrappers.
using LayerFactory = std::shared_ptr<Layer> (*)(const Json& config);

class LayerRegistry {
 public:
  static bool add(const std::string& class_name, LayerFactory factory);
  // Throws an Error naming the unknown class and listing the known ones.
  static std::shared_ptr<Layer> create(const std::string& class_name, const Json& config);
  static bool contains(const std::string& class_name);
  static std::vector<std::string> names();
};

// The input shape declared in a Keras layer config, if any (without the batch axis).
std::optional<Shape> declared_input_shape(const std::string& class_name, const Json& config);

}  // namespace simdnn

#define SIMDNN_REGISTER_LAYER(ClassName)                                                  \
  namespace {                                                                             \
  const bool registered_##ClassName = ::simdnn::LayerRegistry::add(                       \
      #ClassName, [](const ::simdnn::Json& c) -> std::shared_ptr<::simdnn::Layer> {      \
        return ClassName::from_config(c);                                                 \
      });                                                                                 \
  }
