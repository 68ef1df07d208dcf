#include "model/callbacks.hpp"

#include <cmath>

#include "core/error.hpp"
#include "layers/config_reader.hpp"
#include "model/model.hpp"

namespace simdnn {

EarlyStopping::EarlyStopping(EarlyStoppingOptions options) : options_(std::move(options)) {
  check(options_.patience >= 0, "EarlyStopping: patience must be >= 0, got ", options_.patience);
  check(options_.mode == "auto" || options_.mode == "min" || options_.mode == "max",
        "EarlyStopping: mode must be 'auto', 'min' or 'max', got '", options_.mode, "'");
  const auto& m = options_.monitor;
  maximize_ = options_.mode == "max" ||
              (options_.mode == "auto" && (m.find("acc") != std::string::npos ||
                                           m.find("auc") != std::string::npos));
}

std::shared_ptr<EarlyStopping> EarlyStopping::from_config(const Json& config) {
  ConfigReader r(config, "EarlyStopping");
  EarlyStoppingOptions o;
  o.monitor = r.string("monitor", o.monitor);
  o.min_delta = r.number("min_delta", 0.0f);
  o.patience = r.integer("patience", 0);
  o.mode = r.one_of("mode", "auto", {"auto", "min", "max"});
  o.restore_best_weights = r.boolean("restore_best_weights", false);
  o.start_from_epoch = r.integer("start_from_epoch", 0);
  if (r.has("baseline")) {
    o.has_baseline = true;
    o.baseline = r.number("baseline", 0.0f);
  }
  r.integer("verbose", 0);
  r.finish();
  return std::make_shared<EarlyStopping>(o);
}

bool EarlyStopping::improved(double value, double reference) const {
  const double delta = std::fabs(options_.min_delta);
  return maximize_ ? value - delta > reference : value + delta < reference;
}

void EarlyStopping::on_train_begin(const Logs&) {
  wait_ = 0;
  stopped_epoch_ = -1;
  best_epoch_ = -1;
  best_ = options_.has_baseline ? options_.baseline
                                : (maximize_ ? -std::numeric_limits<double>::infinity()
                                             : std::numeric_limits<double>::infinity());
  best_weights_.clear();
}

void EarlyStopping::on_epoch_end(int epoch, const Logs& logs) {
  const auto value = logs.get(options_.monitor);
  check(value.has_value(), "EarlyStopping: monitored metric '", options_.monitor,
        "' is not in the logs (did you pass validation data for a val_ metric?)");
  if (epoch < options_.start_from_epoch) return;
  if (options_.restore_best_weights && best_weights_.empty()) best_weights_ = model->get_weights();
  ++wait_;
  if (std::isfinite(*value) && improved(*value, best_)) {
    best_ = *value;
    best_epoch_ = epoch;
    wait_ = 0;
    if (options_.restore_best_weights) best_weights_ = model->get_weights();
    return;
  }
  if (wait_ >= options_.patience && epoch > 0) {
    stopped_epoch_ = epoch;
    model->stop_training = true;
  }
}

void EarlyStopping::on_train_end(const Logs&) {
  if (options_.restore_best_weights && !best_weights_.empty() && stopped_epoch_ >= 0)
    model->set_weights(best_weights_);
}

}  // namespace simdnn
