// The Optimizer base (state, checks, clipping, weight decay), option reading and the registry.
#include "optimizers/optimizer.hpp"

#include <cctype>
#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/shape.hpp"
#include "optimizers/option_reading.hpp"

namespace simdnn {
namespace {

bool receives_update(const Param& p) { return p.trainable && p.grad != nullptr; }

Json optional_json(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

}  // namespace

Optimizer::Optimizer(OptimizerOptions options) : options_(std::move(options)) {}

void Optimizer::set_learning_rate(float lr) {
  check(!options_.schedule, name(), ": the learning rate is the schedule ",
        options_.schedule ? options_.schedule->class_name() : "",
        " given at construction; it cannot be set (Keras semantics)");
  check(std::isfinite(lr) && lr >= 0.0f, name(),
        ": learning rate must be a finite number >= 0, got ", lr);
  options_.learning_rate = lr;
}

void Optimizer::set_iterations(std::int64_t n) {
  check(n >= 0, name(), ": iterations must be >= 0, got ", n);
  iterations_ = n;
}

void Optimizer::build(const std::vector<Param>& params) {
  check(!built_, name(), ": build() called twice; an optimizer serves one set of parameters");
  tracked_.clear();
  updated_.clear();
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Param& p = params[i];
    check(p.value != nullptr, name(), ": parameter ", i, " '", p.name, "' has no value tensor");
    const bool updated = receives_update(p);
    if (updated)
      check(p.grad->size() == p.value->size(), name(), ": parameter ", i, " '", p.name,
            "' has shape ", shape_text(p.value->shape()), " but its gradient has shape ",
            shape_text(p.grad->shape()));
    tracked_.push_back({p.value, p.value->size(), updated});
    if (updated) updated_.push_back(i);
  }
  slots_per_param_ = 0;
  for (const auto& group : slot_groups()) slots_per_param_ += group.size();
  slots_.assign(updated_.size() * slots_per_param_, Tensor());
  for (std::size_t k = 0; k < updated_.size(); ++k)
    for (std::size_t s = 0; s < slots_per_param_; ++s)
      slot(k, s) = Tensor(params[updated_[k]].value->shape(), slot_initial_value(s));
  const bool clipping = options_.clipnorm || options_.global_clipnorm || options_.clipvalue;
  clipped_.clear();
  if (clipping)
    for (std::size_t index : updated_) clipped_.emplace_back(params[index].value->shape());
  step_grads_.assign(updated_.size(), nullptr);
  built_ = true;
}

void Optimizer::check_same_params(const std::vector<Param>& params) const {
  // Only the failure paths build strings: this runs on every step.
  if (params.size() != tracked_.size())
    fail(name(), ": expected the ", tracked_.size(), " parameters the optimizer was built with, got ",
         params.size(), " (use a new optimizer for a different set of parameters)");
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Param& p = params[i];
    const Tracked& t = tracked_[i];
    if (p.value != t.value || p.value->size() != t.size)
      fail(name(), ": parameter ", i, " '", p.name,
           "' is not the tensor the optimizer was built with at that position (expected ",
           t.size, " values, got ", p.value ? p.value->size() : 0,
           "); pass the same parameters in the same order");
    if (receives_update(p) != t.updated)
      fail(name(), ": parameter ", i, " '", p.name, "' ",
           t.updated ? "had a gradient when the optimizer was built and now has none"
                     : "had no gradient when the optimizer was built and now has one");
    if (t.updated && p.grad->size() != t.size)
      fail(name(), ": parameter ", i, " '", p.name, "' has ", t.size,
           " values but its gradient has shape ", shape_str(p.grad->shape()));
  }
}

void Optimizer::clip_gradients(const std::vector<Param>& params) {
  for (std::size_t k = 0; k < updated_.size(); ++k) step_grads_[k] = params[updated_[k]].grad;
  // Keras applies one kind of clipping, in this priority (BaseOptimizer._clip_gradients).
  // Norm clipping scales g by c / max(|g|, c); a copy is made only when that changes g.
  auto scale_into_copy = [this](std::size_t k, float factor) {
    const Tensor& g = *step_grads_[k];
    float* out = clipped_[k].data();
    for (std::size_t i = 0; i < g.size(); ++i) out[i] = g[i] * factor;
    step_grads_[k] = &clipped_[k];
  };
  auto norm_of = [](const Tensor& g) {
    double sum = 0.0;
    for (float v : g.span()) sum += static_cast<double>(v) * v;
    return sum;
  };
  if (options_.clipnorm) {
    const double bound = *options_.clipnorm;
    for (std::size_t k = 0; k < updated_.size(); ++k) {
      const double norm = std::sqrt(norm_of(*step_grads_[k]));
      if (norm > bound) scale_into_copy(k, static_cast<float>(bound / norm));
    }
  } else if (options_.global_clipnorm) {
    const double bound = *options_.global_clipnorm;
    double sum = 0.0;
    for (const Tensor* g : step_grads_) sum += norm_of(*g);
    const double norm = std::sqrt(sum);
    if (norm > bound)
      for (std::size_t k = 0; k < updated_.size(); ++k)
        scale_into_copy(k, static_cast<float>(bound / norm));
  } else if (options_.clipvalue) {
    const float bound = static_cast<float>(*options_.clipvalue);
    for (std::size_t k = 0; k < updated_.size(); ++k) {
      const Tensor& g = *step_grads_[k];
      float* out = clipped_[k].data();
      for (std::size_t i = 0; i < g.size(); ++i) out[i] = std::min(std::max(g[i], -bound), bound);
      step_grads_[k] = &clipped_[k];
    }
  }
}

void Optimizer::step(const std::vector<Param>& params) {
  if (!built_)
    build(params);
  else
    check_same_params(params);
  clip_gradients(params);
  const float lr = learning_rate();
  if (options_.weight_decay && *options_.weight_decay > 0.0) {
    // Keras' decoupled weight decay, applied to the variables before the update step.
    const float decay = static_cast<float>(*options_.weight_decay) * lr;
    for (std::size_t index : updated_) {
      float* w = params[index].value->data();
      const std::size_t n = params[index].value->size();
      for (std::size_t i = 0; i < n; ++i) w[i] -= w[i] * decay;
    }
  }
  for (std::size_t k = 0; k < updated_.size(); ++k) {
    const Param& p = params[updated_[k]];
    if (p.sparse && !p.sparse->touched.empty())
      update_rows(k, *p.value, *step_grads_[k], lr, p.sparse->rows);
    else
      update(k, *p.value, *step_grads_[k], lr);
  }
  ++iterations_;
}

void Optimizer::update_rows(std::size_t index, Tensor& value, const Tensor& grad, float lr,
                            const std::vector<int>& rows) {
  if (rows.empty()) return;
  const std::size_t width = value.size() / static_cast<std::size_t>(value.dim(0));
  const int count = static_cast<int>(rows.size());
  auto gather = [&](const Tensor& from, Tensor& to) {
    to.resize({count, static_cast<int>(width)});
    for (int r = 0; r < count; ++r)
      std::copy_n(from.data() + static_cast<std::size_t>(rows[r]) * width, width, to.data() + r * width);
  };
  auto scatter = [&](const Tensor& from, Tensor& to) {
    for (int r = 0; r < count; ++r)
      std::copy_n(from.data() + r * width, width, to.data() + static_cast<std::size_t>(rows[r]) * width);
  };
  // The subclass' update runs unchanged on the gathered rows: its slots are swapped for the
  // gathered rows of its slots for the call, then everything is scattered back.
  sparse_slots_.resize(slots_per_param_);
  gather(value, sparse_value_);
  gather(grad, sparse_grad_);
  for (std::size_t s = 0; s < slots_per_param_; ++s) {
    gather(slot(index, s), sparse_slots_[s]);
    std::swap(slot(index, s), sparse_slots_[s]);
  }
  update(index, sparse_value_, sparse_grad_, lr);
  for (std::size_t s = 0; s < slots_per_param_; ++s) {
    std::swap(slot(index, s), sparse_slots_[s]);
    scatter(sparse_slots_[s], slot(index, s));
  }
  scatter(sparse_value_, value);
}

std::vector<std::string> Optimizer::slot_names() const {
  std::vector<std::string> out;
  for (const auto& group : slot_groups()) out.insert(out.end(), group.begin(), group.end());
  return out;
}

std::vector<Tensor*> Optimizer::state_tensors() {
  std::vector<Tensor*> out;
  std::size_t first_slot = 0;
  for (const auto& group : slot_groups()) {
    for (std::size_t k = 0; k < updated_.size(); ++k)
      for (std::size_t s = 0; s < group.size(); ++s) out.push_back(&slot(k, first_slot + s));
    first_slot += group.size();
  }
  return out;
}

Json Optimizer::base_config() const {
  return Json{{"name", options_.instance_name},
              {"learning_rate", options_.schedule ? options_.schedule->to_json()
                                                  : Json(options_.learning_rate)},
              {"weight_decay", optional_json(options_.weight_decay)},
              {"clipnorm", optional_json(options_.clipnorm)},
              {"global_clipnorm", optional_json(options_.global_clipnorm)},
              {"clipvalue", optional_json(options_.clipvalue)},
              {"use_ema", false},
              {"ema_momentum", 0.99},
              {"ema_overwrite_frequency", nullptr},
              {"loss_scale_factor", nullptr},
              {"gradient_accumulation_steps", nullptr}};
}

Json Optimizer::config() const { return base_config(); }

namespace optimizers {

double number_option(ConfigReader& reader, const std::string& key, double fallback, double low,
                     double high, bool high_open) {
  const Json* value = reader.raw_or_null(key);
  if (!value) return fallback;
  const bool ok = value->is_number() && std::isfinite(value->get<double>()) &&
                  value->get<double>() >= low &&
                  (high_open ? value->get<double>() < high : value->get<double>() <= high);
  if (!ok) {
    if (high == kUnbounded)
      fail(reader.context(), ": option '", key, "' must be a number >= ", low, ", got ",
           value->dump());
    fail(reader.context(), ": option '", key, "' must be a number in [", low, ", ", high,
         high_open ? ")" : "]", ", got ", value->dump());
  }
  return value->get<double>();
}

namespace {

std::optional<double> optional_positive(ConfigReader& reader, const std::string& key) {
  const Json* value = reader.raw_or_null(key);
  if (!value) return std::nullopt;
  const bool ok = value->is_number() && std::isfinite(value->get<double>()) &&
                  value->get<double>() > 0.0;
  check(ok, reader.context(), ": option '", key, "' must be a number > 0 or null, got ",
        value->dump());
  return value->get<double>();
}

// Keras options whose other settings this engine does not implement.
void require_null(ConfigReader& reader, const std::string& key) {
  const Json* value = reader.raw_or_null(key);
  check(!value, reader.context(), ": option '", key, "' is not supported (only null), got ",
        value ? value->dump() : "");
}

}  // namespace

OptimizerOptions read_common_options(ConfigReader& reader, const std::string& instance_name,
                                     double default_learning_rate,
                                     std::optional<double> default_weight_decay) {
  OptimizerOptions o;
  o.instance_name = reader.string("name", instance_name);
  if (reader.has("learning_rate") && reader.raw("learning_rate").is_object()) {
    o.schedule = schedule_from_json(reader.raw("learning_rate"));
    o.learning_rate = o.schedule->value(0);
  } else {
    o.learning_rate = number_option(reader, "learning_rate", default_learning_rate, 0.0, kUnbounded);
  }
  const Json* decay = reader.raw_or_null("weight_decay");
  o.weight_decay = decay ? std::optional<double>(number_option(reader, "weight_decay", 0.0, 0.0,
                                                               kUnbounded))
                         : default_weight_decay;
  o.clipnorm = optional_positive(reader, "clipnorm");
  o.global_clipnorm = optional_positive(reader, "global_clipnorm");
  o.clipvalue = optional_positive(reader, "clipvalue");
  check(!(o.clipnorm && o.global_clipnorm), reader.context(),
        ": only one of 'clipnorm' and 'global_clipnorm' can be set");
  check(!reader.boolean("use_ema", false), reader.context(),
        ": option 'use_ema' is not supported (only false)");
  number_option(reader, "ema_momentum", 0.99, 0.0, 1.0);  // inert without use_ema
  require_null(reader, "ema_overwrite_frequency");
  require_null(reader, "loss_scale_factor");
  require_null(reader, "gradient_accumulation_steps");
  return o;
}

}  // namespace optimizers

namespace {

struct OptimizerEntry {
  const char* class_name;
  std::unique_ptr<Optimizer> (*factory)(const Json&);
};

const std::vector<OptimizerEntry>& registry() {
  using namespace optimizers;
  static const std::vector<OptimizerEntry> entries = {
      {"SGD", make_sgd},         {"RMSprop", make_rmsprop}, {"Adam", make_adam},
      {"AdamW", make_adamw},     {"Adagrad", make_adagrad}, {"Adadelta", make_adadelta},
  };
  return entries;
}

bool same_ignoring_case(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

}  // namespace

std::unique_ptr<Optimizer> make_optimizer(const std::string& name, const Json& config) {
  for (const OptimizerEntry& entry : registry())
    if (same_ignoring_case(name, entry.class_name)) return entry.factory(config);
  std::string known;
  for (const std::string& n : optimizer_names()) known += (known.empty() ? "" : ", ") + n;
  fail("unknown optimizer '", name, "'; known optimizers: ", known);
}

std::vector<std::string> optimizer_names() {
  std::vector<std::string> names;
  for (const OptimizerEntry& entry : registry()) names.push_back(entry.class_name);
  return names;
}

}  // namespace simdnn
