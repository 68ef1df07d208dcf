#include "layers/config_reader.hpp"

#include <cmath>

#include "layers/layer.hpp"

namespace simdnn {
namespace {
// Keras writes these into every layer config; they carry nothing we act on here
// (or are consumed by the model, e.g. batch_input_shape by the input layer logic).
const std::set<std::string> kIgnoredKeys = {"dtype", "batch_size", "batch_input_shape", "batch_shape",
                                            "input_shape", "input_dim", "autocast"};
}  // namespace

ConfigReader::ConfigReader(const Json& config, std::string class_name)
    : config_(config), class_name_(std::move(class_name)) {
  check(config_.is_object(), class_name_, ": config must be an object, got ", config_.dump());
  if (config_.contains("name") && config_["name"].is_string()) name_ = config_["name"];
}

std::string ConfigReader::context() const {
  return name_.empty() ? class_name_ : class_name_ + " '" + name_ + "'";
}

void ConfigReader::bad(const std::string& key, const std::string& expected) const {
  fail(context(), ": option '", key, "' must be ", expected, ", got ", config_.at(key).dump());
}

bool ConfigReader::has(const std::string& key) const {
  return config_.contains(key) && !config_.at(key).is_null();
}

const Json& ConfigReader::raw(const std::string& key) {
  used_.insert(key);
  check(has(key), context(), ": missing required option '", key, "'");
  return config_.at(key);
}

const Json* ConfigReader::raw_or_null(const std::string& key) {
  used_.insert(key);
  return has(key) ? &config_.at(key) : nullptr;
}

int ConfigReader::positive_int(const std::string& key) {
  const Json& v = raw(key);
  if (!v.is_number_integer() && !(v.is_number() && std::floor(v.get<double>()) == v.get<double>()))
    bad(key, "a positive integer");
  const double d = v.get<double>();
  if (d < 1 || d > 1e9) bad(key, "a positive integer");
  return static_cast<int>(d);
}

int ConfigReader::positive_int(const std::string& key, int fallback) {
  used_.insert(key);
  return has(key) ? positive_int(key) : fallback;
}

int ConfigReader::integer(const std::string& key, int fallback) {
  used_.insert(key);
  if (!has(key)) return fallback;
  const Json& v = config_.at(key);
  if (!v.is_number() || std::floor(v.get<double>()) != v.get<double>() ||
      std::fabs(v.get<double>()) > 1e9)
    bad(key, "an integer");
  return static_cast<int>(v.get<double>());
}

float ConfigReader::number(const std::string& key, float fallback) {
  used_.insert(key);
  if (!has(key)) return fallback;
  const Json& v = config_.at(key);
  if (!v.is_number() || !std::isfinite(v.get<double>())) bad(key, "a finite number");
  return v.get<float>();
}

float ConfigReader::number_in(const std::string& key, float fallback, float low, float high) {
  const float v = number(key, fallback);
  if (has(key) && !(v >= low && v <= high))
    bad(key, "a number in [" + std::to_string(low) + ", " + std::to_string(high) + "]");
  return v;
}

bool ConfigReader::boolean(const std::string& key, bool fallback) {
  used_.insert(key);
  if (!has(key)) return fallback;
  if (!config_.at(key).is_boolean()) bad(key, "true or false");
  return config_.at(key).get<bool>();
}

std::string ConfigReader::string(const std::string& key, const std::string& fallback) {
  used_.insert(key);
  if (!has(key)) return fallback;
  if (!config_.at(key).is_string()) bad(key, "a string");
  return config_.at(key).get<std::string>();
}

std::string ConfigReader::one_of(const std::string& key, const std::string& fallback,
                                 const std::vector<std::string>& allowed) {
  const std::string v = string(key, fallback);
  for (const auto& a : allowed)
    if (a == v) return v;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "'" : ", '") + a + "'";
  fail(context(), ": option '", key, "' must be one of ", list, ", got '", v, "'");
}

Shape ConfigReader::shape(const std::string& key) {
  const Json& v = raw(key);
  if (!v.is_array()) bad(key, "a list of positive integers");
  Shape s;
  for (const Json& d : v) {
    if (!d.is_number_integer() || d.get<long long>() < 1 || d.get<long long>() > 1e9)
      bad(key, "a list of positive integers");
    s.push_back(d.get<int>());
  }
  return s;
}

Shape ConfigReader::shape_allowing_unknown(const std::string& key) {
  const Json& v = raw(key);
  if (!v.is_array()) bad(key, "a list of positive integers (one may be -1)");
  Shape s;
  int unknowns = 0;
  for (const Json& d : v) {
    const bool ok = d.is_number_integer() &&
                    (d.get<long long>() == -1 || (d.get<long long>() >= 1 && d.get<long long>() <= 1e9));
    if (!ok) bad(key, "a list of positive integers (one may be -1)");
    if (d.get<int>() == -1) ++unknowns;
    s.push_back(d.get<int>());
  }
  if (unknowns > 1) bad(key, "a list with at most one -1");
  return s;
}

std::vector<int> ConfigReader::int_list(const std::string& key, const std::vector<int>& fallback) {
  used_.insert(key);
  if (!has(key)) return fallback;
  const Json& v = config_.at(key);
  if (v.is_number_integer()) return std::vector<int>(fallback.size(), v.get<int>());
  if (!v.is_array()) bad(key, "an integer or a list of integers");
  std::vector<int> out;
  for (const Json& d : v) {
    if (!d.is_number_integer()) bad(key, "an integer or a list of integers");
    out.push_back(d.get<int>());
  }
  if (!fallback.empty() && out.size() != fallback.size())
    bad(key, "a list of " + std::to_string(fallback.size()) + " integers");
  return out;
}

std::string ConfigReader::name() {
  used_.insert("name");
  if (!has("name")) {
    name_ = unique_layer_name(snake_case(class_name_));
    return name_;
  }
  if (!config_.at("name").is_string() || config_.at("name").get<std::string>().empty())
    bad("name", "a non-empty string");
  // Names end up in error messages, which cross to JS as C strings: a NUL would cut them.
  for (const char c : name_)
    if (static_cast<unsigned char>(c) < 0x20) {
      name_.clear();  // keep it out of the message's context; dump() escapes it
      bad("name", "a string without control characters");
    }
  return name_;
}

bool ConfigReader::trainable() { return boolean("trainable", true); }

void ConfigReader::finish() {
  for (auto it = config_.begin(); it != config_.end(); ++it) {
    if (used_.count(it.key()) || kIgnoredKeys.count(it.key())) continue;
    fail(context(), ": unknown option '", it.key(), "'");
  }
}

}  // namespace simdnn
