// Optimizer tests. Golden values come from per-element reference rules written here in
// double precision in the textbook form (e.g. Adam with bias-corrected moments and eps-hat,
// SGD momentum as a heavy ball), independently of the engine's float loops. Gradients are a
// fixed synthetic sequence; the convergence check minimises a known quadratic.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <vector>

#include "core/error.hpp"
#include "core/tensor.hpp"
#include "layers/layer.hpp"
#include "optimizers/optimizer.hpp"

using namespace simdnn;

namespace {

// Two parameters of odd sizes (6 and 5 values) with their gradient buffers.
struct Problem {
  Tensor kernel{Shape{2, 3}}, kernel_grad{Shape{2, 3}};
  Tensor bias{Shape{5}}, bias_grad{Shape{5}};
  Problem() {
    for (std::size_t i = 0; i < kernel.size(); ++i) kernel[i] = 0.5f - 0.3f * static_cast<float>(i);
    for (std::size_t i = 0; i < bias.size(); ++i) bias[i] = 0.25f * static_cast<float>(i) - 0.4f;
  }
  std::vector<Param> params() {
    return {{"kernel", &kernel, &kernel_grad, true}, {"bias", &bias, &bias_grad, true}};
  }
  std::vector<Tensor*> values() { return {&kernel, &bias}; }
  std::vector<Tensor*> grads() { return {&kernel_grad, &bias_grad}; }
};

// Synthetic gradient of element i (numbered across both params) at 1-based step t.
float synthetic_grad(std::size_t i, int t) {
  return static_cast<float>(std::sin(1.3 * static_cast<double>(i) + 0.7 * t) * (0.5 + 0.2 * static_cast<double>(i)));
}

void fill_grads(Problem& p, int t) {
  std::size_t i = 0;
  for (Tensor* g : p.grads())
    for (float& v : g->span()) v = synthetic_grad(i++, t);
}

// One element's reference state; the rule updates it for gradient g at 1-based step t.
struct Element {
  double w = 0, a = 0, b = 0, c = 0;  // weight and up to three state values
};
using Rule = std::function<void(Element&, double g, int t)>;

// Runs `steps` steps of the optimizer and of the reference rule; compares the weight changes.
void expect_golden(const std::string& name, const Json& config, int steps, const Rule& rule,
                   double initial_state = 0.0) {
  Problem problem;
  auto optimizer = make_optimizer(name, config);
  std::vector<Element> reference;
  std::vector<double> initial;
  for (Tensor* v : problem.values())
    for (float w : v->span()) {
      reference.push_back({w, initial_state, initial_state, initial_state});
      initial.push_back(w);
    }
  for (int t = 1; t <= steps; ++t) {
    fill_grads(problem, t);
    optimizer->step(problem.params());
    for (std::size_t i = 0; i < reference.size(); ++i) rule(reference[i], synthetic_grad(i, t), t);
  }
  REQUIRE(optimizer->iterations() == steps);
  std::size_t i = 0;
  for (Tensor* v : problem.values())
    for (float w : v->span()) {
      INFO(name << " " << config.dump() << " after " << steps << " steps, element " << i);
      CHECK(w - initial[i] == Approx(reference[i].w - initial[i]).epsilon(2e-4).margin(1e-6));
      ++i;
    }
}

void expect_golden_1_and_3(const std::string& name, const Json& config, const Rule& rule,
                           double initial_state = 0.0) {
  expect_golden(name, config, 1, rule, initial_state);
  expect_golden(name, config, 3, rule, initial_state);
}

Rule adam_rule(double lr, double b1, double b2, double eps, bool amsgrad, double decay = 0.0) {
  return [=](Element& e, double g, int t) {
    e.w -= e.w * decay * lr;
    e.a = b1 * e.a + (1 - b1) * g;      // first moment
    e.b = b2 * e.b + (1 - b2) * g * g;  // second moment
    e.c = std::max(e.c, e.b);           // running maximum (amsgrad)
    const double correction_1 = 1 - std::pow(b1, t), correction_2 = 1 - std::pow(b2, t);
    const double m_hat = e.a / correction_1;
    const double v_hat = (amsgrad ? e.c : e.b) / correction_2;
    // Keras' eps is "epsilon hat": in bias-corrected terms it is eps / sqrt(1 - b2^t).
    e.w -= lr * m_hat / (std::sqrt(v_hat) + eps / std::sqrt(correction_2));
  };
}

}  // namespace

TEST_CASE("SGD matches the reference rule, with and without momentum", "[optimizers]") {
  expect_golden_1_and_3("sgd", Json::object(), [](Element& e, double g, int) { e.w -= 0.01 * g; });
  expect_golden_1_and_3("SGD", {{"learning_rate", 0.1}}, [](Element& e, double g, int) { e.w -= 0.1 * g; });
  // Heavy ball: w_next = w - lr g + momentum (w - w_previous); e.a holds the previous weight.
  expect_golden_1_and_3("sgd", {{"learning_rate", 0.1}, {"momentum", 0.9}}, [](Element& e, double g, int t) {
    const double previous = t == 1 ? e.w : e.a;
    e.a = e.w;
    e.w = e.w - 0.1 * g + 0.9 * (e.w - previous);
  });
  expect_golden_1_and_3("sgd", {{"learning_rate", 0.1}, {"momentum", 0.8}, {"nesterov", true}},
                        [](Element& e, double g, int) {
                          e.a = 0.8 * e.a - 0.1 * g;  // velocity
                          e.w += 0.8 * e.a - 0.1 * g;  // look-ahead step
                        });
}

TEST_CASE("RMSprop matches the reference rule in every variant", "[optimizers]") {
  expect_golden_1_and_3("rmsprop", {{"learning_rate", 0.01}}, [](Element& e, double g, int) {
    e.a = 0.9 * e.a + 0.1 * g * g;
    e.w -= 0.01 * g / std::sqrt(e.a + 1e-7);
  });
  expect_golden_1_and_3("RMSprop", {{"learning_rate", 0.01}, {"rho", 0.8}, {"centered", true}},
                        [](Element& e, double g, int) {
                          e.a = 0.8 * e.a + 0.2 * g * g;
                          e.b = 0.8 * e.b + 0.2 * g;
                          e.w -= 0.01 * g / std::sqrt(e.a - e.b * e.b + 1e-7);
                        });
  expect_golden_1_and_3("rmsprop", {{"learning_rate", 0.01}, {"momentum", 0.5}}, [](Element& e, double g, int) {
    e.a = 0.9 * e.a + 0.1 * g * g;
    e.b = 0.5 * e.b + 0.01 * g / std::sqrt(e.a + 1e-7);
    e.w -= e.b;
  });
  expect_golden_1_and_3("rmsprop", {{"learning_rate", 0.01}, {"momentum", 0.5}, {"centered", true}},
                        [](Element& e, double g, int) {
                          e.a = 0.9 * e.a + 0.1 * g * g;
                          e.c = 0.9 * e.c + 0.1 * g;
                          e.b = 0.5 * e.b + 0.01 * g / std::sqrt(e.a - e.c * e.c + 1e-7);
                          e.w -= e.b;
                        });
}

TEST_CASE("RMSprop reproduces the Keras docstring example", "[optimizers]") {
  // keras.optimizers.RMSprop(learning_rate=0.1) on loss var^2 / 2 from 10.0 gives 9.683772.
  Tensor var({1}, 10.0f), grad({1}, 10.0f);
  auto rmsprop = make_optimizer("RMSprop", {{"learning_rate", 0.1}});
  rmsprop->step({{"var", &var, &grad, true}});
  CHECK(var[0] == Approx(9.683772).epsilon(1e-6));
}

TEST_CASE("Adam and AdamW match the bias-corrected textbook form", "[optimizers]") {
  expect_golden_1_and_3("adam", Json::object(), adam_rule(0.001, 0.9, 0.999, 1e-7, false));
  expect_golden_1_and_3("Adam", {{"learning_rate", 0.05}, {"beta_1", 0.8}, {"beta_2", 0.99}, {"epsilon", 1e-3}},
                        adam_rule(0.05, 0.8, 0.99, 1e-3, false));
  expect_golden_1_and_3("adam", {{"learning_rate", 0.05}, {"amsgrad", true}},
                        adam_rule(0.05, 0.9, 0.999, 1e-7, true));
  // With beta_2 0.5 the second moment falls between steps, so the running maximum matters.
  expect_golden_1_and_3("adam", {{"learning_rate", 0.05}, {"amsgrad", true}, {"beta_2", 0.5}},
                        adam_rule(0.05, 0.9, 0.5, 1e-7, true));
  expect_golden_1_and_3("adamw", {{"learning_rate", 0.05}}, adam_rule(0.05, 0.9, 0.999, 1e-7, false, 0.004));
  expect_golden_1_and_3("AdamW", {{"learning_rate", 0.05}, {"weight_decay", 0.5}, {"amsgrad", true}},
                        adam_rule(0.05, 0.9, 0.999, 1e-7, true, 0.5));
  // Decoupled weight decay is available on every optimizer, as in Keras 3.
  expect_golden_1_and_3("sgd", {{"learning_rate", 0.1}, {"weight_decay", 0.2}}, [](Element& e, double g, int) {
    e.w = e.w * (1 - 0.2 * 0.1) - 0.1 * g;
  });
}

TEST_CASE("Adagrad and Adadelta match the reference rule", "[optimizers]") {
  expect_golden_1_and_3("adagrad", {{"learning_rate", 0.1}}, [](Element& e, double g, int) {
    e.a += g * g;  // starts at initial_accumulator_value 0.1
    e.w -= 0.1 * g / std::sqrt(e.a + 1e-7);
  }, 0.1);
  expect_golden_1_and_3("Adagrad", {{"learning_rate", 0.1}, {"initial_accumulator_value", 0.5}, {"epsilon", 1e-3}},
                        [](Element& e, double g, int) {
                          e.a += g * g;
                          e.w -= 0.1 * g / std::sqrt(e.a + 1e-3);
                        }, 0.5);
  expect_golden_1_and_3("adadelta", {{"learning_rate", 1.0}, {"epsilon", 1e-3}}, [](Element& e, double g, int) {
    e.a = 0.95 * e.a + 0.05 * g * g;                               // E[g^2]
    const double dx = -std::sqrt(e.b + 1e-3) / std::sqrt(e.a + 1e-3) * g;
    e.b = 0.95 * e.b + 0.05 * dx * dx;                             // E[dx^2]
    e.w += dx;
  });
}

TEST_CASE("a learning rate change takes effect on the next step", "[optimizers]") {
  for (const char* name : {"sgd", "adam"}) {
    INFO(name);
    Problem problem;
    auto optimizer = make_optimizer(name, {{"learning_rate", 0.1}});
    fill_grads(problem, 1);
    optimizer->step(problem.params());
    optimizer->set_learning_rate(0.025f);
    CHECK(optimizer->learning_rate() == 0.025f);
    CHECK(optimizer->config()["learning_rate"].get<double>() == Approx(0.025));
    const float before = problem.kernel[2];
    fill_grads(problem, 2);
    optimizer->step(problem.params());
    const double g = synthetic_grad(2, 2);
    double expected;
    if (std::string(name) == "sgd") {
      expected = -0.025 * g;
    } else {
      Element e;
      const double g1 = synthetic_grad(2, 1);
      e.a = 0.1 * g1;
      e.b = 0.001 * g1 * g1;
      e.w = before;
      adam_rule(0.025, 0.9, 0.999, 1e-7, false)(e, g, 2);
      expected = e.w - before;
    }
    CHECK(problem.kernel[2] - before == Approx(expected).epsilon(1e-4));
  }
  REQUIRE_THROWS_WITH(make_optimizer("sgd")->set_learning_rate(-1.0f), Catch::Contains("SGD"));
}

TEST_CASE("gradient clipping by norm, global norm and value", "[optimizers]") {
  // SGD with lr 1 turns the (clipped) gradient directly into the weight change.
  Tensor big({2}, 0.0f), big_grad = Tensor::from({2}, std::vector<float>{3, 4});     // norm 5
  Tensor small({2}, 0.0f), small_grad = Tensor::from({2}, std::vector<float>{0.3f, -0.4f});  // norm 0.5
  auto params = [&] { return std::vector<Param>{{"big", &big, &big_grad, true}, {"small", &small, &small_grad, true}}; };

  make_optimizer("sgd", {{"learning_rate", 1.0}, {"clipnorm", 1.0}})->step(params());
  CHECK(big[0] == Approx(-0.6));
  CHECK(big[1] == Approx(-0.8));
  CHECK(small[0] == Approx(-0.3));
  CHECK(small[1] == Approx(0.4));
  CHECK(big_grad[0] == 3.0f);  // the caller's gradient is left alone

  big.fill(0);
  small.fill(0);
  // Global norm sqrt(25 + 0.25): both gradients scale by 2 / that.
  make_optimizer("sgd", {{"learning_rate", 1.0}, {"global_clipnorm", 2.0}})->step(params());
  const double scale = 2.0 / std::sqrt(25.25);
  CHECK(big[1] == Approx(-4 * scale));
  CHECK(small[0] == Approx(-0.3 * scale));

  big.fill(0);
  small.fill(0);
  make_optimizer("sgd", {{"learning_rate", 1.0}, {"clipvalue", 0.35}})->step(params());
  CHECK(big[0] == Approx(-0.35));
  CHECK(big[1] == Approx(-0.35));
  CHECK(small[0] == Approx(-0.3));
  CHECK(small[1] == Approx(0.35));
  CHECK(small_grad[1] == -0.4f);
}

TEST_CASE("optimizer state: order, skipped params, checkpoint restore", "[optimizers]") {
  Problem problem;
  Tensor frozen({3}, 1.0f);
  auto params = problem.params();
  params.push_back({"moving_mean", &frozen, nullptr, false});  // statistics: no gradient
  auto adam = make_optimizer("adam", {{"amsgrad", true}, {"learning_rate", 0.1}});
  CHECK(adam->state_tensors().empty());
  fill_grads(problem, 1);
  adam->step(params);
  CHECK(frozen[0] == 1.0f);
  // Keras order: (momentum, velocity) per param, then velocity_hat per param.
  const auto state = adam->state_tensors();
  REQUIRE(state.size() == 6);
  CHECK((*state[0])[1] == Approx(0.1 * problem.kernel_grad[1]));
  CHECK((*state[1])[1] == Approx(0.001 * problem.kernel_grad[1] * problem.kernel_grad[1]));
  CHECK(state[2]->shape() == Shape{5});
  CHECK((*state[2])[4] == Approx(0.1 * problem.bias_grad[4]));
  CHECK((*state[4])[1] == (*state[1])[1]);
  CHECK(make_optimizer("adagrad")->state_tensors().empty());

  // Restoring state and iterations into a fresh optimizer continues the same trajectory.
  Problem copy;
  copy.kernel.copy_from(problem.kernel);
  copy.bias.copy_from(problem.bias);
  auto restored = make_optimizer("adam", adam->config());
  restored->build(copy.params());
  const auto restored_state = restored->state_tensors();
  REQUIRE(restored_state.size() == state.size());
  for (std::size_t i = 0; i < state.size(); ++i) restored_state[i]->copy_from(*state[i]);
  restored->set_iterations(adam->iterations());
  fill_grads(problem, 2);
  fill_grads(copy, 2);
  adam->step(params);
  restored->step(copy.params());
  for (std::size_t i = 0; i < problem.kernel.size(); ++i) CHECK(copy.kernel[i] == problem.kernel[i]);
  CHECK(restored->iterations() == 2);
}

TEST_CASE("an optimizer rejects a different set of parameters", "[optimizers]") {
  Problem problem;
  auto adam = make_optimizer("adam");
  adam->step(problem.params());
  auto swapped = problem.params();
  std::swap(swapped[0], swapped[1]);
  REQUIRE_THROWS_WITH(adam->step(swapped), Catch::Contains("Adam") && Catch::Contains("'bias'") &&
                                               Catch::Contains("same order"));
  REQUIRE_THROWS_WITH(adam->step({problem.params()[0]}),
                      Catch::Contains("Adam") && Catch::Contains("expected the 2 parameters") &&
                          Catch::Contains("got 1"));
  auto no_grad = problem.params();
  no_grad[1].grad = nullptr;
  REQUIRE_THROWS_WITH(adam->step(no_grad), Catch::Contains("'bias'") && Catch::Contains("now has none"));
  Tensor wrong_grad({4});
  auto bad = problem.params();
  bad[1].grad = &wrong_grad;
  REQUIRE_THROWS_WITH(make_optimizer("sgd")->step(bad),
                      Catch::Contains("SGD") && Catch::Contains("[5]") && Catch::Contains("[4]"));
  CHECK(adam->iterations() == 1);
}

TEST_CASE("optimizer names, defaults and config errors", "[optimizers]") {
  const std::vector<std::pair<std::string, std::string>> names = {
      {"sgd", "SGD"},         {"SGD", "SGD"},         {"rmsprop", "RMSprop"}, {"RMSprop", "RMSprop"},
      {"adam", "Adam"},       {"Adam", "Adam"},       {"adamw", "AdamW"},     {"AdamW", "AdamW"},
      {"adagrad", "Adagrad"}, {"Adagrad", "Adagrad"}, {"adadelta", "Adadelta"}, {"Adadelta", "Adadelta"}};
  for (const auto& [spelling, name] : names) {
    INFO(spelling);
    auto optimizer = make_optimizer(spelling);
    CHECK(optimizer->name() == name);
    CHECK(make_optimizer(spelling, optimizer->config())->config() == optimizer->config());
  }
  CHECK(make_optimizer("sgd")->learning_rate() == 0.01f);
  CHECK(make_optimizer("adam")->config()["beta_2"] == 0.999);
  CHECK(make_optimizer("adam")->config()["weight_decay"].is_null());
  CHECK(make_optimizer("adamw")->config()["weight_decay"] == 0.004);
  CHECK(make_optimizer("adadelta")->config()["rho"] == 0.95);
  CHECK(make_optimizer("adagrad")->config()["initial_accumulator_value"] == 0.1);
  CHECK(make_optimizer("rmsprop")->config()["epsilon"] == 1e-7);

  REQUIRE_THROWS_WITH(make_optimizer("adamax"),
                      Catch::Contains("unknown optimizer 'adamax'") && Catch::Contains("Adadelta"));
  REQUIRE_THROWS_WITH(make_optimizer("sgd", {{"momentom", 0.9}}),
                      Catch::Contains("SGD") && Catch::Contains("unknown option 'momentom'"));
  REQUIRE_THROWS_WITH(make_optimizer("adam", {{"beta_1", 1.0}}),
                      Catch::Contains("Adam") && Catch::Contains("beta_1") && Catch::Contains("[0, 1)"));
  REQUIRE_THROWS_WITH(make_optimizer("adam", {{"beta_2", -0.1}}), Catch::Contains("beta_2"));
  REQUIRE_THROWS_WITH(make_optimizer("rmsprop", {{"learning_rate", -0.001}}),
                      Catch::Contains("RMSprop") && Catch::Contains("learning_rate"));
  REQUIRE_THROWS_WITH(make_optimizer("sgd", {{"momentum", 1.5}}), Catch::Contains("momentum"));
  REQUIRE_THROWS_WITH(make_optimizer("sgd", {{"clipnorm", 1.0}, {"global_clipnorm", 1.0}}),
                      Catch::Contains("clipnorm") && Catch::Contains("global_clipnorm"));
  REQUIRE_THROWS_WITH(make_optimizer("sgd", {{"clipvalue", 0}}), Catch::Contains("clipvalue"));
  REQUIRE_THROWS_WITH(make_optimizer("adam", {{"use_ema", true}}), Catch::Contains("use_ema"));
  REQUIRE_THROWS_WITH(make_optimizer("adam", {{"learning_rate", {{"class_name", "StepDecay"}}}}),
                      Catch::Contains("unknown learning-rate schedule 'StepDecay'"));
  REQUIRE_THROWS_WITH(make_optimizer("adam", {{"learning_rate", {{"class_name", "ExponentialDecay"},
                                                                  {"config", Json::object()}}}}),
                      Catch::Contains("ExponentialDecay") && Catch::Contains("initial_learning_rate"));
  REQUIRE_THROWS_WITH(make_optimizer("adagrad", {{"initial_accumulator_value", -1}}),
                      Catch::Contains("initial_accumulator_value"));
}

TEST_CASE("every optimizer minimises a quadratic", "[optimizers]") {
  // f(w) = 0.5 * sum a_i (w_i - c_i)^2, gradient a_i (w_i - c_i), minimum 0.
  const std::size_t n = 7;
  auto loss_of = [&](const Tensor& w) {
    double f = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double a = 0.5 + 0.25 * static_cast<double>(i), c = std::cos(static_cast<double>(i));
      f += 0.5 * a * (w[i] - c) * (w[i] - c);
    }
    return f;
  };
  struct Case {
    const char* name;
    Json config;
    int steps;
    double reduction;  // required final / initial loss
  };
  const std::vector<Case> cases = {
      {"sgd", {{"learning_rate", 0.1}}, 300, 1e-6},
      {"sgd", {{"learning_rate", 0.05}, {"momentum", 0.9}, {"nesterov", true}}, 300, 1e-6},
      {"rmsprop", {{"learning_rate", 0.01}, {"centered", true}}, 600, 1e-3},
      {"adam", {{"learning_rate", 0.05}}, 600, 1e-4},
      {"adamw", {{"learning_rate", 0.05}, {"weight_decay", 0.0}, {"amsgrad", true}}, 600, 1e-4},
      {"adagrad", {{"learning_rate", 0.5}}, 600, 1e-4},
      {"adadelta", {{"learning_rate", 1.0}, {"epsilon", 1e-4}}, 2000, 1e-2},
  };
  for (const Case& c : cases) {
    INFO(c.name << " " << c.config.dump());
    Tensor w({static_cast<int>(n)}, 2.0f), g({static_cast<int>(n)});
    const double initial = loss_of(w);
    auto optimizer = make_optimizer(c.name, c.config);
    for (int s = 0; s < c.steps; ++s) {
      for (std::size_t i = 0; i < n; ++i)
        g[i] = static_cast<float>((0.5 + 0.25 * static_cast<double>(i)) * (w[i] - std::cos(static_cast<double>(i))));
      optimizer->step({{"w", &w, &g, true}});
    }
    CHECK(loss_of(w) < c.reduction * initial);
  }
}
