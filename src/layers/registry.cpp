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
  table()[class_name] = std::move(factory);
  return true;
}

std::shared_ptr<Layer> LayerRegistry::create(const std::string& class_name, const Json& config) {
  auto it = table().find(class_name);
  if (it == table().end()) {
    std::string known;
    for (const auto& [name, _] : table()) known += (known.empty() ? "" : ", ") + name;
    fail("unknown layer class '", class_name, "'; known layers: ", known);
  }
  return it->second(config);
}

bool LayerRegistry::contains(const std::string& class_name) { return table().count(class_name) > 0; }

std::vector<std::string> LayerRegistry::names() {
  std::vector<std::string> out;
  for (const auto& [name, _] : table()) out.push_back(name);
  return out;
}

}  // namespace simdnn
