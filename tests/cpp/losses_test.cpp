// Loss tests. All data here is synthetic known-answer data: small fixed examples whose values
// are either worked out by hand (several are the examples in the Keras documentation) or
// recomputed in the test by a plain double-precision formula written independently of the
// implementation, plus seeded random inputs for the gradient checks.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/tensor.hpp"
#include "losses/loss.hpp"

using namespace simdnn;

namespace {

constexpr double kEps = 1e-7;

Tensor make(Shape shape, std::vector<float> values) { return Tensor::from(shape, values); }

float value_of(const std::string& name, const Tensor& pred, const Tensor& truth,
               const Json& config = Json::object()) {
  return make_loss(name, config)->compute(pred, truth, nullptr);
}

Tensor random_tensor(Shape shape, Rng& rng, const std::function<float(Rng&)>& draw) {
  Tensor t(shape);
  for (float& v : t.span()) v = draw(rng);
  return t;
}

// Central differences of the loss as the engine computes it, against its analytic gradient.
// The divisor is the perturbation actually applied after rounding to float.
void check_gradient(const Loss& loss, const Tensor& pred_in, const Tensor& truth,
                    double atol = 1e-4, double rtol = 1e-3) {
  Tensor pred = pred_in.clone();
  Tensor grad;
  const float value = loss.compute(pred, truth, &grad);
  REQUIRE(grad.shape() == pred.shape());
  REQUIRE(loss.compute(pred, truth, nullptr) == value);
  const float h = 2e-3f;
  for (std::size_t i = 0; i < pred.size(); ++i) {
    const float x = pred[i];
    pred[i] = x + h;
    const float x_plus = pred[i];
    const double plus = loss.compute(pred, truth, nullptr);
    pred[i] = x - h;
    const float x_minus = pred[i];
    const double minus = loss.compute(pred, truth, nullptr);
    pred[i] = x;
    const double numeric = (plus - minus) / (static_cast<double>(x_plus) - x_minus);
    INFO(loss.name() << " " << loss.config().dump() << " element " << i << ": analytic "
                     << grad[i] << ", numeric " << numeric);
    CHECK(std::fabs(numeric - grad[i]) <= atol + rtol * std::fabs(grad[i]));
  }
}

double clip(double p, double low, double high) { return std::min(std::max(p, low), high); }

// Mean over every element of term(p, t): what Keras' mean-over-last-axis losses reduce to.
double mean_term(const Tensor& pred, const Tensor& truth,
                 const std::function<double(double, double)>& term) {
  double sum = 0.0;
  for (std::size_t i = 0; i < pred.size(); ++i) sum += term(pred[i], truth[i]);
  return sum / static_cast<double>(pred.size());
}

// Mean over rows (last axis of `width`) of row_loss(p_row, t_row).
double mean_rows(const Tensor& pred, const Tensor& truth, std::size_t width,
                 const std::function<double(const float*, const float*)>& row_loss) {
  const std::size_t rows = pred.size() / width;
  double sum = 0.0;
  for (std::size_t r = 0; r < rows; ++r)
    sum += row_loss(pred.data() + r * width, truth.data() + r * width);
  return sum / static_cast<double>(rows);
}

}  // namespace

TEST_CASE("losses match the worked examples of the Keras documentation", "[losses]") {
  const Tensor t01 = make({2, 2}, {0, 1, 0, 0});
  const Tensor p46 = make({2, 2}, {0.6f, 0.4f, 0.4f, 0.6f});
  CHECK(value_of("mse", make({2, 2}, {1, 1, 1, 0}), t01) == Approx(0.5));
  CHECK(value_of("mae", make({2, 2}, {1, 1, 1, 0}), t01) == Approx(0.5));
  CHECK(value_of("binary_crossentropy", p46, t01) == Approx(0.81492).epsilon(1e-4));
  CHECK(value_of("huber", p46, t01) == Approx(0.155).epsilon(1e-5));
  CHECK(value_of("log_cosh", make({2, 2}, {1, 1, 0, 0}), t01) == Approx(0.10844).epsilon(1e-4));
  CHECK(value_of("kl_divergence", p46, t01) == Approx(0.45814).epsilon(1e-4));
  CHECK(value_of("poisson", make({2, 2}, {1, 1, 0, 0}), t01) == Approx(0.5).epsilon(1e-6));
  CHECK(value_of("hinge", p46, t01) == Approx(1.3));
  CHECK(value_of("squared_hinge", p46, t01) == Approx(1.86));
  CHECK(value_of("cosine_similarity", make({2, 2}, {1, 0, 1, 1}), make({2, 2}, {0, 1, 1, 1})) ==
        Approx(-0.5).epsilon(1e-6));
  // A zero probability in a non-target class is clipped, not a NaN.
  const Tensor probs = make({2, 3}, {0.05f, 0.95f, 0.0f, 0.1f, 0.8f, 0.1f});
  CHECK(value_of("categorical_crossentropy", probs, make({2, 3}, {0, 1, 0, 0, 0, 1})) ==
        Approx(1.1769392).epsilon(1e-5));
  CHECK(value_of("sparse_categorical_crossentropy", probs, make({2}, {1, 2})) ==
        Approx(1.1769392).epsilon(1e-5));
  // TF's example with an unnormalised row: clip, log, then a softmax renormalises it.
  CHECK(value_of("sparse_categorical_crossentropy",
                 make({3, 3}, {0.9f, 0.05f, 0.05f, 0.5f, 0.89f, 0.6f, 0.05f, 0.01f, 0.94f}),
                 make({3}, {0, 1, 2})) == Approx(0.3239).epsilon(1e-3));
}

TEST_CASE("loss values equal straightforward double-precision formulas", "[losses]") {
  const Tensor pred = make({2, 3}, {0.2f, 0.7f, 0.1f, 0.45f, 0.35f, 0.9f});
  const Tensor truth = make({2, 3}, {0, 1, 0, 1, 0, 1});
  const Tensor targets = make({2, 3}, {0.5f, -1.25f, 2.0f, 0.0f, 3.5f, -0.75f});
  const Tensor logits = make({2, 3}, {1.5f, -0.5f, 2.25f, -3.0f, 0.25f, 0.75f});

  SECTION("regression") {
    CHECK(value_of("mean_squared_error", pred, targets) ==
          Approx(mean_term(pred, targets, [](double p, double t) { return (p - t) * (p - t); })));
    CHECK(value_of("mean_absolute_error", pred, targets) ==
          Approx(mean_term(pred, targets, [](double p, double t) { return std::fabs(p - t); })));
    const double delta = 0.8;
    CHECK(value_of("huber", pred, targets, {{"delta", delta}}) ==
          Approx(mean_term(pred, targets, [delta](double p, double t) {
            const double e = std::fabs(p - t);
            return e <= delta ? 0.5 * e * e : delta * (e - 0.5 * delta);
          })));
    CHECK(value_of("log_cosh", pred, targets) ==
          Approx(mean_term(pred, targets, [](double p, double t) { return std::log(std::cosh(p - t)); })));
    CHECK(value_of("cosine_similarity", logits, targets) ==
          Approx(mean_rows(logits, targets, 3, [](const float* p, const float* t) {
            double pt = 0, pp = 0, tt = 0;
            for (int j = 0; j < 3; ++j) pt += p[j] * t[j], pp += p[j] * p[j], tt += t[j] * t[j];
            return -pt / std::sqrt(pp * tt);
          })));
  }

  SECTION("probabilistic") {
    auto bce = [](double p, double t) {
      const double c = clip(p, kEps, 1 - kEps);
      return -(t * std::log(c) + (1 - t) * std::log(1 - c));
    };
    CHECK(value_of("binary_crossentropy", pred, truth) == Approx(mean_term(pred, truth, bce)));
    CHECK(value_of("binary_crossentropy", pred, truth, {{"label_smoothing", 0.2}}) ==
          Approx(mean_term(pred, truth, [&](double p, double t) { return bce(p, t * 0.8 + 0.1); })));
    auto sigmoid = [](double x) { return 1 / (1 + std::exp(-x)); };
    CHECK(value_of("binary_crossentropy", logits, truth, {{"from_logits", true}}) ==
          Approx(mean_term(logits, truth, [&](double x, double t) {
            return -(t * std::log(sigmoid(x)) + (1 - t) * std::log(1 - sigmoid(x)));
          })));
    auto cce = [](double smoothing) {
      return [smoothing](const float* p, const float* t) {
        const double sum = p[0] + p[1] + p[2];
        double loss = 0;
        for (int j = 0; j < 3; ++j)
          loss -= (t[j] * (1 - smoothing) + smoothing / 3) * std::log(clip(p[j] / sum, kEps, 1 - kEps));
        return loss;
      };
    };
    CHECK(value_of("categorical_crossentropy", pred, truth) == Approx(mean_rows(pred, truth, 3, cce(0))));
    CHECK(value_of("categorical_crossentropy", pred, truth, {{"label_smoothing", 0.3}}) ==
          Approx(mean_rows(pred, truth, 3, cce(0.3))));
    const Tensor onehot = make({2, 3}, {0, 0, 1, 1, 0, 0});
    auto softmax_ce = [](const float* x, const float* t) {
      double z = 0, loss = 0;
      for (int j = 0; j < 3; ++j) z += std::exp(static_cast<double>(x[j]));
      for (int j = 0; j < 3; ++j) loss -= t[j] * std::log(std::exp(static_cast<double>(x[j])) / z);
      return loss;
    };
    const double logits_ce = mean_rows(logits, onehot, 3, softmax_ce);
    CHECK(value_of("categorical_crossentropy", logits, onehot, {{"from_logits", true}}) ==
          Approx(logits_ce));
    CHECK(value_of("sparse_categorical_crossentropy", logits, make({2}, {2, 0}),
                   {{"from_logits", true}}) == Approx(logits_ce));
    CHECK(value_of("sparse_categorical_crossentropy", pred, make({2, 1}, {1, 2})) ==
          Approx(mean_rows(pred, make({2, 3}, {0, 1, 0, 0, 0, 1}), 3, [](const float* p, const float* t) {
            double sum = 0, picked = 0;
            for (int j = 0; j < 3; ++j) {
              sum += clip(p[j], kEps, 1 - kEps);
              if (t[j] == 1) picked = clip(p[j], kEps, 1 - kEps);
            }
            return -std::log(picked / sum);
          })));
    CHECK(value_of("kl_divergence", pred, truth) ==
          Approx(mean_rows(pred, truth, 3, [](const float* p, const float* t) {
            double s = 0;
            for (int j = 0; j < 3; ++j) {
              const double tc = clip(t[j], kEps, 1), pc = clip(p[j], kEps, 1);
              s += tc * std::log(tc / pc);
            }
            return s;
          })));
    CHECK(value_of("poisson", pred, targets) ==
          Approx(mean_term(pred, targets, [](double p, double t) { return p - t * std::log(p + kEps); })));
  }

  SECTION("hinge converts {0, 1} labels only when every label is 0 or 1") {
    auto hinge = [](double p, double y) { return std::max(1 - y * p, 0.0); };
    CHECK(value_of("hinge", logits, truth) ==
          Approx(mean_term(logits, truth, [&](double p, double t) { return hinge(p, 2 * t - 1); })));
    const Tensor signs = make({2, 3}, {-1, 1, 1, -1, -1, 1});
    CHECK(value_of("hinge", logits, signs) == Approx(mean_term(logits, signs, hinge)));
    const Tensor mixed = make({2, 3}, {0, 1, 1, -1, 0, 1});  // not all binary: used as given
    CHECK(value_of("squared_hinge", logits, mixed) ==
          Approx(mean_term(logits, mixed, [&](double p, double t) { return std::pow(hinge(p, t), 2); })));
  }
}

TEST_CASE("losses average over time axes and accept a trailing axis of size 1", "[losses]") {
  Rng rng(11);
  const Tensor pred = random_tensor({2, 3, 4}, rng, [](Rng& r) { return r.uniform(0.05f, 1.0f); });
  const Tensor truth = random_tensor({2, 3, 4}, rng, [](Rng& r) { return r.uniform(0.0f, 1.0f); });
  CHECK(value_of("mse", pred, truth) ==
        Approx(mean_term(pred, truth, [](double p, double t) { return (p - t) * (p - t); })));
  // Six entries of four classes each: the sum over classes averaged over the six.
  CHECK(value_of("categorical_crossentropy", pred, truth) ==
        Approx(mean_rows(pred, truth, 4, [](const float* p, const float* t) {
          const double sum = p[0] + p[1] + p[2] + p[3];
          double loss = 0;
          for (int j = 0; j < 4; ++j) loss -= t[j] * std::log(clip(p[j] / sum, kEps, 1 - kEps));
          return loss;
        })));
  const Tensor column = make({4, 1}, {0.2f, 0.9f, 0.6f, 0.3f});
  const Tensor labels = make({4}, {0, 1, 1, 0});
  CHECK(value_of("binary_crossentropy", column, labels) ==
        Approx(value_of("binary_crossentropy", column, labels.reshaped({4, 1}))));
  CHECK(value_of("mse", column.reshaped({4}), labels.reshaped({4, 1})) ==
        Approx(value_of("mse", column, labels.reshaped({4, 1}))));
}

TEST_CASE("loss gradients match central differences", "[losses]") {
  Rng rng(2024);
  auto uniform = [](float lo, float hi) { return [lo, hi](Rng& r) { return r.uniform(lo, hi); }; };
  auto binary = [](Rng& r) { return r.uniform() < 0.5f ? 0.0f : 1.0f; };
  // Away from kinks: magnitude in [0.2, 0.8] or [1.2, 2], either sign.
  auto off_kink = [](Rng& r) {
    const float m = r.uniform() < 0.5f ? r.uniform(0.2f, 0.8f) : r.uniform(1.2f, 2.0f);
    return r.uniform() < 0.5f ? -m : m;
  };
  const Shape shape = {3, 5};
  const Tensor probs = random_tensor(shape, rng, uniform(0.05f, 0.95f));
  const Tensor labels = random_tensor(shape, rng, binary);
  const Tensor soft_labels = random_tensor(shape, rng, uniform(0.0f, 1.0f));
  const Tensor logits = random_tensor(shape, rng, uniform(-3.0f, 3.0f));
  const Tensor targets = random_tensor(shape, rng, uniform(-2.0f, 2.0f));
  Tensor offset_pred = targets.clone();  // prediction errors away from 0 and from delta = 1
  for (std::size_t i = 0; i < offset_pred.size(); ++i) offset_pred[i] += off_kink(rng);

  SECTION("regression") {
    check_gradient(*make_loss("mse"), logits, targets);
    check_gradient(*make_loss("mae"), offset_pred, targets);
    check_gradient(*make_loss("huber"), offset_pred, targets);
    check_gradient(*make_loss("log_cosh"), logits, targets);
    check_gradient(*make_loss("cosine_similarity"), logits, targets);
    Rng r3(5);
    check_gradient(*make_loss("mse"), random_tensor({2, 3, 4}, r3, uniform(-1, 1)),
                   random_tensor({2, 3, 4}, r3, uniform(-1, 1)));
  }
  SECTION("crossentropies") {
    check_gradient(*make_loss("binary_crossentropy"), probs, labels);
    check_gradient(*make_loss("binary_crossentropy", {{"label_smoothing", 0.1}}), probs, soft_labels);
    check_gradient(*make_loss("binary_crossentropy", {{"from_logits", true}}), logits, soft_labels);
    // Unnormalised rows exercise the gradient through Keras' rescaling to sum 1.
    check_gradient(*make_loss("categorical_crossentropy"), probs, soft_labels);
    check_gradient(*make_loss("categorical_crossentropy", {{"label_smoothing", 0.2}}), probs, labels);
    check_gradient(*make_loss("categorical_crossentropy", {{"from_logits", true}}), logits, soft_labels);
    const Tensor ids = make({3}, {4, 0, 2});
    check_gradient(*make_loss("sparse_categorical_crossentropy"), probs, ids);
    check_gradient(*make_loss("sparse_categorical_crossentropy", {{"from_logits", true}}), logits,
                   ids.reshaped({3, 1}));
    Rng r3(6);
    const Tensor seq_probs = random_tensor({2, 3, 4}, r3, uniform(0.05f, 0.95f));
    check_gradient(*make_loss("categorical_crossentropy"), seq_probs,
                   random_tensor({2, 3, 4}, r3, uniform(0, 1)));
    check_gradient(*make_loss("sparse_categorical_crossentropy"), seq_probs,
                   make({2, 3}, {0, 3, 1, 2, 2, 0}));
  }
  SECTION("divergences and margins") {
    check_gradient(*make_loss("kl_divergence"), probs, random_tensor(shape, rng, uniform(0.05f, 1.0f)));
    check_gradient(*make_loss("poisson"), random_tensor(shape, rng, uniform(0.1f, 3.0f)),
                   random_tensor(shape, rng, uniform(0.0f, 3.0f)));
    // off_kink keeps 1 - y * p at least 0.2 away from the hinge for y = +-1.
    const Tensor margins = random_tensor(shape, rng, off_kink);
    check_gradient(*make_loss("hinge"), margins, labels);
    check_gradient(*make_loss("squared_hinge"), margins, labels);
  }
}

TEST_CASE("clipped probabilities pass no gradient, as in TensorFlow", "[losses]") {
  Tensor grad;
  const float bce = make_loss("binary_crossentropy")->compute(make({1, 2}, {0.0f, 1.0f}),
                                                               make({1, 2}, {1, 0}), &grad);
  // The upper bound is 1 - eps rounded to float (as in Keras' float32 graph), so 1 - c is
  // 2^-23 rather than 1e-7.
  const double upper = static_cast<double>(1.0f - 1e-7f);
  CHECK(bce == Approx((-std::log(1e-7) - std::log(1.0 - upper)) / 2).epsilon(1e-5));
  CHECK(grad[0] == 0.0f);
  CHECK(grad[1] == 0.0f);
  make_loss("kl_divergence")->compute(make({1, 2}, {0.0f, 0.5f}), make({1, 2}, {0.5f, 0.5f}), &grad);
  CHECK(grad[0] == 0.0f);
  CHECK(grad[1] == Approx(-1.0f));  // -t / p for the one entry
  // A zero prediction vector: Keras normalises by max(|p|, eps), i.e. scales by 1/eps.
  const float cosine = make_loss("cosine_similarity")->compute(make({1, 2}, {0, 0}),
                                                                make({1, 2}, {0, 2}), &grad);
  CHECK(cosine == 0.0f);
  CHECK(grad[0] == 0.0f);
  CHECK(grad[1] == Approx(-1e7));
}

TEST_CASE("loss names, aliases and configs", "[losses]") {
  const std::vector<std::pair<std::string, std::string>> spellings = {
      {"mse", "mean_squared_error"},           {"meanSquaredError", "mean_squared_error"},
      {"MeanSquaredError", "mean_squared_error"}, {"MAE", "mean_absolute_error"},
      {"huberLoss", "huber"},                  {"logcosh", "log_cosh"},
      {"kld", "kl_divergence"},                {"kullbackLeiblerDivergence", "kl_divergence"},
      {"binaryCrossentropy", "binary_crossentropy"},
      {"categoricalCrossentropy", "categorical_crossentropy"},
      {"sparseCategoricalCrossentropy", "sparse_categorical_crossentropy"},
      {"squaredHinge", "squared_hinge"},       {"cosineProximity", "cosine_similarity"},
      {"poisson", "poisson"},                  {"hinge", "hinge"}};
  for (const auto& [spelling, name] : spellings) {
    INFO(spelling);
    CHECK(make_loss(spelling)->name() == name);
  }
  for (const std::string& name : loss_names()) {
    INFO(name);
    auto loss = make_loss(name);
    CHECK(loss->name() == name);
    CHECK(make_loss(name, loss->config())->config() == loss->config());
  }
  auto bce = make_loss("binary_crossentropy", {{"from_logits", true}, {"label_smoothing", 0.1},
                                               {"name", "bce"}, {"reduction", "sum_over_batch_size"}});
  CHECK(bce->config()["from_logits"] == true);
  CHECK(bce->config()["label_smoothing"] == 0.1);
  CHECK(make_loss("huber", {{"delta", 2.5}})->config()["delta"] == 2.5);
}

TEST_CASE("loss errors name the loss, the expected and the actual", "[losses]") {
  auto mse = make_loss("mse");
  REQUIRE_THROWS_WITH(mse->compute(Tensor({3, 5}), Tensor({3, 4}), nullptr),
                      Catch::Contains("mean_squared_error") && Catch::Contains("[3, 5]") &&
                          Catch::Contains("[3, 4]"));
  REQUIRE_THROWS_AS(make_loss("categorical_crossentropy")->compute(Tensor({2, 3}), Tensor({3, 2}), nullptr),
                    Error);
  auto sparse = make_loss("sparse_categorical_crossentropy");
  const Tensor probs({2, 5}, 0.2f);
  REQUIRE_THROWS_WITH(sparse->compute(probs, make({2}, {1, 5}), nullptr),
                      Catch::Contains("sparse_categorical_crossentropy") &&
                          Catch::Contains("class id 5") && Catch::Contains("out of range"));
  REQUIRE_THROWS_WITH(sparse->compute(probs, make({2}, {-1, 0}), nullptr), Catch::Contains("out of range"));
  REQUIRE_THROWS_WITH(sparse->compute(probs, make({2}, {0, 1.5f}), nullptr), Catch::Contains("integers"));
  REQUIRE_THROWS_WITH(sparse->compute(probs, Tensor({2, 5}), nullptr),
                      Catch::Contains("[2]") && Catch::Contains("[2, 1]") && Catch::Contains("[2, 5]"));
  REQUIRE_THROWS_WITH(make_loss("mean_squared_err"),
                      Catch::Contains("unknown loss 'mean_squared_err'") &&
                          Catch::Contains("mean_squared_error") && Catch::Contains("poisson"));
  REQUIRE_THROWS_WITH(make_loss("binary_crossentropy", {{"from_logit", true}}),
                      Catch::Contains("binary_crossentropy") && Catch::Contains("unknown option 'from_logit'"));
  REQUIRE_THROWS_WITH(make_loss("categorical_crossentropy", {{"label_smoothing", 1.5}}),
                      Catch::Contains("label_smoothing") && Catch::Contains("1.5"));
  REQUIRE_THROWS_WITH(make_loss("mse", {{"reduction", "sum"}}), Catch::Contains("reduction"));
  REQUIRE_THROWS_WITH(make_loss("cosine_similarity", {{"axis", 1}}), Catch::Contains("axis"));
  REQUIRE_THROWS_WITH(make_loss("huber", {{"delta", -1}}), Catch::Contains("delta"));
}
