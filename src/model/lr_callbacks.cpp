#include "model/lr_callbacks.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "layers/config_reader.hpp"
#include "model/model.hpp"
#include "optimizers/optimizer.hpp"

namespace simdnn {

bool monitor_maximizes(const std::string& mode, const std::string& monitor) {
  if (mode == "max") return true;
  if (mode == "min") return false;
  return monitor.find("acc") != std::string::npos || monitor.find("auc") != std::string::npos ||
         monitor.rfind("fmeasure", 0) == 0;
}

ReduceLROnPlateau::ReduceLROnPlateau(ReduceLROnPlateauOptions options) : options_(std::move(options)) {
  const auto& o = options_;
  // Keras rejects factor >= 1: it would never reduce.
  check(o.factor < 1.0 && o.factor >= 0.0, "ReduceLROnPlateau: factor must be in [0, 1), got ", o.factor);
  check(o.patience >= 0, "ReduceLROnPlateau: patience must be >= 0, got ", o.patience);
  check(o.cooldown >= 0, "ReduceLROnPlateau: cooldown must be >= 0, got ", o.cooldown);
  check(o.min_lr >= 0.0, "ReduceLROnPlateau: min_lr must be >= 0, got ", o.min_lr);
  check(o.mode == "auto" || o.mode == "min" || o.mode == "max",
        "ReduceLROnPlateau: mode must be 'auto', 'min' or 'max', got '", o.mode, "'");
  maximize_ = monitor_maximizes(o.mode, o.monitor);
}

std::shared_ptr<ReduceLROnPlateau> ReduceLROnPlateau::from_config(const Json& config) {
  ConfigReader r(config, "ReduceLROnPlateau");
  ReduceLROnPlateauOptions o;
  o.monitor = r.string("monitor", o.monitor);
  // number() checks the type; the raw value keeps double precision.
  auto exact = [&r](const char* key, double fallback) {
    r.number(key, static_cast<float>(fallback));
    const Json* v = r.raw_or_null(key);
    return v ? v->get<double>() : fallback;
  };
  o.factor = exact("factor", o.factor);
  o.patience = r.integer("patience", o.patience);
  o.mode = r.one_of("mode", "auto", {"auto", "min", "max"});
  o.min_delta = exact("min_delta", o.min_delta);
  o.cooldown = r.integer("cooldown", 0);
  o.min_lr = exact("min_lr", o.min_lr);
  r.integer("verbose", 0);
  r.finish();
  return std::make_shared<ReduceLROnPlateau>(o);
}

void ReduceLROnPlateau::on_train_begin(const Logs&) {
  best_ = maximize_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  wait_ = 0;
  cooldown_counter_ = 0;
}

void ReduceLROnPlateau::on_epoch_end(int, const Logs& logs) {
  const auto value = logs.get(options_.monitor);
  check(value.has_value(), "ReduceLROnPlateau: monitored metric '", options_.monitor,
        "' is not in the logs (did you pass validation data for a val_ metric?)");
  const double current = *value;
  // Keras' order: a cooldown epoch resets the wait, an improvement resets it too, and only
  // epochs outside cooldown count towards patience.
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    wait_ = 0;
  }
  const bool better = maximize_ ? current > best_ + options_.min_delta : current < best_ - options_.min_delta;
  if (better) {
    best_ = current;
    wait_ = 0;
    return;
  }
  if (cooldown_counter_ > 0) return;
  if (++wait_ < options_.patience) return;
  Optimizer& opt = model->optimizer();
  const double old_lr = opt.learning_rate();
  // Keras compares against min_lr as float32.
  if (old_lr > static_cast<float>(options_.min_lr)) {
    const double new_lr = std::max(old_lr * options_.factor, options_.min_lr);
    opt.set_learning_rate(static_cast<float>(new_lr));
    cooldown_counter_ = options_.cooldown;
    wait_ = 0;
  }
}

LearningRateScheduler::LearningRateScheduler(std::shared_ptr<LearningRateSchedule> schedule)
    : schedule_(std::move(schedule)) {
  check(schedule_ != nullptr, "LearningRateScheduler: needs a schedule");
}

void LearningRateScheduler::on_epoch_begin(int epoch, const Logs&) {
  const double lr = schedule_->value(epoch);
  check(std::isfinite(lr), "LearningRateScheduler: schedule ", schedule_->class_name(),
        " gave a non-finite learning rate at epoch ", epoch);
  model->optimizer().set_learning_rate(static_cast<float>(lr));
}

void TerminateOnNaN::on_batch_end(int batch, const Logs& logs) {
  const auto loss = logs.get("loss");
  if (loss && !std::isfinite(*loss)) {
    stopped_batch_ = batch;
    stopped_epoch_ = epoch_;
    model->stop_training = true;
  }
}

}  // namespace simdnn
