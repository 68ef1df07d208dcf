// Poisson and Kullback-Leibler divergence, as in keras/src/losses/losses.py (Keras 3).
#include <cmath>

#include "losses/loss_support.hpp"

namespace simdnn::losses {
namespace {

// mean(y_pred - y_true * log(y_pred + eps), axis=-1)
class Poisson final : public Loss {
 public:
  std::string name() const override { return "poisson"; }
  float compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const override {
    return mean_of_elementwise(name(), y_pred, y_true, grad, [](float p, float t, float& dp) {
      const float shifted = p + kEpsilon;
      dp = 1.0f - t / shifted;
      return p - t * std::log(shifted);
    });
  }
};

// sum(t * log(t / p), axis=-1) with both clipped to [eps, 1]: a sum, not a mean, over the
// last axis, so the batch loss divides by the number of entries rather than elements.
class KLDivergence final : public Loss {
 public:
  std::string name() const override { return "kl_divergence"; }
  float compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const override {
    const EntryLayout layout = check_dense_targets(name(), y_pred, y_true);
    float* g = prepare_grad(y_pred, grad);
    if (layout.entries == 0) return 0.0f;
    const float scale = 1.0f / static_cast<float>(layout.entries);
    const float* p = y_pred.data();
    const float* t = y_true.data();
    double total = 0.0;
    for (std::size_t i = 0; i < layout.size(); ++i) {
      const float tc = std::min(std::max(t[i], kEpsilon), 1.0f);
      const float pc = std::min(std::max(p[i], kEpsilon), 1.0f);
      total += static_cast<double>(tc * std::log(tc / pc));
      if (g) g[i] = inside(p[i], kEpsilon, 1.0f) ? -tc / pc * scale : 0.0f;
    }
    return static_cast<float>(total / static_cast<double>(layout.entries));
  }
};

}  // namespace

std::unique_ptr<Loss> make_poisson(ConfigReader&) { return std::make_unique<Poisson>(); }
std::unique_ptr<Loss> make_kl_divergence(ConfigReader&) {
  return std::make_unique<KLDivergence>();
}

}  // namespace simdnn::losses
