#include "layers/initializers.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "layers/config_helpers.hpp"
#include "layers/config_reader.hpp"

namespace simdnn {

// One row per accepted name. Names are compared after lower-casing and dropping '_', so
// "glorot_uniform", "glorotUniform" and "GlorotUniform" (and TF.js "LeCunNormal") all match.
struct Initializer::Preset {
  const char* key;         // normalised name
  const char* keras_name;  // listed in errors; null for aliases
  const char* class_name;  // what to_json() writes
  Kind kind;
  float scale = 1.0f;
  Mode mode = Mode::fan_in;
  Distribution distribution = Distribution::truncated_normal;
  bool variance_scaling_preset = false;
};

const Initializer::Preset* Initializer::find_preset(const std::string& name) {
  static const Preset presets[] = {
      {"zeros", "zeros", "Zeros", Kind::zeros},
      {"zero", nullptr, "Zeros", Kind::zeros},
      {"ones", "ones", "Ones", Kind::ones},
      {"one", nullptr, "Ones", Kind::ones},
      {"constant", "constant", "Constant", Kind::constant},
      {"randomnormal", "random_normal", "RandomNormal", Kind::random_normal},
      {"normal", nullptr, "RandomNormal", Kind::random_normal},
      {"randomuniform", "random_uniform", "RandomUniform", Kind::random_uniform},
      {"uniform", nullptr, "RandomUniform", Kind::random_uniform},
      {"truncatednormal", "truncated_normal", "TruncatedNormal", Kind::truncated_normal},
      {"variancescaling", "variance_scaling", "VarianceScaling", Kind::variance_scaling},
      {"glorotuniform", "glorot_uniform", "GlorotUniform", Kind::variance_scaling, 1.0f,
       Mode::fan_avg, Distribution::uniform, true},
      {"glorotnormal", "glorot_normal", "GlorotNormal", Kind::variance_scaling, 1.0f,
       Mode::fan_avg, Distribution::truncated_normal, true},
      {"henormal", "he_normal", "HeNormal", Kind::variance_scaling, 2.0f, Mode::fan_in,
       Distribution::truncated_normal, true},
      {"heuniform", "he_uniform", "HeUniform", Kind::variance_scaling, 2.0f, Mode::fan_in,
       Distribution::uniform, true},
      {"lecunnormal", "lecun_normal", "LecunNormal", Kind::variance_scaling, 1.0f, Mode::fan_in,
       Distribution::truncated_normal, true},
      {"lecununiform", "lecun_uniform", "LecunUniform", Kind::variance_scaling, 1.0f,
       Mode::fan_in, Distribution::uniform, true},
      {"orthogonal", "orthogonal", "Orthogonal", Kind::orthogonal},
      {"identity", "identity", "Identity", Kind::identity},
  };
  std::string key;
  for (char c : name)
    if (c != '_') key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const Preset& p : presets)
    if (key == p.key) return &p;
  std::string known;
  for (const Preset& p : presets)
    if (p.keras_name) known += (known.empty() ? "" : ", ") + std::string(p.keras_name);
  fail("unknown initializer '", name, "'; known initializers: ", known);
}

namespace {

const char* mode_name(int mode) {
  static const char* names[] = {"fan_in", "fan_out", "fan_avg"};
  return names[mode];
}
const char* distribution_name(int distribution) {
  static const char* names[] = {"truncated_normal", "untruncated_normal", "uniform"};
  return names[distribution];
}

// Keras spells these in snake_case, the TF.js API in camelCase; Keras 2 "normal" meant
// the truncated normal.
int parse_choice(ConfigReader& reader, const std::string& key, const std::string& fallback,
                 const std::vector<std::vector<std::string>>& spellings) {
  const std::string value = reader.string(key, fallback);
  for (std::size_t i = 0; i < spellings.size(); ++i)
    for (const std::string& s : spellings[i])
      if (s == value) return static_cast<int>(i);
  std::string allowed;
  for (const auto& s : spellings) allowed += (allowed.empty() ? "'" : ", '") + s[0] + "'";
  fail(reader.context(), ": option '", key, "' must be one of ", allowed, ", got '", value, "'");
}

std::optional<std::uint64_t> read_seed(ConfigReader& reader) {
  const Json* seed = reader.raw_or_null("seed");
  if (!seed) return std::nullopt;
  check(seed->is_number_integer() && seed->get<long long>() >= 0, reader.context(),
        ": option 'seed' must be a non-negative integer or null, got ", seed->dump());
  return seed->get<std::uint64_t>();
}

}  // namespace

Fans compute_fans(const Shape& shape) {
  if (shape.empty()) return {1.0, 1.0};
  if (shape.size() == 1) return {double(shape[0]), double(shape[0])};
  double receptive_field = 1.0;
  for (std::size_t i = 0; i + 2 < shape.size(); ++i) receptive_field *= shape[i];
  return {receptive_field * shape[shape.size() - 2], receptive_field * shape.back()};
}

Initializer Initializer::from_spec(const Json& spec, const std::string& context) {
  try {
    std::string name;
    Json config = Json::object();
    if (spec.is_string()) {
      name = spec.get<std::string>();
    } else if (spec.is_object() && spec.contains("class_name") && spec["class_name"].is_string()) {
      name = spec["class_name"].get<std::string>();
      for (auto it = spec.begin(); it != spec.end(); ++it) {
        // Keras 3 adds "module" and "registered_name" beside class_name and config.
        const bool known = it.key() == "class_name" || it.key() == "config" ||
                           it.key() == "module" || it.key() == "registered_name";
        check(known, "unknown field '", it.key(), "' in initializer ", spec.dump());
      }
      if (spec.contains("config") && !spec["config"].is_null()) config = spec["config"];
    } else {
      fail("an initializer must be a name or {\"class_name\": ..., \"config\": {...}}, got ",
           spec.dump());
    }
    const Preset& preset = *find_preset(name);
    Initializer init;
    init.class_name_ = preset.class_name;
    init.kind_ = preset.kind;
    init.is_variance_scaling_preset_ = preset.variance_scaling_preset;
    init.scale_ = preset.scale;
    init.mode_ = preset.mode;
    init.distribution_ = preset.distribution;

    ConfigReader reader(config, init.class_name_);
    switch (init.kind_) {
      case Kind::zeros: case Kind::ones: break;
      case Kind::constant: init.value_ = reader.number("value", 0.0f); break;
      case Kind::random_normal: case Kind::truncated_normal:
        init.mean_ = reader.number("mean", 0.0f);
        init.stddev_ = reader.number_in("stddev", 0.05f, 0.0f, 1e30f);
        init.seed_ = read_seed(reader);
        break;
      case Kind::random_uniform:
        init.minval_ = reader.number("minval", -0.05f);
        init.maxval_ = reader.number("maxval", 0.05f);
        check(init.minval_ <= init.maxval_, reader.context(), ": minval ", init.minval_,
              " must not exceed maxval ", init.maxval_);
        init.seed_ = read_seed(reader);
        break;
      case Kind::variance_scaling:
        if (!init.is_variance_scaling_preset_) {
          init.scale_ = reader.number("scale", 1.0f);
          check(init.scale_ > 0.0f, reader.context(), ": option 'scale' must be positive, got ",
                init.scale_);
          init.mode_ = Mode(parse_choice(reader, "mode", "fan_in",
                                         {{"fan_in", "fanIn"}, {"fan_out", "fanOut"},
                                          {"fan_avg", "fanAvg"}}));
          init.distribution_ = Distribution(parse_choice(
              reader, "distribution", "truncated_normal",
              {{"truncated_normal", "truncatedNormal", "normal"},
               {"untruncated_normal", "untruncatedNormal"},
               {"uniform"}}));
        }
        init.seed_ = read_seed(reader);
        break;
      case Kind::orthogonal:
        init.gain_ = reader.number("gain", 1.0f);
        init.seed_ = read_seed(reader);
        break;
      case Kind::identity: init.gain_ = reader.number("gain", 1.0f); break;
    }
    reader.finish();
    return init;
  } catch (const Error& e) {
    fail(context, ": ", e.what());
  }
}

void Initializer::fill(Tensor& tensor, Rng& caller_rng) const {
  Rng own_rng(seed_.value_or(0));
  Rng& rng = seed_ ? own_rng : caller_rng;
  switch (kind_) {
    case Kind::zeros: return tensor.fill(0.0f);
    case Kind::ones: return tensor.fill(1.0f);
    case Kind::constant: return tensor.fill(value_);
    case Kind::random_normal:
      for (float& v : tensor.span()) v = rng.normal(mean_, stddev_);
      return;
    case Kind::truncated_normal:
      for (float& v : tensor.span()) v = rng.truncated_normal(mean_, stddev_);
      return;
    case Kind::random_uniform:
      for (float& v : tensor.span()) v = rng.uniform(minval_, maxval_);
      return;
    case Kind::variance_scaling: return fill_variance_scaling(tensor, rng);
    case Kind::orthogonal: return fill_orthogonal(tensor, rng);
    case Kind::identity: {
      check(tensor.rank() == 2, "Identity initializer needs a 2-D tensor, got ",
            shape_text(tensor.shape()));
      tensor.fill(0.0f);
      const int cols = tensor.dim(1);
      for (int i = 0; i < std::min(tensor.dim(0), cols); ++i) tensor[i * cols + i] = gain_;
      return;
    }
  }
}

void Initializer::fill_variance_scaling(Tensor& tensor, Rng& rng) const {
  const Fans fans = compute_fans(tensor.shape());
  const double fan = mode_ == Mode::fan_in    ? fans.fan_in
                     : mode_ == Mode::fan_out ? fans.fan_out
                                              : (fans.fan_in + fans.fan_out) / 2.0;
  const double variance = scale_ / std::max(1.0, fan);
  switch (distribution_) {
    case Distribution::truncated_normal: {
      // Stddev of a unit normal truncated to (-2, 2); dividing restores the variance.
      const float stddev = static_cast<float>(std::sqrt(variance) / 0.87962566103423978);
      for (float& v : tensor.span()) v = rng.truncated_normal(0.0f, stddev);
      return;
    }
    case Distribution::untruncated_normal: {
      const float stddev = static_cast<float>(std::sqrt(variance));
      for (float& v : tensor.span()) v = rng.normal(0.0f, stddev);
      return;
    }
    case Distribution::uniform: {
      const float limit = static_cast<float>(std::sqrt(3.0 * variance));
      for (float& v : tensor.span()) v = rng.uniform(-limit, limit);
      return;
    }
  }
}

// Keras: flatten to rows = prod(shape[:-1]) x cols = shape[-1], QR-factorise a normal
// (max x min) matrix with R's diagonal made positive, transpose Q when rows < cols.
// Gram-Schmidt yields exactly that Q (its R diagonal is the positive column norms);
// the second orthogonalisation pass keeps it orthogonal to double precision.
void Initializer::fill_orthogonal(Tensor& tensor, Rng& rng) const {
  check(tensor.rank() >= 2, "Orthogonal initializer needs a tensor of rank 2 or more, got ",
        shape_text(tensor.shape()));
  const std::size_t cols = static_cast<std::size_t>(tensor.shape().back());
  const std::size_t rows = cols ? tensor.size() / cols : 0;
  const std::size_t tall = std::max(rows, cols), narrow = std::min(rows, cols);
  std::vector<double> q(tall * narrow);  // row-major tall x narrow
  for (double& v : q) v = rng.normal();
  for (std::size_t j = 0; j < narrow; ++j) {
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t k = 0; k < j; ++k) {
        double projection = 0.0;
        for (std::size_t i = 0; i < tall; ++i) projection += q[i * narrow + k] * q[i * narrow + j];
        for (std::size_t i = 0; i < tall; ++i) q[i * narrow + j] -= projection * q[i * narrow + k];
      }
    }
    double norm = 0.0;
    for (std::size_t i = 0; i < tall; ++i) norm += q[i * narrow + j] * q[i * narrow + j];
    norm = std::sqrt(norm);
    check(norm > 1e-12, "Orthogonal initializer: degenerate random matrix");
    for (std::size_t i = 0; i < tall; ++i) q[i * narrow + j] /= norm;
  }
  float* out = tensor.data();
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) {
      const double v = rows >= cols ? q[r * narrow + c] : q[c * narrow + r];
      out[r * cols + c] = static_cast<float>(gain_ * v);
    }
}

Json Initializer::to_json() const {
  const Json seed = seed_ ? Json(*seed_) : Json(nullptr);
  Json config = Json::object();
  switch (kind_) {
    case Kind::zeros: case Kind::ones: break;
    case Kind::constant: config["value"] = json_float(value_); break;
    case Kind::random_normal: case Kind::truncated_normal:
      config = {{"mean", json_float(mean_)}, {"stddev", json_float(stddev_)}, {"seed", seed}};
      break;
    case Kind::random_uniform:
      config = {{"minval", json_float(minval_)}, {"maxval", json_float(maxval_)}, {"seed", seed}};
      break;
    case Kind::variance_scaling:
      if (is_variance_scaling_preset_) {
        config = {{"seed", seed}};
      } else {
        config = {{"scale", json_float(scale_)}, {"mode", mode_name(int(mode_))},
                  {"distribution", distribution_name(int(distribution_))}, {"seed", seed}};
      }
      break;
    case Kind::orthogonal: config = {{"gain", json_float(gain_)}, {"seed", seed}}; break;
    case Kind::identity: config = {{"gain", json_float(gain_)}}; break;
  }
  return Json{{"class_name", class_name_}, {"config", config}};
}

void initialize(const Json& spec, Tensor& tensor, Rng& rng) {
  Initializer::from_spec(spec).fill(tensor, rng);
}

Json initializer_to_json(const Json& spec) { return Initializer::from_spec(spec).to_json(); }

}  // namespace simdnn
