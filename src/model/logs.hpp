#pragma once
// Logs: named scalars in insertion order ("loss" first, then metrics, then val_*), as
// Keras passes them to callbacks.
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace simdnn {

class Logs {
 public:
  void set(const std::string& key, double value) {
    for (auto& [k, v] : entries_)
      if (k == key) {
        v = value;
        return;
      }
    entries_.emplace_back(key, value);
  }
  void accumulate(const std::string& key, double value) { set(key, get(key).value_or(0.0) + value); }
  void clear() { entries_.clear(); }
  std::optional<double> get(const std::string& key) const {
    for (const auto& [k, v] : entries_)
      if (k == key) return v;
    return std::nullopt;
  }
  const std::vector<std::pair<std::string, double>>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }

 private:
  std::vector<std::pair<std::string, double>> entries_;
};

}  // namespace simdnn
