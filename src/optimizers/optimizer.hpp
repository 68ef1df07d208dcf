#pragma once
// Optimizers with Keras 3 update rules and defaults. The base class does what every Keras
// optimizer shares (state creation, the same-params check, gradient clipping, decoupled
// weight decay, the iteration count); each subclass writes one update loop per parameter.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/tensor.hpp"
#include "layers/layer.hpp"
#include "optimizers/schedules.hpp"

namespace simdnn {

// Options every Keras optimizer takes (keras/src/optimizers/base_optimizer.py).
struct OptimizerOptions {
  std::string instance_name;            // Keras "name": "adam", "SGD", ...
  double learning_rate = 0.001;
  // Keras: learning_rate may be a LearningRateSchedule, evaluated at every step.
  std::shared_ptr<LearningRateSchedule> schedule;
  std::optional<double> weight_decay;   // decoupled: w -= w * weight_decay * lr before the update
  std::optional<double> clipnorm;        // per-parameter gradient norm bound
  std::optional<double> global_clipnorm; // bound on the norm of all gradients together
  std::optional<double> clipvalue;       // elementwise gradient bound
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  virtual std::string name() const = 0;  // Keras class name: "Adam"

  // Applies one update to every param with a non-null grad (and trainable set), using grad as
  // computed (already averaged over the batch); grads are read, never modified. State
  // (moments) is created on the first call, sized to the params, in the order given; later
  // calls must pass the same params in the same order (throws otherwise). Increments
  // iterations(); applies clipnorm / global_clipnorm / clipvalue as Keras does.
  void step(const std::vector<Param>& params);
  // Creates the state for these params without updating them (step() does this on its first
  // call). Lets a checkpoint restore state_tensors() before training resumes.
  void build(const std::vector<Param>& params);
  bool built() const { return built_; }

  // The rate the next step uses: the schedule's value at iterations(), or the fixed rate.
  float learning_rate() const {
    return static_cast<float>(options_.schedule ? options_.schedule->value(iterations_)
                                                : options_.learning_rate);
  }
  // Takes effect from the next step; an optimizer built with a schedule refuses (as Keras).
  void set_learning_rate(float lr);
  const std::shared_ptr<LearningRateSchedule>& schedule() const { return options_.schedule; }
  std::int64_t iterations() const { return iterations_; }
  void set_iterations(std::int64_t n);

  virtual Json config() const;  // Keras-style config incl. learning_rate

  // Optimizer state for checkpoints, in Keras' variable order: slot group by slot group,
  // within a group parameter by parameter (e.g. Adam: m0 v0 m1 v1 ..., then vhat0 vhat1 ...
  // with amsgrad). Empty before the first step()/build().
  virtual std::vector<Tensor*> state_tensors();
  // The same state addressed for checkpoints: Keras slot names (flattened over the groups)
  // and the slot of one updated parameter (k-th param that receives updates).
  std::vector<std::string> slot_names() const;
  std::size_t updated_count() const { return updated_.size(); }
  Tensor& state_slot(std::size_t param, std::size_t slot_number) { return slot(param, slot_number); }

 protected:
  explicit Optimizer(OptimizerOptions options);

  // Updates one parameter. index is its position among the updated params; lr the current
  // learning rate. Called after clipping and weight decay, before iterations() increments.
  virtual void update(std::size_t index, Tensor& value, const Tensor& grad, float lr) = 0;
  // A row-sparse parameter (Param::sparse): update() on its listed rows only. Exact for plain
  // SGD; for optimizers with state it is the "lazy" rule (TF LazyAdam, PyTorch SparseAdam):
  // rows a step does not use keep their moments and weights as they were.
  void update_rows(std::size_t index, Tensor& value, const Tensor& grad, float lr, const std::vector<int>& rows);

  // Names of the per-parameter state tensors, grouped as Keras creates them (see
  // state_tensors()). Slots are numbered in the order they appear, flattened.
  virtual std::vector<std::vector<std::string>> slot_groups() const { return {}; }
  virtual float slot_initial_value(std::size_t /*slot*/) const { return 0.0f; }
  Tensor& slot(std::size_t index, std::size_t slot_number) {
    return slots_[index * slots_per_param_ + slot_number];
  }

  // Keras' local_step: the 1-based number of the step being applied.
  std::int64_t local_step() const { return iterations_ + 1; }

  // Common options plus this optimizer's own, for config().
  Json base_config() const;
  const OptimizerOptions& options() const { return options_; }

 private:
  struct Tracked {
    const Tensor* value;
    std::size_t size;
    bool updated;
  };
  void check_same_params(const std::vector<Param>& params) const;
  // The gradients step() feeds to update(): the caller's, or clipped copies.
  void clip_gradients(const std::vector<Param>& params);

  OptimizerOptions options_;
  std::int64_t iterations_ = 0;
  bool built_ = false;
  std::vector<Tracked> tracked_;       // every param of the first call, to check later calls
  std::vector<std::size_t> updated_;   // positions (in params) of the params that get updates
  std::size_t slots_per_param_ = 0;
  std::vector<Tensor> slots_;          // [updated param][slot]
  std::vector<Tensor> clipped_;        // one per updated param when clipping is on
  std::vector<const Tensor*> step_grads_;  // per updated param, reused every step
  Tensor sparse_value_, sparse_grad_;      // update_rows' gathered rows, reused
  std::vector<Tensor> sparse_slots_;
};

// Accepts "sgd"/"SGD", "rmsprop"/"RMSprop", "adam"/"Adam", "adamw"/"AdamW",
// "adagrad"/"Adagrad", "adadelta"/"Adadelta" (any letter case). Config keys are Keras'
// snake_case options; unknown keys or bad values -> Error naming the optimizer and option.
std::unique_ptr<Optimizer> make_optimizer(const std::string& name,
                                          const Json& config = Json::object());

// Keras class names of every optimizer make_optimizer knows.
std::vector<std::string> optimizer_names();

}  // namespace simdnn
