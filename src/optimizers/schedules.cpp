#include "optimizers/schedules.hpp"

#include <cctype>
#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "layers/config_reader.hpp"

namespace simdnn {
namespace {

constexpr double kPi = 3.14159265358979323846;

double finite_number(ConfigReader& r, const std::string& key, double low, bool low_open) {
  const Json* v = r.raw_or_null(key);
  check(v != nullptr, r.context(), ": option '", key, "' is required");
  const bool ok = v->is_number() && std::isfinite(v->get<double>()) &&
                  (low_open ? v->get<double>() > low : v->get<double>() >= low);
  check(ok, r.context(), ": option '", key, "' must be a number ", low_open ? "> " : ">= ", low,
        ", got ", v->dump());
  return v->get<double>();
}

// Keras ExponentialDecay: lr0 * rate^(step / decay_steps), the exponent floored with staircase.
class ExponentialDecay final : public LearningRateSchedule {
 public:
  explicit ExponentialDecay(const Json& config) {
    ConfigReader r(config, "ExponentialDecay");
    initial_ = finite_number(r, "initial_learning_rate", 0.0, false);
    steps_ = finite_number(r, "decay_steps", 0.0, true);
    rate_ = finite_number(r, "decay_rate", 0.0, false);
    staircase_ = r.boolean("staircase", false);
    r.string("name", "ExponentialDecay");
    r.finish();
  }
  std::string class_name() const override { return "ExponentialDecay"; }
  double value(std::int64_t step) const override {
    double p = static_cast<double>(step) / steps_;
    if (staircase_) p = std::floor(p);
    return initial_ * std::pow(rate_, p);
  }
  Json config() const override {
    return Json{{"initial_learning_rate", initial_}, {"decay_steps", steps_}, {"decay_rate", rate_},
                {"staircase", staircase_}, {"name", "ExponentialDecay"}};
  }

 private:
  double initial_ = 0, steps_ = 1, rate_ = 1;
  bool staircase_ = false;
};

// Keras PiecewiseConstantDecay: values[0] while step <= boundaries[0], values[i] while
// boundaries[i-1] < step <= boundaries[i], values.back() after the last boundary.
class PiecewiseConstantDecay final : public LearningRateSchedule {
 public:
  explicit PiecewiseConstantDecay(const Json& config) {
    ConfigReader r(config, "PiecewiseConstantDecay");
    auto list = [&](const char* key) {
      const Json* v = r.raw_or_null(key);
      check(v && v->is_array(), r.context(), ": option '", key, "' must be a list of numbers");
      std::vector<double> out;
      for (const Json& x : *v) {
        check(x.is_number() && std::isfinite(x.get<double>()), r.context(), ": option '", key,
              "' must hold finite numbers, got ", x.dump());
        out.push_back(x.get<double>());
      }
      return out;
    };
    boundaries_ = list("boundaries");
    values_ = list("values");
    r.string("name", "PiecewiseConstant");
    r.finish();
    check(values_.size() == boundaries_.size() + 1, r.context(),
          ": needs one more value than boundaries, got ", boundaries_.size(), " boundaries and ",
          values_.size(), " values");
    for (std::size_t i = 1; i < boundaries_.size(); ++i)
      check(boundaries_[i] > boundaries_[i - 1], r.context(), ": boundaries must increase, got ",
            boundaries_[i - 1], " then ", boundaries_[i]);
  }
  std::string class_name() const override { return "PiecewiseConstantDecay"; }
  double value(std::int64_t step) const override {
    const double s = static_cast<double>(step);
    for (std::size_t i = 0; i < boundaries_.size(); ++i)
      if (s <= boundaries_[i]) return values_[i];
    return values_.back();
  }
  Json config() const override {
    return Json{{"boundaries", boundaries_}, {"values", values_}, {"name", "PiecewiseConstant"}};
  }

 private:
  std::vector<double> boundaries_, values_;
};

// Keras CosineDecay, with its optional linear warmup from initial_learning_rate to
// warmup_target over warmup_steps; the cosine then decays the warmed-up rate to alpha times it.
class CosineDecay final : public LearningRateSchedule {
 public:
  explicit CosineDecay(const Json& config) {
    ConfigReader r(config, "CosineDecay");
    initial_ = finite_number(r, "initial_learning_rate", 0.0, false);
    steps_ = finite_number(r, "decay_steps", 0.0, true);
    alpha_ = r.has("alpha") ? finite_number(r, "alpha", 0.0, false) : 0.0;
    const Json* target = r.raw_or_null("warmup_target");
    if (target) {
      has_target_ = true;
      target_ = finite_number(r, "warmup_target", 0.0, false);
    }
    warmup_ = r.has("warmup_steps") ? finite_number(r, "warmup_steps", 0.0, false) : 0.0;
    r.string("name", "CosineDecay");
    r.finish();
  }
  std::string class_name() const override { return "CosineDecay"; }
  double value(std::int64_t step) const override {
    const double s = static_cast<double>(step);
    double peak = initial_;
    double decay_step = s;
    if (has_target_) {
      if (s < warmup_) return initial_ + (target_ - initial_) * (s / warmup_);
      peak = target_;
      decay_step = s - warmup_;
    }
    decay_step = std::min(decay_step, steps_);
    const double cosine = 0.5 * (1.0 + std::cos(kPi * decay_step / steps_));
    return peak * ((1.0 - alpha_) * cosine + alpha_);
  }
  Json config() const override {
    return Json{{"initial_learning_rate", initial_}, {"decay_steps", steps_}, {"alpha", alpha_},
                {"warmup_target", has_target_ ? Json(target_) : Json(nullptr)},
                {"warmup_steps", warmup_}, {"name", "CosineDecay"}};
  }

 private:
  double initial_ = 0, steps_ = 1, alpha_ = 0, target_ = 0, warmup_ = 0;
  bool has_target_ = false;
};

bool same_ignoring_case(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

}  // namespace

std::shared_ptr<LearningRateSchedule> make_schedule(const std::string& name, const Json& config) {
  if (same_ignoring_case(name, "ExponentialDecay")) return std::make_shared<ExponentialDecay>(config);
  if (same_ignoring_case(name, "PiecewiseConstantDecay"))
    return std::make_shared<PiecewiseConstantDecay>(config);
  if (same_ignoring_case(name, "CosineDecay")) return std::make_shared<CosineDecay>(config);
  fail("unknown learning-rate schedule '", name,
       "'; known schedules: ExponentialDecay, PiecewiseConstantDecay, CosineDecay");
}

std::shared_ptr<LearningRateSchedule> schedule_from_json(const Json& spec) {
  check(spec.is_object() && spec.contains("class_name") && spec["class_name"].is_string(),
        "learning_rate: expected a number or a learning-rate schedule {\"class_name\", \"config\"}, got ",
        spec.dump());
  return make_schedule(spec["class_name"].get<std::string>(), spec.value("config", Json::object()));
}

}  // namespace simdnn
