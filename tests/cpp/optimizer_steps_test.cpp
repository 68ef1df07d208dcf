// One- and three-step golden tests per optimizer: the expected values come from the Keras
// update rules written out in double precision here, independently of the implementation.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <functional>

#include "core/error.hpp"
#include "optimizers/optimizer.hpp"

using namespace simdnn;

namespace {
struct Fixture {
  Tensor w = Tensor::from({3}, std::vector<float>{0.5f, -1.0f, 2.0f});
  Tensor g = Tensor::from({3}, std::vector<float>{0.1f, -0.3f, 0.7f});
  std::vector<Param> params() { return {Param{"kernel", &w, &g, true}}; }
};

void run(const char* name, Json config, int steps, const std::function<double(double, double, int)>& expected) {
  Fixture f;
  auto opt = make_optimizer(name, config);
  const std::vector<double> w0(f.w.span().begin(), f.w.span().end());
  for (int s = 0; s < steps; ++s) opt->step(f.params());
  for (int i = 0; i < 3; ++i) {
    INFO(name << " " << config.dump() << " element " << i);
    REQUIRE(f.w[i] == Approx(expected(w0[i], f.g[i], steps)).epsilon(1e-5).margin(1e-7));
  }
  REQUIRE(opt->iterations() == steps);
}
}  // namespace

TEST_CASE("SGD plain, momentum and nesterov follow Keras", "[optimizers]") {
  run("sgd", Json::object(), 1, [](double w, double g, int) { return w - 0.01 * g; });
  run("SGD", {{"learning_rate", 0.1}, {"momentum", 0.9}}, 3, [](double w, double g, int n) {
    double m = 0;
    for (int t = 0; t < n; ++t) { m = 0.9 * m - 0.1 * g; w += m; }
    return w;
  });
  run("sgd", {{"learning_rate", 0.1}, {"momentum", 0.9}, {"nesterov", true}}, 3, [](double w, double g, int n) {
    double m = 0;
    for (int t = 0; t < n; ++t) { m = 0.9 * m - 0.1 * g; w += 0.9 * m - 0.1 * g; }
    return w;
  });
}

TEST_CASE("RMSprop plain, centered and with momentum follow Keras", "[optimizers]") {
  for (bool centered : {false, true}) {
    for (double mom : {0.0, 0.5}) {
      run("rmsprop", {{"centered", centered}, {"momentum", mom}}, 3, [=](double w, double g, int n) {
        double v = 0, avg = 0, m = 0;
        for (int t = 0; t < n; ++t) {
          v = 0.9 * v + 0.1 * g * g;
          double denom = v + 1e-7;
          if (centered) { avg = 0.9 * avg + 0.1 * g; denom = v - avg * avg + 1e-7; }
          const double inc = 0.001 * g / std::sqrt(denom);
          if (mom > 0) { m = mom * m + inc; w -= m; } else { w -= inc; }
        }
        return w;
      });
    }
  }
}

TEST_CASE("Adam, AMSGrad and AdamW follow Keras", "[optimizers]") {
  auto adam = [](double wd, bool ams) {
    return [=](double w, double g, int n) {
      double m = 0, v = 0, vhat = 0;
      for (int t = 1; t <= n; ++t) {
        w -= w * wd * 0.001;
        const double alpha = 0.001 * std::sqrt(1 - std::pow(0.999, t)) / (1 - std::pow(0.9, t));
        m += (g - m) * 0.1;
        v += (g * g - v) * 0.001;
        vhat = std::max(vhat, v);
        w -= alpha * m / (std::sqrt(ams ? vhat : v) + 1e-7);
      }
      return w;
    };
  };
  run("adam", Json::object(), 1, adam(0, false));
  run("Adam", Json::object(), 3, adam(0, false));
  run("adam", {{"amsgrad", true}}, 3, adam(0, true));
  run("adamw", Json::object(), 3, adam(0.004, false));
}

TEST_CASE("Adagrad and Adadelta follow Keras", "[optimizers]") {
  run("adagrad", Json::object(), 3, [](double w, double g, int n) {
    double acc = 0.1;
    for (int t = 0; t < n; ++t) { acc += g * g; w -= 0.001 * g / std::sqrt(acc + 1e-7); }
    return w;
  });
  run("adadelta", {{"learning_rate", 1.0}}, 3, [](double w, double g, int n) {
    double ag = 0, ad = 0;
    for (int t = 0; t < n; ++t) {
      ag = 0.95 * ag + 0.05 * g * g;
      const double d = -std::sqrt(ad + 1e-7) * g / std::sqrt(ag + 1e-7);
      ad = 0.95 * ad + 0.05 * d * d;
      w += d;
    }
    return w;
  });
}

TEST_CASE("learning rate changes take effect at the next step", "[optimizers]") {
  Fixture f;
  auto opt = make_optimizer("sgd", {{"learning_rate", 0.1}});
  opt->step(f.params());
  opt->set_learning_rate(0.0f);
  const float before = f.w[0];
  opt->step(f.params());
  REQUIRE(f.w[0] == before);
  REQUIRE_THROWS_WITH(opt->set_learning_rate(-1.0f), Catch::Contains("learning_rate"));
}

TEST_CASE("clipnorm and clipvalue bound the gradient", "[optimizers]") {
  run("sgd", {{"learning_rate", 1.0}, {"clipvalue", 0.2}}, 1,
      [](double w, double g, int) { return w - std::clamp(g, -0.2, 0.2); });
  const double norm = std::sqrt(0.01 + 0.09 + 0.49);
  run("sgd", {{"learning_rate", 1.0}, {"clipnorm", 0.5}}, 1,
      [=](double w, double g, int) { return w - g * 0.5 / norm; });
}

TEST_CASE("optimizer misuse gives clear errors", "[optimizers]") {
  REQUIRE_THROWS_WITH(make_optimizer("adamm"), Catch::Contains("unknown optimizer 'adamm'"));
  REQUIRE_THROWS_WITH(make_optimizer("adam", {{"beta1", 0.9}}), Catch::Contains("unknown option 'beta1'"));
  REQUIRE_THROWS_WITH(make_optimizer("adam", {{"beta_1", 1.5}}), Catch::Contains("beta_1"));
  REQUIRE_THROWS_WITH(make_optimizer("sgd", {{"learning_rate", -0.1}}), Catch::Contains("learning_rate"));
  Fixture f, other;
  auto opt = make_optimizer("adam");
  opt->step(f.params());
  REQUIRE_THROWS_WITH(opt->step(other.params()), Catch::Contains("not the one its state belongs to"));
  REQUIRE_THROWS_WITH(opt->step({}), Catch::Contains("got 0 parameters"));
}

TEST_CASE("optimizers minimise a quadratic", "[optimizers]") {
  for (const char* name : {"sgd", "rmsprop", "adam", "adamw", "adagrad"}) {
    Tensor w({4}, 3.0f), g({4});
    auto opt = make_optimizer(name, {{"learning_rate", 0.1}});
    std::vector<Param> ps{Param{"w", &w, &g, true}};
    for (int s = 0; s < 500; ++s) {
      for (int i = 0; i < 4; ++i) g[i] = 2 * (w[i] - 1.0f);  // d/dw (w-1)^2
      opt->step(ps);
    }
    INFO(name);
    for (int i = 0; i < 4; ++i) REQUIRE(w[i] == Approx(1.0).margin(0.05));
  }
}
