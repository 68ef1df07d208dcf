// Regression losses: mean_squared_error, mean_absolute_error, huber, log_cosh,
// cosine_similarity. Definitions follow keras/src/losses/losses.py (Keras 3).
#include <cmath>

#include "losses/loss_support.hpp"

namespace simdnn::losses {
namespace {

class MeanSquaredError final : public Loss {
 public:
  std::string name() const override { return "mean_squared_error"; }
  float compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const override {
    return mean_of_elementwise(name(), y_pred, y_true, grad, [](float p, float t, float& dp) {
      const float e = p - t;
      dp = 2.0f * e;
      return e * e;
    });
  }
};

class MeanAbsoluteError final : public Loss {
 public:
  std::string name() const override { return "mean_absolute_error"; }
  float compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const override {
    return mean_of_elementwise(name(), y_pred, y_true, grad, [](float p, float t, float& dp) {
      const float e = p - t;
      dp = sign_of(e);  // TensorFlow's gradient of abs is sign, 0 at 0
      return std::fabs(e);
    });
  }
};

// Quadratic within delta of the target, linear beyond.
class Huber final : public Loss {
 public:
  explicit Huber(double delta) : delta_(delta) {}
  std::string name() const override { return "huber"; }
  float compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const override {
    const float delta = static_cast<float>(delta_);
    return mean_of_elementwise(name(), y_pred, y_true, grad, [delta](float p, float t, float& dp) {
      const float e = p - t;
      const float a = std::fabs(e);
      if (a <= delta) {
        dp = e;
        return 0.5f * e * e;
      }
      dp = delta * sign_of(e);
      return delta * a - 0.5f * delta * delta;
    });
  }
  Json config() const override {
    Json c = Loss::config();
    c["delta"] = delta_;
    return c;
  }

 private:
  double delta_;
};

// log(cosh(x)) written as Keras does, x + softplus(-2x) - log 2, which cannot overflow.
class LogCosh final : public Loss {
 public:
  std::string name() const override { return "log_cosh"; }
  float compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const override {
    const float log2 = std::log(2.0f);
    return mean_of_elementwise(name(), y_pred, y_true, grad, [log2](float p, float t, float& dp) {
      const float x = p - t;
      dp = std::tanh(x);
      return x + softplus(-2.0f * x) - log2;
    });
  }
};

// -sum(l2_normalize(y_true) * l2_normalize(y_pred)) over the last axis. Keras normalises
// with x * min(rsqrt(sum x^2), 1/eps), i.e. x / max(|x|, eps).
class CosineSimilarity final : public Loss {
 public:
  std::string name() const override { return "cosine_similarity"; }
  float compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const override {
    const EntryLayout layout = check_dense_targets(name(), y_pred, y_true);
    float* g = prepare_grad(y_pred, grad);
    if (layout.entries == 0) return 0.0f;
    const float scale = 1.0f / static_cast<float>(layout.entries);
    double total = 0.0;
    for (std::size_t e = 0; e < layout.entries; ++e) {
      const float* p = y_pred.data() + e * layout.width;
      const float* t = y_true.data() + e * layout.width;
      float pp = 0.0f, tt = 0.0f, pt = 0.0f;
      for (std::size_t j = 0; j < layout.width; ++j) {
        pp += p[j] * p[j];
        tt += t[j] * t[j];
        pt += p[j] * t[j];
      }
      const float p_norm = std::sqrt(pp);
      const float p_div = std::max(p_norm, kEpsilon);
      const float t_div = std::max(std::sqrt(tt), kEpsilon);
      const float cosine = pt / (p_div * t_div);
      total -= cosine;
      if (!g) continue;
      float* gr = g + e * layout.width;
      // d/dp of -(t/|t|).(p/|p|) is -(t/|t| - cosine * p/|p|) / |p|; below eps the
      // normaliser is the constant 1/eps, so only the first term remains.
      const bool normalising = p_norm > kEpsilon;
      for (std::size_t j = 0; j < layout.width; ++j) {
        const float a = t[j] / t_div;
        const float b = normalising ? cosine * p[j] / p_div : 0.0f;
        gr[j] = -(a - b) / p_div * scale;
      }
    }
    return static_cast<float>(total / static_cast<double>(layout.entries));
  }
  Json config() const override {
    Json c = Loss::config();
    c["axis"] = -1;
    return c;
  }
};

}  // namespace

std::unique_ptr<Loss> make_mean_squared_error(ConfigReader&) {
  return std::make_unique<MeanSquaredError>();
}
std::unique_ptr<Loss> make_mean_absolute_error(ConfigReader&) {
  return std::make_unique<MeanAbsoluteError>();
}
std::unique_ptr<Loss> make_huber(ConfigReader& reader) {
  const double delta = number_option(reader, "delta", 1.0, 0.0, 1e30);
  check(delta > 0.0, reader.context(), ": option 'delta' must be positive, got ", delta);
  return std::make_unique<Huber>(delta);
}
std::unique_ptr<Loss> make_log_cosh(ConfigReader&) { return std::make_unique<LogCosh>(); }
std::unique_ptr<Loss> make_cosine_similarity(ConfigReader& reader) {
  last_axis_only(reader);
  return std::make_unique<CosineSimilarity>();
}

}  // namespace simdnn::losses
