#pragma once
// Keras weight initializers. A spec is what Keras/TF.js configs hold: a name
// ("glorot_uniform", TF.js "glorotUniform", class "GlorotUniform") or an object
// {"class_name": "GlorotUniform", "config": {...}}. Semantics follow Keras' VarianceScaling:
// *_normal draw a normal truncated at two stddevs, with the stddev divided by
// 0.87962566103423978 so the truncated variance is scale / fan. All randomness comes from
// simdnn::Rng, so the same seed gives the same weights on every platform.
#include <cstdint>
#include <optional>
#include <string>

#include "core/json.hpp"
#include "core/rng.hpp"
#include "core/shape.hpp"
#include "core/tensor.hpp"

namespace simdnn {

// Keras _compute_fans: [n] -> (n, n); [in, out]; conv [kh, kw, cin, cout] -> (rf*cin, rf*cout).
struct Fans {
  double fan_in = 1.0;
  double fan_out = 1.0;
};
Fans compute_fans(const Shape& shape);

class Initializer {
 public:
  // Parses and validates a spec; unknown names and bad options throw an Error that
  // starts with `context` (e.g. "Dense 'd': option 'kernel_initializer'").
  static Initializer from_spec(const Json& spec, const std::string& context = "initializer");

  // Fills `tensor` (its shape gives the fans). A spec with a seed uses its own Rng(seed)
  // instead of `rng`, as a seeded Keras initializer does.
  void fill(Tensor& tensor, Rng& rng) const;
  // Keras form {"class_name": ..., "config": {...}}; from_spec(to_json()) is identical.
  Json to_json() const;
  const std::string& class_name() const { return class_name_; }

 private:
  enum class Kind {
    zeros, ones, constant, random_normal, random_uniform, truncated_normal, variance_scaling,
    orthogonal, identity
  };
  enum class Mode { fan_in, fan_out, fan_avg };
  enum class Distribution { truncated_normal, untruncated_normal, uniform };
  struct Preset;
  static const Preset* find_preset(const std::string& name);

  void fill_variance_scaling(Tensor& tensor, Rng& rng) const;
  void fill_orthogonal(Tensor& tensor, Rng& rng) const;

  std::string class_name_;
  Kind kind_ = Kind::zeros;
  bool is_variance_scaling_preset_ = false;  // GlorotUniform etc.: config holds only the seed
  float value_ = 0.0f;   // constant
  float mean_ = 0.0f, stddev_ = 0.05f;  // random_normal, truncated_normal
  float minval_ = -0.05f, maxval_ = 0.05f;  // random_uniform
  float scale_ = 1.0f;
  Mode mode_ = Mode::fan_in;
  Distribution distribution_ = Distribution::truncated_normal;
  float gain_ = 1.0f;  // orthogonal, identity
  std::optional<std::uint64_t> seed_;
};

// One-shot form: initialize(spec, t, rng) == Initializer::from_spec(spec).fill(t, rng).
void initialize(const Json& spec, Tensor& tensor, Rng& rng);
// The canonical Keras form of a spec ("he_normal" -> {"class_name": "HeNormal", ...}).
Json initializer_to_json(const Json& spec);

}  // namespace simdnn
