// RMSprop (keras/src/optimizers/rmsprop.py). Note epsilon sits inside the square root:
//   s = rho * s + (1 - rho) * g^2
//   centered: a = rho * a + (1 - rho) * g;  denominator = s - a^2 + eps, else s + eps
//   step = lr * g / sqrt(denominator)
//   momentum > 0: mom = momentum * mom + step; w -= mom, else w -= step
#include <cmath>

#include "optimizers/option_reading.hpp"

namespace simdnn::optimizers {
namespace {

class RMSprop final : public Optimizer {
 public:
  RMSprop(OptimizerOptions options, double rho, double momentum, double epsilon, bool centered)
      : Optimizer(std::move(options)),
        rho_(rho),
        momentum_(momentum),
        epsilon_(epsilon),
        centered_(centered) {}
  std::string name() const override { return "RMSprop"; }

  Json config() const override {
    Json c = base_config();
    c["rho"] = rho_;
    c["momentum"] = momentum_;
    c["epsilon"] = epsilon_;
    c["centered"] = centered_;
    return c;
  }

 protected:
  // Keras creates velocities, then momentums (if momentum > 0), then average gradients.
  std::vector<std::vector<std::string>> slot_groups() const override {
    std::vector<std::vector<std::string>> groups = {{"velocity"}};
    if (momentum_ > 0.0) groups.push_back({"momentum"});
    if (centered_) groups.push_back({"average_gradient"});
    return groups;
  }

  void update(std::size_t index, Tensor& value, const Tensor& grad, float lr) override {
    float* w = value.data();
    const float* g = grad.data();
    const std::size_t n = value.size();
    const float rho = static_cast<float>(rho_);
    const float keep = 1.0f - rho;
    const float eps = static_cast<float>(epsilon_);
    float* s = slot(index, 0).data();
    std::size_t next_slot = 1;
    float* mom = momentum_ > 0.0 ? slot(index, next_slot++).data() : nullptr;
    float* avg = centered_ ? slot(index, next_slot).data() : nullptr;
    // One loop per variant: each stays branch-free, so the compiler vectorises it.
    const float m = static_cast<float>(momentum_);
    if (avg && mom) {
      // Split like Adam's amsgrad loop: five arrays at once would not vectorise.
      for (std::size_t i = 0; i < n; ++i) {
        s[i] = rho * s[i] + keep * g[i] * g[i];
        avg[i] = rho * avg[i] + keep * g[i];
      }
      for (std::size_t i = 0; i < n; ++i) {
        mom[i] = m * mom[i] + lr * g[i] / std::sqrt(s[i] - avg[i] * avg[i] + eps);
        w[i] -= mom[i];
      }
    } else if (avg) {
      for (std::size_t i = 0; i < n; ++i) {
        s[i] = rho * s[i] + keep * g[i] * g[i];
        avg[i] = rho * avg[i] + keep * g[i];
        w[i] -= lr * g[i] / std::sqrt(s[i] - avg[i] * avg[i] + eps);
      }
    } else if (mom) {
      for (std::size_t i = 0; i < n; ++i) {
        s[i] = rho * s[i] + keep * g[i] * g[i];
        mom[i] = m * mom[i] + lr * g[i] / std::sqrt(s[i] + eps);
        w[i] -= mom[i];
      }
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        s[i] = rho * s[i] + keep * g[i] * g[i];
        w[i] -= lr * g[i] / std::sqrt(s[i] + eps);
      }
    }
  }

 private:
  double rho_, momentum_, epsilon_;
  bool centered_;
};

}  // namespace

std::unique_ptr<Optimizer> make_rmsprop(const Json& config) {
  ConfigReader reader(config, "RMSprop");
  OptimizerOptions common = read_common_options(reader, "rmsprop", 0.001, std::nullopt);
  const double rho = number_option(reader, "rho", 0.9, 0.0, 1.0);
  const double momentum = number_option(reader, "momentum", 0.0, 0.0, 1.0);
  const double epsilon = number_option(reader, "epsilon", 1e-7, 0.0, kUnbounded);
  const bool centered = reader.boolean("centered", false);
  reader.finish();
  return std::make_unique<RMSprop>(std::move(common), rho, momentum, epsilon, centered);
}

}  // namespace simdnn::optimizers
