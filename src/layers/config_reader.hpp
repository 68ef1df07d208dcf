#pragma once
// Reads a Keras-style layer config with errors that name the layer and the field.
// Every field a layer reads is marked used; finish() rejects unknown fields, so a typo
// such as {"unit": 10} is an error instead of a silently ignored option.
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/shape.hpp"

namespace simdnn {

class ConfigReader {
 public:
  ConfigReader(const Json& config, std::string class_name);

  bool has(const std::string& key) const;
  int positive_int(const std::string& key);
  int positive_int(const std::string& key, int fallback);
  int integer(const std::string& key, int fallback);
  float number(const std::string& key, float fallback);
  float number_in(const std::string& key, float fallback, float low, float high);
  bool boolean(const std::string& key, bool fallback);
  std::string string(const std::string& key, const std::string& fallback);
  std::string one_of(const std::string& key, const std::string& fallback,
                     const std::vector<std::string>& allowed);
  Shape shape(const std::string& key);  // list of positive ints; -1 allowed where noted
  Shape shape_allowing_unknown(const std::string& key);  // one -1 allowed (Reshape)
  std::vector<int> int_list(const std::string& key, const std::vector<int>& fallback);
  // Raw access (initializer specs, nested configs); marks the key used.
  const Json& raw(const std::string& key);
  const Json* raw_or_null(const std::string& key);

  // The name given in the config, or a fresh Keras-style unique one.
  std::string name();
  bool trainable();
  // Throws for any key not read, except the Keras bookkeeping fields we accept and ignore.
  void finish();

  std::string context() const;  // "Dense 'dense_1'" once the name is known

 private:
  [[noreturn]] void bad(const std::string& key, const std::string& expected) const;
  const Json& config_;
  std::string class_name_;
  std::string name_;
  std::set<std::string> used_;
};

}  // namespace simdnn
