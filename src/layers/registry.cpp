#include "layers/registry.hpp"

#include <map>

#include "core/error.hpp"

namespace simdnn {
namespace {
std::map<std::string, LayerFactory>& table() {
  static std::map<std::string, LayerFactory> t;  // function-local: safe during static init
  return t;
}
}  // namespace

bool LayerRegistry::add(const std::string& class_name, LayerFactory factory) {
  table()[class_name] = factory;
  return true;
}

std::shared_ptr<Layer> LayerRegistry::create(const std::string& class_name, const Json& config) {
  auto it = table().find(class_name);
  if (it == table().end()) {
    std::string known;
    for (const auto& [name, _] : table()) known += (known.empty() ? "" : ", ") + name;
    fail("unknown layer class '", class_name, "'; known layers: ", known);
  }
  std::shared_ptr<Layer> layer = it->second(config);
  if (auto shape = declared_input_shape(class_name, config)) layer->set_declared_input_shape(*shape);
  return layer;
}

std::optional<Shape> declared_input_shape(const std::string& class_name, const Json& config) {
  // Keras spells it input_shape (per sample) or batch_input_shape / batch_shape (with a
  // leading null for the batch); input_dim is the 1-D shorthand, except for Embedding, where
  // it is the vocabulary size.
  auto read = [&](const Json& list, bool has_batch) {
    check(list.is_array() && list.size() >= (has_batch ? 2u : 1u), class_name,
          ": input shape must be a non-empty list, got ", list.dump());
    Shape shape;
    for (std::size_t i = has_batch ? 1 : 0; i < list.size(); ++i) {
      const Json& d = list[i];
      check(d.is_number_integer() && d.get<long long>() >= 1 && d.get<long long>() <= 1000000000,
            class_name, ": input shape extents must be positive integers, got ", list.dump());
      shape.push_back(d.get<int>());
    }
    return shape;
  };
  if (!config.is_object()) return std::nullopt;
  if (config.contains("batch_input_shape") && !config["batch_input_shape"].is_null())
    return read(config["batch_input_shape"], true);
  if (config.contains("batch_shape") && !config["batch_shape"].is_null())
    return read(config["batch_shape"], true);
  if (config.contains("input_shape") && !config["input_shape"].is_null())
    return read(config["input_shape"], false);
  if (class_name != "Embedding" && config.contains("input_dim") && !config["input_dim"].is_null())
    return read(Json::array({config["input_dim"]}), false);
  return std::nullopt;
}

bool LayerRegistry::contains(const std::string& class_name) { return table().count(class_name) > 0; }

std::vector<std::string> LayerRegistry::names() {
  std::vector<std::string> out;
  for (const auto& [name, _] : table()) out.push_back(name);
  return out;
}

}  // namespace simdnn
