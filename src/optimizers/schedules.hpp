#pragma once
// Learning-rate schedules with the Keras LearningRateSchedule formulas
// (keras/src/optimizers/schedules/learning_rate_schedule.py). A schedule maps the optimizer's
// 0-based step (its iteration count before the update) to a learning rate; an optimizer whose
// learning_rate is a schedule evaluates it every step, and LearningRateScheduler can evaluate
// one per epoch. Values are computed in double and rounded once, so native and wasm agree.
#include <cstdint>
#include <memory>
#include <string>

#include "core/json.hpp"

namespace simdnn {

class LearningRateSchedule {
 public:
  virtual ~LearningRateSchedule() = default;
  virtual std::string class_name() const = 0;  // Keras: "ExponentialDecay"
  virtual double value(std::int64_t step) const = 0;
  virtual Json config() const = 0;             // Keras snake_case config
  // {"class_name": ..., "config": {...}}, as Keras serialises a schedule inside an optimizer.
  Json to_json() const { return Json{{"class_name", class_name()}, {"config", config()}}; }
};

// Accepts Keras class names and TF.js-style camelCase names ("exponentialDecay"); config keys
// are Keras snake_case; unknown keys or bad values -> Error naming the schedule and option.
std::shared_ptr<LearningRateSchedule> make_schedule(const std::string& name, const Json& config);
// From {"class_name", "config"} (as found in an optimizer's learning_rate).
std::shared_ptr<LearningRateSchedule> schedule_from_json(const Json& spec);

}  // namespace simdnn
