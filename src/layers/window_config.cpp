#include "layers/window_config.hpp"

#include "core/error.hpp"

namespace simdnn {

namespace {
std::string list_str(const std::vector<int>& values) {
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i) text += (i ? ", " : "") + std::to_string(values[i]);
  return text + "]";
}
}  // namespace

std::vector<int> checked_extents(const std::vector<int>& values, int rank, const std::string& what,
                                 const std::string& context) {
  check(values.size() == 1 || static_cast<int>(values.size()) == rank, context, ": option '", what,
        rank == 1 ? "' must hold 1 integer" : "' must hold 1 or " + std::to_string(rank) + " integers",
        ", got ", list_str(values));
  std::vector<int> out(rank, values.empty() ? 0 : values[0]);
  if (values.size() != 1) out = values;
  for (int v : out)
    check(v >= 1, context, ": option '", what, "' must hold positive integers, got ",
          list_str(values));
  return out;
}

std::vector<int> read_extents(ConfigReader& reader, const std::string& key, int rank,
                              const std::vector<int>& fallback) {
  if (fallback.empty()) reader.raw(key);  // required: throws "missing required option"
  // int_list repeats a single int and checks a list's length against its fallback.
  const std::vector<int> shape_hint(rank, fallback.empty() ? 1 : fallback[0]);
  std::vector<int> values = reader.int_list(key, fallback.empty() ? shape_hint : fallback);
  return checked_extents(values, rank, key, reader.context());
}

Json extents_json(const std::vector<int>& values) {
  Json list = Json::array();
  for (int v : values) list.push_back(v);
  return list;
}

kernels::Padding parse_padding(const std::string& name, bool allow_causal,
                               const std::string& context) {
  if (name == "valid") return kernels::Padding::valid;
  if (name == "same") return kernels::Padding::same;
  if (name == "causal" && allow_causal) return kernels::Padding::causal;
  fail(context, ": option 'padding' must be one of 'valid', 'same'",
       allow_causal ? ", 'causal'" : "", ", got '", name, "'");
}

void read_channels_last(ConfigReader& reader) {
  // channels_first would need transposes to match Keras; the engine runs channels-last only.
  reader.one_of("data_format", "channels_last", {"channels_last"});
}

Margins2D parse_margins(const Json& value, const std::string& key, const std::string& context) {
  const auto bad = [&]() {
    fail(context, ": option '", key,
         "' must be an int, [rows, cols] or [[top, bottom], [left, right]] of non-negative "
         "integers, got ",
         value.dump());
  };
  const auto count = [&](const Json& v) {
    if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > 1000000000) bad();
    return v.get<int>();
  };
  if (value.is_number()) {
    const int n = count(value);
    return {n, n, n, n};
  }
  if (!value.is_array() || value.size() != 2) bad();
  if (value[0].is_array() != value[1].is_array()) bad();
  if (!value[0].is_array()) {
    const int rows = count(value[0]), cols = count(value[1]);
    return {rows, rows, cols, cols};
  }
  if (value[0].size() != 2 || value[1].size() != 2) bad();
  return {count(value[0][0]), count(value[0][1]), count(value[1][0]), count(value[1][1])};
}

Margins2D read_margins(ConfigReader& reader, const std::string& key, int fallback) {
  const Json* value = reader.raw_or_null(key);
  if (value == nullptr) return {fallback, fallback, fallback, fallback};
  return parse_margins(*value, key, reader.context());
}

Json margins_json(const Margins2D& m) {
  return Json::array({Json::array({m[0], m[1]}), Json::array({m[2], m[3]})});
}

}  // namespace simdnn
