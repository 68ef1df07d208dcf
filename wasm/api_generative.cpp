// Bindings for generative models: random tensors from the engine Rng, the GAN step, and the
// per-part losses of the last batch (a VAE's reconstruction and KL terms).
#include <emscripten/bind.h>

#include <cmath>
#include <optional>

#include "core/error.hpp"
#include "guard.hpp"
#include "js_convert.hpp"
#include "model/gan_trainer.hpp"
#include "model/graph.hpp"

using namespace emscripten;

namespace simdnn::bindings {
namespace {

// A seed given in an options object: an integer in [0, 2^53), or null for "from the global stream".
std::optional<std::uint64_t> seed_option(const Json& options, const char* where) {
  if (!options.contains("seed") || options["seed"].is_null()) return std::nullopt;
  const Json& s = options["seed"];
  check(s.is_number(), where, ": seed must be a non-negative integer, got ", s.dump());
  const double v = s.get<double>();
  check(v >= 0 && v <= 9007199254740991.0 && v == std::floor(v), where,
        ": seed must be a non-negative integer, got ", s.dump());
  return static_cast<std::uint64_t>(v);
}

float number_option(const Json& options, const char* key, float fallback, const char* where) {
  if (!options.contains(key) || options[key].is_null()) return fallback;
  check(options[key].is_number(), where, ": ", key, " must be a number, got ", options[key].dump());
  return options[key].get<float>();
}

template <typename Draw>
Tensor random_tensor(const val& shape_js, const std::string& options_json, const char* where, Draw draw) {
  return guarded([&] {
    const Shape shape = shape_from_js(shape_js, where);
    const Json options = parse_json(options_json, where);
    if (auto seed = seed_option(options, where)) {
      Rng rng(*seed);
      return draw(shape, options, rng);
    }
    return draw(shape, options, init_rng());
  });
}

Tensor random_normal_js(const val& shape, const std::string& options) {
  constexpr const char* where = "randomNormal";
  return random_tensor(shape, options, where, [&](const Shape& s, const Json& o, Rng& rng) {
    return random_normal(s, number_option(o, "mean", 0.0f, where), number_option(o, "stddev", 1.0f, where), rng);
  });
}

Tensor random_uniform_js(const val& shape, const std::string& options) {
  constexpr const char* where = "randomUniform";
  return random_tensor(shape, options, where, [&](const Shape& s, const Json& o, Rng& rng) {
    return random_uniform(s, number_option(o, "minval", 0.0f, where), number_option(o, "maxval", 1.0f, where), rng);
  });
}

std::shared_ptr<GanTrainer> make_gan_trainer(const std::shared_ptr<Model>& generator,
                                             const std::shared_ptr<Model>& discriminator,
                                             const std::shared_ptr<Model>& gan, const std::string& options_json) {
  return guarded([&] {
    constexpr const char* where = "ganTrainer";
    const Json options = parse_json(options_json, where);
    GanTrainerOptions o;
    check(options.contains("latent_dim") && options["latent_dim"].is_number_integer(), where,
          ": latentDim must be a positive integer, got ",
          options.contains("latent_dim") ? options["latent_dim"].dump() : std::string("nothing"));
    o.latent_dim = options["latent_dim"].get<int>();
    o.label_smoothing = number_option(options, "label_smoothing", 0.0f, where);
    o.seed = seed_option(options, where).value_or(0);
    return std::make_shared<GanTrainer>(generator, discriminator, gan, o);
  });
}

val gan_step(GanTrainer& trainer, const Tensor& real) {
  return guarded([&] {
    const GanStepResult r = trainer.step(real);
    val out = val::object();
    out.set("dLoss", r.d_loss);
    out.set("gLoss", r.g_loss);
    out.set("dReal", r.d_real);
    out.set("dFake", r.d_fake);
    return out;
  });
}

val gan_random_state(const GanTrainer& trainer) {
  val out = val::array();
  for (std::uint32_t word : trainer.random_state()) out.call<void>("push", static_cast<double>(word));
  return out;
}

// state: the 4 unsigned 32-bit words randomState() gave.
void gan_set_random_state(GanTrainer& trainer, const val& state) {
  guarded([&] {
    constexpr const char* where = "ganTrainer.setRandomState";
    check(state.isArray() && state["length"].as<unsigned>() == 4, where,
          ": state must be the 4 integers randomState() returned");
    std::array<std::uint32_t, 4> words{};
    for (unsigned i = 0; i < 4; ++i) {
      const val v = state[i];
      const double d = v.isNumber() ? v.as<double>() : -1.0;
      check(d >= 0.0 && d <= 4294967295.0 && d == static_cast<double>(static_cast<std::uint32_t>(d)), where,
            ": state[", i, "] must be an unsigned 32-bit integer");
      words[i] = static_cast<std::uint32_t>(d);
    }
    trainer.set_random_state(words);
  });
}

}  // namespace
}  // namespace simdnn::bindings

EMSCRIPTEN_BINDINGS(simdnn_generative) {
  using namespace simdnn;
  using namespace simdnn::bindings;
  function("randomNormal", &random_normal_js);
  function("randomUniform", &random_uniform_js);
  class_<GanTrainer>("GanTrainer").smart_ptr<std::shared_ptr<GanTrainer>>("GanTrainerPtr")
      .function("step", &gan_step)
      .function("randomState", &gan_random_state)
      .function("setRandomState", &gan_set_random_state);
  function("makeGanTrainer", &make_gan_trainer);
  function("lastLosses", +[](const Model& m) { return logs_to_js(m.last_losses()); });
}
