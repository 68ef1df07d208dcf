// The optimizer family: Keras 3 update rules, written as flat loops the compiler vectorises.
#include <cmath>

#include "core/error.hpp"
#include "layers/config_reader.hpp"
#include "optimizers/optimizer.hpp"

namespace simdnn {
namespace {

class Sgd : public Optimizer {
 public:
  Sgd(float lr, float momentum, bool nesterov) : Optimizer(lr), momentum_(momentum), nesterov_(nesterov) {}
  std::string name() const override { return "SGD"; }
  Json config() const override {
    Json c = Optimizer::config();
    c["momentum"] = momentum_;
    c["nesterov"] = nesterov_;
    return c;
  }

 protected:
  int slots_per_param() const override { return momentum_ > 0 ? 1 : 0; }
  void update(float* w, const float* g, std::size_t n, Tensor* slots, float lr, std::int64_t) override {
    if (momentum_ == 0.0f) {
      for (std::size_t i = 0; i < n; ++i) w[i] -= lr * g[i];
      return;
    }
    float* m = slots[0].data();
    for (std::size_t i = 0; i < n; ++i) {
      m[i] = momentum_ * m[i] - lr * g[i];
      w[i] += nesterov_ ? momentum_ * m[i] - lr * g[i] : m[i];
    }
  }

 private:
  float momentum_;
  bool nesterov_;
};

class RmsProp : public Optimizer {
 public:
  RmsProp(float lr, float rho, float momentum, float eps, bool centered)
      : Optimizer(lr), rho_(rho), momentum_(momentum), eps_(eps), centered_(centered) {}
  std::string name() const override { return "RMSprop"; }
  Json config() const override {
    Json c = Optimizer::config();
    c.update({{"rho", rho_}, {"momentum", momentum_}, {"epsilon", eps_}, {"centered", centered_}});
    return c;
  }

 protected:
  int slots_per_param() const override { return 3; }  // velocity, momentum, average gradient
  void update(float* w, const float* g, std::size_t n, Tensor* slots, float lr, std::int64_t) override {
    float* v = slots[0].data();
    float* m = slots[1].data();
    float* avg = slots[2].data();
    for (std::size_t i = 0; i < n; ++i) {
      v[i] = rho_ * v[i] + (1 - rho_) * g[i] * g[i];
      float denom = v[i] + eps_;
      if (centered_) {
        avg[i] = rho_ * avg[i] + (1 - rho_) * g[i];
        denom = v[i] - avg[i] * avg[i] + eps_;
      }
      const float increment = lr * g[i] / std::sqrt(denom);
      if (momentum_ > 0) {
        m[i] = momentum_ * m[i] + increment;
        w[i] -= m[i];
      } else {
        w[i] -= increment;
      }
    }
  }

 private:
  float rho_, momentum_, eps_;
  bool centered_;
};

class Adam : public Optimizer {
 public:
  Adam(float lr, float b1, float b2, float eps, bool amsgrad, bool decoupled_name)
      : Optimizer(lr), b1_(b1), b2_(b2), eps_(eps), amsgrad_(amsgrad), adamw_(decoupled_name) {}
  std::string name() const override { return adamw_ ? "AdamW" : "Adam"; }
  Json config() const override {
    Json c = Optimizer::config();
    c.update({{"beta_1", b1_}, {"beta_2", b2_}, {"epsilon", eps_}, {"amsgrad", amsgrad_}});
    return c;
  }

 protected:
  int slots_per_param() const override { return amsgrad_ ? 3 : 2; }
  void update(float* w, const float* g, std::size_t n, Tensor* slots, float lr, std::int64_t t) override {
    const double td = static_cast<double>(t);
    const float alpha = static_cast<float>(lr * std::sqrt(1.0 - std::pow(static_cast<double>(b2_), td)) /
                                           (1.0 - std::pow(static_cast<double>(b1_), td)));
    float* m = slots[0].data();
    float* v = slots[1].data();
    float* vhat = amsgrad_ ? slots[2].data() : nullptr;
    for (std::size_t i = 0; i < n; ++i) {
      m[i] += (g[i] - m[i]) * (1 - b1_);
      v[i] += (g[i] * g[i] - v[i]) * (1 - b2_);
      float second = v[i];
      if (vhat) second = vhat[i] = std::max(vhat[i], v[i]);
      w[i] -= alpha * m[i] / (std::sqrt(second) + eps_);
    }
  }

 private:
  float b1_, b2_, eps_;
  bool amsgrad_, adamw_;
};

class Adagrad : public Optimizer {
 public:
  Adagrad(float lr, float initial, float eps) : Optimizer(lr), initial_(initial), eps_(eps) {}
  std::string name() const override { return "Adagrad"; }
  Json config() const override {
    Json c = Optimizer::config();
    c.update({{"initial_accumulator_value", initial_}, {"epsilon", eps_}});
    return c;
  }

 protected:
  int slots_per_param() const override { return 1; }
  float initial_slot_value(int) const override { return initial_; }
  void update(float* w, const float* g, std::size_t n, Tensor* slots, float lr, std::int64_t) override {
    float* acc = slots[0].data();
    for (std::size_t i = 0; i < n; ++i) {
      acc[i] += g[i] * g[i];
      w[i] -= lr * g[i] / std::sqrt(acc[i] + eps_);
    }
  }

 private:
  float initial_, eps_;
};

class Adadelta : public Optimizer {
 public:
  Adadelta(float lr, float rho, float eps) : Optimizer(lr), rho_(rho), eps_(eps) {}
  std::string name() const override { return "Adadelta"; }
  Json config() const override {
    Json c = Optimizer::config();
    c.update({{"rho", rho_}, {"epsilon", eps_}});
    return c;
  }

 protected:
  int slots_per_param() const override { return 2; }  // accumulated grad, accumulated delta
  void update(float* w, const float* g, std::size_t n, Tensor* slots, float lr, std::int64_t) override {
    float* acc_g = slots[0].data();
    float* acc_d = slots[1].data();
    for (std::size_t i = 0; i < n; ++i) {
      acc_g[i] = rho_ * acc_g[i] + (1 - rho_) * g[i] * g[i];
      const float delta = -std::sqrt(acc_d[i] + eps_) * g[i] / std::sqrt(acc_g[i] + eps_);
      acc_d[i] = rho_ * acc_d[i] + (1 - rho_) * delta * delta;
      w[i] += lr * delta;
    }
  }

 private:
  float rho_, eps_;
};

std::string canonical(const std::string& name) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

}  // namespace

std::unique_ptr<Optimizer> make_optimizer(const std::string& name, const Json& config) {
  const std::string kind = canonical(name);
  const char* known = "SGD, RMSprop, Adam, AdamW, Adagrad, Adadelta";
  std::string display = name;
  if (kind == "sgd") display = "SGD";
  else if (kind == "rmsprop") display = "RMSprop";
  else if (kind == "adam") display = "Adam";
  else if (kind == "adamw") display = "AdamW";
  else if (kind == "adagrad") display = "Adagrad";
  else if (kind == "adadelta") display = "Adadelta";
  else fail("unknown optimizer '", name, "'; known optimizers: ", known);

  ConfigReader r(config, display);
  const bool is_adam = kind == "adam" || kind == "adamw";
  const float default_lr = kind == "sgd" ? 0.01f : 0.001f;
  const float lr = r.number_in("learning_rate", default_lr, 0.0f, 1e6f);
  const float eps = r.number_in("epsilon", 1e-7f, 0.0f, 1.0f);
  std::unique_ptr<Optimizer> opt;
  if (kind == "sgd") {
    opt = std::make_unique<Sgd>(lr, r.number_in("momentum", 0.0f, 0.0f, 1.0f), r.boolean("nesterov", false));
  } else if (kind == "rmsprop") {
    opt = std::make_unique<RmsProp>(lr, r.number_in("rho", 0.9f, 0.0f, 1.0f), r.number_in("momentum", 0.0f, 0.0f, 1.0f),
                                    eps, r.boolean("centered", false));
  } else if (is_adam) {
    const float b1 = r.number_in("beta_1", 0.9f, 0.0f, 0.999999f);
    const float b2 = r.number_in("beta_2", 0.999f, 0.0f, 0.999999f);
    opt = std::make_unique<Adam>(lr, b1, b2, eps, r.boolean("amsgrad", false), kind == "adamw");
  } else if (kind == "adagrad") {
    opt = std::make_unique<Adagrad>(lr, r.number_in("initial_accumulator_value", 0.1f, 0.0f, 1e6f), eps);
  } else {
    opt = std::make_unique<Adadelta>(lr, r.number_in("rho", 0.95f, 0.0f, 1.0f), eps);
  }
  opt->weight_decay_ = r.number_in("weight_decay", kind == "adamw" ? 0.004f : 0.0f, 0.0f, 1.0f);
  opt->clipnorm_ = r.number_in("clipnorm", 0.0f, 0.0f, 1e9f);
  opt->clipvalue_ = r.number_in("clipvalue", 0.0f, 0.0f, 1e9f);
  r.string("name", display);
  r.finish();
  return opt;
}

}  // namespace simdnn
