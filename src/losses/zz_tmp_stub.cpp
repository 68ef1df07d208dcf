// TEMPORARY (not committed): stand-in losses to debug model code until the losses land.
#include <cmath>
#include "core/error.hpp"
#include "losses/loss.hpp"
namespace simdnn {
Json Loss::config() const { return {{"name", name()}}; }
namespace {
struct Mse : Loss {
  std::string name() const override { return "mean_squared_error"; }
  float compute(const Tensor& p, const Tensor& t, Tensor* g) const override {
    check(p.size() == t.size(), "mse shape");
    double s = 0; const std::size_t last = p.shape().back(); const double n = p.size() / last;
    if (g) g->resize(p.shape());
    for (std::size_t i = 0; i < p.size(); ++i) { double d = p[i] - t[i]; s += d * d; if (g) (*g)[i] = 2 * d / (n * last); }
    return s / (n * last);
  }
};
struct Bce : Loss {
  std::string name() const override { return "binary_crossentropy"; }
  float compute(const Tensor& p, const Tensor& t, Tensor* g) const override {
    double s = 0; const double cnt = p.size(); if (g) g->resize(p.shape());
    for (std::size_t i = 0; i < p.size(); ++i) { double q = std::min(std::max((double)p[i], 1e-7), 1 - 1e-7);
      s += -(t[i] * std::log(q) + (1 - t[i]) * std::log(1 - q)); if (g) (*g)[i] = (-(t[i] / q) + (1 - t[i]) / (1 - q)) / cnt; }
    return s / cnt;
  }
};
struct Cce : Loss {
  std::string name() const override { return "categorical_crossentropy"; }
  float compute(const Tensor& p, const Tensor& t, Tensor* g) const override {
    double s = 0; const std::size_t last = p.shape().back(); const double n = p.size() / last; if (g) g->resize(p.shape());
    for (std::size_t i = 0; i < p.size(); ++i) { double q = std::min(std::max((double)p[i], 1e-7), 1 - 1e-7);
      s += -t[i] * std::log(q); if (g) (*g)[i] = -t[i] / q / n; }
    return s / n;
  }
};
}
std::unique_ptr<Loss> make_loss(const std::string& name, const Json&) {
  if (name == "mse" || name == "meanSquaredError") return std::make_unique<Mse>();
  if (name == "binary_crossentropy" || name == "binaryCrossentropy") return std::make_unique<Bce>();
  if (name == "categorical_crossentropy" || name == "categoricalCrossentropy") return std::make_unique<Cce>();
  fail("unknown loss '", name, "'");
}
}
