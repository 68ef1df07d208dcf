#pragma once
// Optimizers with Keras 3 definitions and defaults. step() takes the params in a fixed
// order; per-param state (moments) is created on the first step and checked after.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/tensor.hpp"
#include "layers/layer.hpp"

namespace simdnn {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  virtual std::string name() const = 0;  // Keras class name: "Adam"

  // One update of every param with a gradient (already averaged over the batch).
  void step(const std::vector<Param>& params);
  float learning_rate() const { return learning_rate_; }
  void set_learning_rate(float lr);  // takes effect at the next step
  std::int64_t iterations() const { return iterations_; }
  void set_iterations(std::int64_t n) { iterations_ = n; }
  virtual Json config() const;
  // Moments etc. in a stable order, for checkpoints.
  std::vector<Tensor*> state_tensors();

 protected:
  explicit Optimizer(float default_lr) : learning_rate_(default_lr) {}
  // Number of state tensors per param (0 for plain SGD, 2 for Adam, ...).
  virtual int slots_per_param() const = 0;
  // Applies the update for one param; `slots` are its state tensors, zero-initialised
  // (or as init_slot() sets them) on the first step. `t` counts steps from 1.
  virtual void update(float* value, const float* grad, std::size_t n, Tensor* slots, float lr,
                      std::int64_t t) = 0;
  virtual float initial_slot_value(int /*slot*/) const { return 0.0f; }

  float clipnorm_ = 0.0f, clipvalue_ = 0.0f, weight_decay_ = 0.0f;  // 0: off
  friend std::unique_ptr<Optimizer> make_optimizer(const std::string&, const Json&);

 private:
  float learning_rate_;
  std::int64_t iterations_ = 0;
  std::vector<const Tensor*> bound_;  // the params the state was created for
  std::vector<std::vector<Tensor>> slots_;
  std::vector<float> clipped_;
};

// Names: "sgd"/"SGD", "rmsprop"/"RMSprop", "adam"/"Adam", "adamw"/"AdamW", "adagrad"/"Adagrad",
// "adadelta"/"Adadelta". Config: Keras snake_case keys (learning_rate, momentum, nesterov,
// rho, epsilon, centered, beta_1, beta_2, amsgrad, weight_decay, initial_accumulator_value,
// clipnorm, clipvalue). Unknown names, unknown keys and bad values throw an Error.
std::unique_ptr<Optimizer> make_optimizer(const std::string& name, const Json& config = Json::object());

}  // namespace simdnn
