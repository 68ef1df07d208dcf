// Adagrad and Adadelta (keras/src/optimizers/adagrad.py, adadelta.py).
//   Adagrad:  acc += g^2;  w -= lr * g / sqrt(acc + eps)   (acc starts at
//             initial_accumulator_value)
//   Adadelta: ag = rho * ag + (1 - rho) * g^2
//             delta = -sqrt(ad + eps) * g / sqrt(ag + eps)
//             ad = rho * ad + (1 - rho) * delta^2;  w += lr * delta
#include <cmath>

#include "optimizers/option_reading.hpp"

namespace simdnn::optimizers {
namespace {

class Adagrad final : public Optimizer {
 public:
  Adagrad(OptimizerOptions options, double initial_accumulator_value, double epsilon)
      : Optimizer(std::move(options)),
        initial_accumulator_value_(initial_accumulator_value),
        epsilon_(epsilon) {}
  std::string name() const override { return "Adagrad"; }

  Json config() const override {
    Json c = base_config();
    c["initial_accumulator_value"] = initial_accumulator_value_;
    c["epsilon"] = epsilon_;
    return c;
  }

 protected:
  std::vector<std::vector<std::string>> slot_groups() const override {
    return {{"accumulator"}};
  }
  float slot_initial_value(std::size_t) const override {
    return static_cast<float>(initial_accumulator_value_);
  }

  void update(std::size_t index, Tensor& value, const Tensor& grad, float lr) override {
    float* w = value.data();
    const float* g = grad.data();
    float* acc = slot(index, 0).data();
    const float eps = static_cast<float>(epsilon_);
    for (std::size_t i = 0; i < value.size(); ++i) {
      acc[i] += g[i] * g[i];
      w[i] -= lr * g[i] / std::sqrt(acc[i] + eps);
    }
  }

 private:
  double initial_accumulator_value_, epsilon_;
};

class Adadelta final : public Optimizer {
 public:
  Adadelta(OptimizerOptions options, double rho, double epsilon)
      : Optimizer(std::move(options)), rho_(rho), epsilon_(epsilon) {}
  std::string name() const override { return "Adadelta"; }

  Json config() const override {
    Json c = base_config();
    c["rho"] = rho_;
    c["epsilon"] = epsilon_;
    return c;
  }

 protected:
  // Keras 3 creates all accumulated gradients, then all accumulated deltas.
  std::vector<std::vector<std::string>> slot_groups() const override {
    return {{"accumulated_grad"}, {"accumulated_delta_var"}};
  }

  void update(std::size_t index, Tensor& value, const Tensor& grad, float lr) override {
    float* w = value.data();
    const float* g = grad.data();
    float* acc_grad = slot(index, 0).data();
    float* acc_delta = slot(index, 1).data();
    const float rho = static_cast<float>(rho_);
    const float keep = 1.0f - rho;
    const float eps = static_cast<float>(epsilon_);
    for (std::size_t i = 0; i < value.size(); ++i) {
      acc_grad[i] = rho * acc_grad[i] + keep * g[i] * g[i];
      const float delta = -std::sqrt(acc_delta[i] + eps) * g[i] / std::sqrt(acc_grad[i] + eps);
      acc_delta[i] = rho * acc_delta[i] + keep * delta * delta;
      w[i] += lr * delta;
    }
  }

 private:
  double rho_, epsilon_;
};

}  // namespace

std::unique_ptr<Optimizer> make_adagrad(const Json& config) {
  ConfigReader reader(config, "Adagrad");
  OptimizerOptions common = read_common_options(reader, "adagrad", 0.001, std::nullopt);
  const double initial = number_option(reader, "initial_accumulator_value", 0.1, 0.0, kUnbounded);
  const double epsilon = number_option(reader, "epsilon", 1e-7, 0.0, kUnbounded);
  reader.finish();
  return std::make_unique<Adagrad>(std::move(common), initial, epsilon);
}

std::unique_ptr<Optimizer> make_adadelta(const Json& config) {
  ConfigReader reader(config, "Adadelta");
  OptimizerOptions common = read_common_options(reader, "adadelta", 0.001, std::nullopt);
  const double rho = number_option(reader, "rho", 0.95, 0.0, 1.0);
  const double epsilon = number_option(reader, "epsilon", 1e-7, 0.0, kUnbounded);
  reader.finish();
  return std::make_unique<Adadelta>(std::move(common), rho, epsilon);
}

}  // namespace simdnn::optimizers
