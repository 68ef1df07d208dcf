// Adam and AdamW (keras/src/optimizers/adam.py, adamw.py). With t the 1-based step:
//   m += (g - m) * (1 - beta_1);  v += (g^2 - v) * (1 - beta_2)
//   amsgrad: vhat = max(vhat, v), used in place of v
//   alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t);  w -= alpha * m / (sqrt(v) + eps)
// AdamW is Adam whose weight_decay defaults to 0.004; the base class applies the decay
// (w -= w * weight_decay * lr) before this update, as Keras does for every optimizer.
#include <algorithm>
#include <cmath>

#include "core/parallel.hpp"
#include "optimizers/option_reading.hpp"

namespace simdnn::optimizers {
namespace {

struct AdamOptions {
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
  bool amsgrad = false;
};

class Adam final : public Optimizer {
 public:
  Adam(OptimizerOptions options, AdamOptions adam, bool decoupled)
      : Optimizer(std::move(options)), adam_(adam), decoupled_(decoupled) {}
  std::string name() const override { return decoupled_ ? "AdamW" : "Adam"; }

  Json config() const override {
    Json c = base_config();
    c["beta_1"] = adam_.beta_1;
    c["beta_2"] = adam_.beta_2;
    c["epsilon"] = adam_.epsilon;
    c["amsgrad"] = adam_.amsgrad;
    return c;
  }

 protected:
  std::vector<std::vector<std::string>> slot_groups() const override {
    if (adam_.amsgrad) return {{"momentum", "velocity"}, {"velocity_hat"}};
    return {{"momentum", "velocity"}};
  }

  void update(std::size_t index, Tensor& value, const Tensor& grad, float lr) override {
    const double t = static_cast<double>(local_step());
    const float alpha = static_cast<float>(lr * std::sqrt(1.0 - std::pow(adam_.beta_2, t)) /
                                           (1.0 - std::pow(adam_.beta_1, t)));
    const float keep_1 = static_cast<float>(1.0 - adam_.beta_1);
    const float keep_2 = static_cast<float>(1.0 - adam_.beta_2);
    const float eps = static_cast<float>(adam_.epsilon);
    float* const w = value.data();
    const float* const g = grad.data();
    float* const m = slot(index, 0).data();
    float* const v = slot(index, 1).data();
    float* const v_hat = adam_.amsgrad ? slot(index, 2).data() : nullptr;
    // Each element's update is independent, so any split over threads gives the same bits.
    parallel_for_elements(value.size(), [=](std::size_t begin, std::size_t end) {
      if (v_hat) {
        // Two loops: five arrays in one loop need more runtime alias checks than clang
        // allows, and it would not vectorise.
        for (std::size_t i = begin; i < end; ++i) {
          m[i] += (g[i] - m[i]) * keep_1;
          v[i] += (g[i] * g[i] - v[i]) * keep_2;
          v_hat[i] = std::max(v_hat[i], v[i]);
        }
        for (std::size_t i = begin; i < end; ++i)
          w[i] -= alpha * m[i] / (std::sqrt(v_hat[i]) + eps);
      } else {
        for (std::size_t i = begin; i < end; ++i) {
          m[i] += (g[i] - m[i]) * keep_1;
          v[i] += (g[i] * g[i] - v[i]) * keep_2;
          w[i] -= alpha * m[i] / (std::sqrt(v[i]) + eps);
        }
      }
    });
  }

 private:
  AdamOptions adam_;
  bool decoupled_;
};

std::unique_ptr<Optimizer> make(const Json& config, bool decoupled) {
  const char* class_name = decoupled ? "AdamW" : "Adam";
  ConfigReader reader(config, class_name);
  OptimizerOptions common =
      read_common_options(reader, decoupled ? "adamw" : "adam", 0.001,
                          decoupled ? std::optional<double>(0.004) : std::nullopt);
  AdamOptions adam;
  adam.beta_1 = number_option(reader, "beta_1", adam.beta_1, 0.0, 1.0, true);
  adam.beta_2 = number_option(reader, "beta_2", adam.beta_2, 0.0, 1.0, true);
  adam.epsilon = number_option(reader, "epsilon", adam.epsilon, 0.0, kUnbounded);
  adam.amsgrad = reader.boolean("amsgrad", false);
  reader.finish();
  return std::make_unique<Adam>(std::move(common), adam, decoupled);
}

}  // namespace

std::unique_ptr<Optimizer> make_adam(const Json& config) { return make(config, false); }
std::unique_ptr<Optimizer> make_adamw(const Json& config) { return make(config, true); }

}  // namespace simdnn::optimizers
