// Every loss: value against an independent double-precision formula on a small fixed example
// (synthetic, known-answer data), gradient against central differences, and errors.
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "losses/loss.hpp"

using namespace simdnn;

namespace {

double clip(double p) { return std::min(std::max(p, 1e-7), 1 - 1e-7); }
double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

// Mean over entries of a per-entry function of (pred row, true row) — Keras' reduction.
double mean_over_entries(const Tensor& p, const Tensor& t, std::size_t width,
                         const std::function<double(const float*, const float*, std::size_t)>& f) {
  const std::size_t entries = p.size() / width;
  double total = 0;
  for (std::size_t e = 0; e < entries; ++e) total += f(p.data() + e * width, t.data() + e * width, width);
  return total / entries;
}

void check_gradient(const Loss& loss, Tensor pred, const Tensor& target) {
  Tensor grad;
  loss.compute(pred, target, &grad);
  REQUIRE(grad.shape() == pred.shape());
  for (std::size_t i = 0; i < pred.size(); ++i) {
    const float saved = pred[i];
    const float h = 1e-3f * std::max(0.05f, std::fabs(saved));  // small near 0: log terms curve fast
    pred[i] = saved + h;
    const double up = loss.compute(pred, target, nullptr);
    pred[i] = saved - h;
    const double down = loss.compute(pred, target, nullptr);
    pred[i] = saved;
    const double numeric = (up - down) / (2 * h);
    INFO(loss.name() << " element " << i << " analytic " << grad[i] << " numeric " << numeric);
    REQUIRE(std::fabs(grad[i] - numeric) <= 3e-3 * std::max({1.0, std::fabs(numeric), std::fabs((double)grad[i])}));
  }
}

Tensor random(const Shape& s, Rng& rng, float lo, float hi) {
  Tensor t(s);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = rng.uniform(lo, hi);
  return t;
}

Tensor softmax_rows(const Tensor& logits) {
  Tensor out = logits.clone();
  const std::size_t w = logits.shape().back();
  for (std::size_t r = 0; r < logits.size() / w; ++r) {
    double m = -1e30, s = 0;
    for (std::size_t c = 0; c < w; ++c) m = std::max(m, (double)logits[r * w + c]);
    for (std::size_t c = 0; c < w; ++c) s += std::exp(logits[r * w + c] - m);
    for (std::size_t c = 0; c < w; ++c) out[r * w + c] = std::exp(logits[r * w + c] - m) / s;
  }
  return out;
}

Tensor one_hot_rows(int rows, int classes, Rng& rng) {
  Tensor t({rows, classes});
  for (int r = 0; r < rows; ++r) t[r * classes + rng.below(classes)] = 1.0f;
  return t;
}

}  // namespace

TEST_CASE("regression losses match their Keras formulas and gradients", "[losses]") {
  Rng rng(1);
  for (const Shape& shape : {Shape{3, 5}, Shape{2, 3, 4}}) {
    Tensor p = random(shape, rng, -2, 2), t = random(shape, rng, -2, 2);
    const std::size_t w = shape.back();
    struct Case {
      const char* name;
      std::function<double(double, double)> per_element;  // averaged over the last axis
    };
    const std::vector<Case> cases = {
        {"mse", [](double a, double b) { return (a - b) * (a - b); }},
        {"mae", [](double a, double b) { return std::fabs(a - b); }},
        {"huber", [](double a, double b) {
           const double d = std::fabs(a - b);
           return d <= 1 ? 0.5 * d * d : d - 0.5;
         }},
        {"log_cosh", [](double a, double b) { return std::log(std::cosh(a - b)); }},
    };
    for (const auto& c : cases) {
      auto loss = make_loss(c.name);
      const double expected = mean_over_entries(p, t, w, [&](const float* a, const float* b, std::size_t n) {
        double s = 0;
        for (std::size_t i = 0; i < n; ++i) s += c.per_element(a[i], b[i]);
        return s / n;
      });
      INFO(c.name);
      REQUIRE(loss->compute(p, t, nullptr) == Approx(expected).epsilon(1e-5));
      check_gradient(*loss, p.clone(), t);
    }
  }
}

TEST_CASE("crossentropies on probabilities and on logits", "[losses]") {
  Rng rng(2);
  Tensor logits = random({3, 5}, rng, -3, 3);
  Tensor probs = softmax_rows(logits);
  Tensor target = one_hot_rows(3, 5, rng);
  const double cce = mean_over_entries(probs, target, 5, [](const float* p, const float* t, std::size_t n) {
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) s -= t[i] * std::log(clip(p[i]));
    return s;
  });
  auto cat = make_loss("categoricalCrossentropy");
  REQUIRE(cat->name() == "categorical_crossentropy");
  REQUIRE(cat->compute(probs, target, nullptr) == Approx(cce).epsilon(1e-5));
  check_gradient(*cat, probs.clone(), target);
  auto cat_logits = make_loss("categorical_crossentropy", {{"from_logits", true}});
  REQUIRE(cat_logits->compute(logits, target, nullptr) == Approx(cce).epsilon(1e-4));
  check_gradient(*cat_logits, logits.clone(), target);

  Tensor ids({3});
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 5; ++c)
      if (target[r * 5 + c] == 1.0f) ids[r] = static_cast<float>(c);
  auto sparse = make_loss("sparse_categorical_crossentropy");
  REQUIRE(sparse->compute(probs, ids, nullptr) == Approx(cce).epsilon(1e-5));
  check_gradient(*sparse, probs.clone(), ids);
  auto sparse_logits = make_loss("sparseCategoricalCrossentropy", {{"from_logits", true}});
  REQUIRE(sparse_logits->compute(logits, ids.reshaped({3, 1}), nullptr) == Approx(cce).epsilon(1e-4));

  Tensor bin_logits = random({4, 3}, rng, -4, 4), bin_t({4, 3});
  Tensor bin_p(bin_logits.shape());
  for (std::size_t i = 0; i < bin_t.size(); ++i) {
    bin_t[i] = rng.uniform() < 0.5f ? 0.0f : 1.0f;
    bin_p[i] = static_cast<float>(sigmoid(bin_logits[i]));
  }
  const double bce = mean_over_entries(bin_p, bin_t, 3, [](const float* p, const float* t, std::size_t n) {
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) s -= t[i] * std::log(clip(p[i])) + (1 - t[i]) * std::log(1 - clip(p[i]));
    return s / n;
  });
  auto b = make_loss("binary_crossentropy");
  REQUIRE(b->compute(bin_p, bin_t, nullptr) == Approx(bce).epsilon(1e-5));
  check_gradient(*b, bin_p.clone(), bin_t);
  auto bl = make_loss("binaryCrossentropy", {{"from_logits", true}});
  REQUIRE(bl->compute(bin_logits, bin_t, nullptr) == Approx(bce).epsilon(1e-4));
  check_gradient(*bl, bin_logits.clone(), bin_t);
  // Label smoothing (Keras): targets t * (1 - s) + s / 2 for binary.
  auto smooth = make_loss("binary_crossentropy", {{"label_smoothing", 0.2}});
  Tensor smoothed = bin_t.clone();
  for (std::size_t i = 0; i < smoothed.size(); ++i) smoothed[i] = smoothed[i] * 0.8f + 0.1f;
  REQUIRE(smooth->compute(bin_p, bin_t, nullptr) == Approx(b->compute(bin_p, smoothed, nullptr)).epsilon(1e-5));
}

TEST_CASE("probabilistic and margin losses match Keras", "[losses]") {
  Rng rng(3);
  Tensor p = random({3, 4}, rng, 0.05f, 1.0f), t = random({3, 4}, rng, 0.05f, 1.0f);
  auto kl = make_loss("kld");
  REQUIRE(kl->compute(p, t, nullptr) ==
          Approx(mean_over_entries(p, t, 4, [](const float* a, const float* b, std::size_t n) {
            double s = 0;
            for (std::size_t i = 0; i < n; ++i) s += b[i] * std::log(b[i] / a[i]);
            return s;
          })).epsilon(1e-5));
  check_gradient(*kl, p.clone(), t);
  auto poisson = make_loss("poisson");
  REQUIRE(poisson->compute(p, t, nullptr) ==
          Approx(mean_over_entries(p, t, 4, [](const float* a, const float* b, std::size_t n) {
            double s = 0;
            for (std::size_t i = 0; i < n; ++i) s += a[i] - b[i] * std::log(a[i] + 1e-7);
            return s / n;
          })).epsilon(1e-5));
  check_gradient(*poisson, p.clone(), t);
  Tensor q = random({3, 4}, rng, -2, 2), labels({3, 4});
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = rng.uniform() < 0.5f ? 0.0f : 1.0f;
  for (const char* name : {"hinge", "squared_hinge"}) {
    const bool squared = std::string(name) == "squared_hinge";
    auto loss = make_loss(name);
    const double expected = mean_over_entries(q, labels, 4, [&](const float* a, const float* b, std::size_t n) {
      double s = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const double m = std::max(0.0, 1.0 - (2.0 * b[i] - 1.0) * a[i]);  // {0,1} labels become {-1,1}
        s += squared ? m * m : m;
      }
      return s / n;
    });
    INFO(name);
    REQUIRE(loss->compute(q, labels, nullptr) == Approx(expected).epsilon(1e-5));
    check_gradient(*loss, q.clone(), labels);
  }
  auto cosine = make_loss("cosine_similarity");
  Tensor t2 = random({3, 4}, rng, -2, 2);
  REQUIRE(cosine->compute(q, t2, nullptr) ==
          Approx(mean_over_entries(q, t2, 4, [](const float* a, const float* b, std::size_t n) {
            double ab = 0, aa = 0, bb = 0;
            for (std::size_t i = 0; i < n; ++i) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
            return -ab / (std::sqrt(aa) * std::sqrt(bb));
          })).epsilon(1e-4));
  check_gradient(*cosine, q.clone(), t2);
}

TEST_CASE("loss errors name the loss, the expected and the actual", "[losses]") {
  Tensor p({3, 4}), t({3, 5}), ids = Tensor::from({3}, std::vector<float>{0, 4, 1});
  REQUIRE_THROWS_WITH(make_loss("mse")->compute(p, t, nullptr),
                      Catch::Contains("mean_squared_error") && Catch::Contains("[3, 4]") && Catch::Contains("[3, 5]"));
  REQUIRE_THROWS_WITH(make_loss("sparse_categorical_crossentropy")->compute(p, ids, nullptr),
                      Catch::Contains("out of range"));
  REQUIRE_THROWS_WITH(make_loss("meanSquaredErr"), Catch::Contains("unknown loss 'meanSquaredErr'"));
  REQUIRE_THROWS_WITH(make_loss("binary_crossentropy", {{"form_logits", true}}), Catch::Contains("unknown option 'form_logits'"));
  REQUIRE(loss_names().size() == 12);
}
