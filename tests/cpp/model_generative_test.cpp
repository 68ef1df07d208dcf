// add_loss through a model (a VAE with Sampling) and the GAN trainer.
#include <catch2/catch.hpp>

#include <cmath>

#include "model/gan_trainer.hpp"
#include "model/graph.hpp"
#include "model/training_state.hpp"
#include "model_test_util.hpp"

using namespace simdnn;
using namespace simdnn::test;

namespace {
// A tiny dense VAE: 6 -> 8 -> (mean, log_var) in 2-D -> Sampling -> 8 -> 6 sigmoid.
std::shared_ptr<Model> tiny_vae(float kl_weight = 1.0f) {
  auto x = make_input({6}, "vae_in");
  auto h = apply_layer(dense(8, "relu"), {x})[0];
  auto mean = apply_layer(dense(2), {h})[0];
  auto log_var = apply_layer(dense(2), {h})[0];
  auto z = apply_layer(LayerRegistry::create("Sampling", {{"kl_weight", kl_weight}}), {mean, log_var})[0];
  auto d = apply_layer(dense(8, "relu"), {z})[0];
  auto out = apply_layer(dense(6, "sigmoid"), {d})[0];
  return std::make_shared<Model>(std::vector<SymbolicTensor>{x}, std::vector<SymbolicTensor>{out}, "vae");
}

Tensor pattern_batch(int n) {
  Tensor x({n, 6});
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < 6; ++j) x[i * 6 + j] = (i % 2 == 0) == (j < 3) ? 0.9f : 0.1f;
  return x;
}

bool same_weights(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    for (std::size_t k = 0; k < a[i].size(); ++k)
      if (a[i][k] != b[i][k]) return false;
  return true;
}
}  // namespace

TEST_CASE("add_loss: a VAE reports kl_loss beside loss and trains on both", "[model][generative]") {
  set_global_seed(31);
  auto vae = tiny_vae();
  vae->compile(compile_options("binary_crossentropy", "adam", {{"learning_rate", 0.01}}));
  const Tensor x = pattern_batch(16);
  vae->reset_metrics();
  const Logs first = vae->train_on_batch({x}, {x});
  REQUIRE(first.get("kl_loss").has_value());
  const Logs& parts = vae->last_losses();
  REQUIRE(parts.get("reconstruction").has_value());
  CHECK(*parts.get("loss") == Approx(*parts.get("reconstruction") + *parts.get("kl_loss")));
  CHECK(*first.get("loss") == Approx(*parts.get("loss")));
  CHECK(*parts.get("kl_loss") >= 0.0);
  for (int step = 0; step < 300; ++step) {
    vae->reset_metrics();
    vae->train_on_batch({x}, {x});
  }
  const Logs later = vae->evaluate({x}, {x}, 16);
  REQUIRE(later.get("kl_loss").has_value());
  CHECK(*later.get("loss") < *first.get("loss") * 0.8);

  // Without a KL weight the term is reported as 0 and the loss is the reconstruction alone.
  set_global_seed(31);
  auto plain = tiny_vae(0.0f);
  plain->compile(compile_options("binary_crossentropy", "adam", {{"learning_rate", 0.01}}));
  plain->train_on_batch({x}, {x});
  CHECK(*plain->last_losses().get("kl_loss") == 0.0);
  CHECK(*plain->last_losses().get("loss") == Approx(*plain->last_losses().get("reconstruction")));
}

TEST_CASE("add_loss: the KL gradient reaches the encoder even with a zero reconstruction weight", "[model][generative]") {
  set_global_seed(32);
  auto vae = tiny_vae();
  CompileOptions o = compile_options("mse", "sgd", {{"learning_rate", 0.1}});
  o.loss_weights = {0.0f};
  vae->compile(o);
  const Tensor x = pattern_batch(8);
  vae->train_on_batch({x}, {x});
  const double kl_before = *vae->last_losses().get("kl_loss");
  for (int i = 0; i < 50; ++i) vae->train_on_batch({x}, {x});
  // Only the KL term is optimised: it must fall towards 0 (posterior -> N(0, 1)).
  CHECK(*vae->last_losses().get("kl_loss") < kl_before * 0.5);
}

TEST_CASE("a nested model with add_loss reports it from the outer model", "[model][generative]") {
  set_global_seed(33);
  auto encoder = tiny_vae();
  auto outer = Model::sequential({encoder, dense(6, "sigmoid")}, "outer");
  outer->compile(compile_options("mse", "adam", {{"learning_rate", 0.01}}));
  const Tensor x = pattern_batch(4);
  const Logs logs = outer->train_on_batch({x}, {x});
  REQUIRE(logs.get("kl_loss").has_value());
  CHECK(*logs.get("kl_loss") > 0.0);
}

namespace {
struct Gan {
  std::shared_ptr<Model> generator, discriminator, gan;
};

Gan tiny_gan(std::uint64_t seed, int latent = 4) {
  set_global_seed(seed);
  Gan g;
  g.generator = Model::sequential({dense(8, "selu", {{"input_shape", {latent}}}), dense(3, "tanh")}, "generator");
  g.discriminator = Model::sequential({dense(8, "relu", {{"input_shape", {3}}}), dense(1, "sigmoid")}, "discriminator");
  g.discriminator->compile(compile_options("binary_crossentropy", "rmsprop", {{"learning_rate", 0.01}}));
  g.discriminator->set_trainable(false);
  g.gan = Model::sequential({g.generator, g.discriminator}, "gan");
  g.gan->compile(compile_options("binary_crossentropy", "rmsprop", {{"learning_rate", 0.01}}));
  return g;
}

Tensor real_points(int n) {
  Tensor x({n, 3});
  for (int i = 0; i < n; ++i) {
    x[i * 3] = 0.5f;
    x[i * 3 + 1] = -0.5f + 0.01f * i;
    x[i * 3 + 2] = 0.25f;
  }
  return x;
}
}  // namespace

TEST_CASE("GanTrainer: a step trains D on real + fake and G through the frozen D", "[model][generative]") {
  Gan g = tiny_gan(41);
  GanTrainerOptions o;
  o.latent_dim = 4;
  o.label_smoothing = 0.1f;
  o.seed = 1;
  GanTrainer trainer(g.generator, g.discriminator, g.gan, o);
  const Tensor real = real_points(16);

  // dReal/dFake are D's outputs before its update: predict them the same way first.
  const auto d0 = g.discriminator->get_weights();
  const auto g0 = g.generator->get_weights();
  Rng noise_rng(1);
  Tensor noise({16, 4});
  for (float& v : noise.span()) v = noise_rng.normal(0.0f, 1.0f);
  const Tensor fake = g.generator->predict_on_batch({noise})[0];
  const Tensor d_real = g.discriminator->predict_on_batch({real})[0];
  const Tensor d_fake = g.discriminator->predict_on_batch({fake})[0];
  double mean_real = 0, mean_fake = 0;
  for (int i = 0; i < 16; ++i) {
    mean_real += d_real[i] / 16.0;
    mean_fake += d_fake[i] / 16.0;
  }
  const GanStepResult s = trainer.step(real);
  CHECK(s.d_real == Approx(mean_real).epsilon(1e-5));
  CHECK(s.d_fake == Approx(mean_fake).epsilon(1e-5));
  CHECK(std::isfinite(s.d_loss));
  CHECK(std::isfinite(s.g_loss));
  CHECK_FALSE(same_weights(d0, g.discriminator->get_weights()));
  CHECK_FALSE(same_weights(g0, g.generator->get_weights()));
  const auto g_one_step = g.generator->get_weights();

  // Same seeds, same models: the same weights after the same steps.
  Gan h = tiny_gan(41);
  GanTrainer again(h.generator, h.discriminator, h.gan, o);
  again.step(real);
  CHECK(same_weights(g.generator->get_weights(), h.generator->get_weights()));
  CHECK(same_weights(g.discriminator->get_weights(), h.discriminator->get_weights()));
  for (int i = 0; i < 20; ++i) {
    const GanStepResult a = trainer.step(real), b = again.step(real);
    REQUIRE(a.d_loss == b.d_loss);
    REQUIRE(a.g_loss == b.g_loss);
  }
  // Another noise seed, other samples, other weights.
  o.seed = 2;
  Gan k = tiny_gan(41);
  GanTrainer other(k.generator, k.discriminator, k.gan, o);
  other.step(real);
  CHECK_FALSE(same_weights(k.generator->get_weights(), g_one_step));
}

TEST_CASE("GanTrainer: a checkpoint (D and gan files, the noise state) resumes bit for bit", "[model][generative]") {
  GanTrainerOptions o;
  o.latent_dim = 4;
  o.seed = 3;
  const Tensor real = real_points(16);
  Gan g = tiny_gan(51);
  GanTrainer trainer(g.generator, g.discriminator, g.gan, o);
  for (int i = 0; i < 5; ++i) trainer.step(real);
  const ModelArtifacts d_files = save_model_artifacts(*g.discriminator, true);
  const ModelArtifacts gan_files = save_model_artifacts(*g.gan, true);
  const auto noise_state = trainer.random_state();
  std::vector<GanStepResult> expected;
  for (int i = 0; i < 5; ++i) expected.push_back(trainer.step(real));

  // Other initial weights and noise seed: everything must come from the checkpoint.
  Gan h = tiny_gan(52);
  GanTrainerOptions other = o;
  other.seed = 9;
  GanTrainer resumed(h.generator, h.discriminator, h.gan, other);
  restore_model_files(*h.discriminator, d_files.model_json, d_files.weights, "d");
  restore_model_files(*h.gan, gan_files.model_json, gan_files.weights, "gan");
  resumed.set_random_state(noise_state);
  for (const GanStepResult& e : expected) {
    const GanStepResult r = resumed.step(real);
    REQUIRE(r.d_loss == e.d_loss);
    REQUIRE(r.g_loss == e.g_loss);
    REQUIRE(r.d_real == e.d_real);
    REQUIRE(r.d_fake == e.d_fake);
  }
  CHECK(same_weights(g.generator->get_weights(), h.generator->get_weights()));
  CHECK(same_weights(g.discriminator->get_weights(), h.discriminator->get_weights()));
  // Files of another architecture (as many weights, other shapes) are refused, the model
  // unchanged; a different weight count is named with the caller's words.
  const auto before = h.generator->get_weights();
  REQUIRE_THROWS_WITH(restore_model_files(*h.generator, d_files.model_json, d_files.weights, "the file"),
                      Catch::Contains("expected shape"));
  REQUIRE_THROWS_WITH(restore_model_files(*h.generator, gan_files.model_json, gan_files.weights, "the file"),
                      Catch::Contains("the file holds 8 weights, the model 'generator' has 4"));
  CHECK(same_weights(before, h.generator->get_weights()));
}

TEST_CASE("GanTrainer: with G held still, D learns to tell real from fake", "[model][generative]") {
  set_global_seed(42);
  Gan g;
  g.generator = Model::sequential({dense(8, "selu", {{"input_shape", {4}}}), dense(3, "tanh")}, "generator");
  g.discriminator = Model::sequential({dense(16, "relu", {{"input_shape", {3}}}), dense(1, "sigmoid")}, "discriminator");
  g.discriminator->compile(compile_options("binary_crossentropy", "adam", {{"learning_rate", 0.01}}));
  g.discriminator->set_trainable(false);
  g.gan = Model::sequential({g.generator, g.discriminator}, "gan");
  g.gan->compile(compile_options("binary_crossentropy", "sgd", {{"learning_rate", 0.0}}));
  GanTrainerOptions o;
  o.latent_dim = 4;
  o.seed = 3;
  GanTrainer trainer(g.generator, g.discriminator, g.gan, o);
  const Tensor real = real_points(32);
  const GanStepResult first = trainer.step(real);
  GanStepResult last;
  for (int i = 0; i < 200; ++i) last = trainer.step(real);
  CHECK(last.d_loss < first.d_loss * 0.5);
  CHECK(last.d_real > 0.8);
  CHECK(last.d_fake < 0.2);
  CHECK(last.g_loss > first.g_loss);  // the fixed generator fools D less and less
}

TEST_CASE("GanTrainer: clear errors", "[model][generative]") {
  Gan g = tiny_gan(43);
  GanTrainerOptions o;
  o.latent_dim = 4;
  REQUIRE_THROWS_WITH(GanTrainer(g.generator, g.discriminator, g.gan, GanTrainerOptions{}),
                      Catch::Contains("ganTrainer") && Catch::Contains("latentDim"));
  GanTrainerOptions wrong_latent = o;
  wrong_latent.latent_dim = 5;
  REQUIRE_THROWS_WITH(GanTrainer(g.generator, g.discriminator, g.gan, wrong_latent),
                      Catch::Contains("latentDim = 5"));
  GanTrainerOptions smooth = o;
  smooth.label_smoothing = 1.0f;
  REQUIRE_THROWS_WITH(GanTrainer(g.generator, g.discriminator, g.gan, smooth), Catch::Contains("labelSmoothing"));

  auto uncompiled = Model::sequential({g.generator, g.discriminator}, "gan_uncompiled");
  REQUIRE_THROWS_WITH(GanTrainer(g.generator, g.discriminator, uncompiled, o),
                      Catch::Contains("compile the gan model"));

  set_global_seed(44);
  auto wide_d = Model::sequential({dense(4, "relu", {{"input_shape", {3}}}), dense(2, "softmax")}, "wide_d");
  wide_d->compile(compile_options("categorical_crossentropy", "sgd", {{"learning_rate", 0.1}}));
  REQUIRE_THROWS_WITH(GanTrainer(g.generator, wide_d, g.gan, o),
                      Catch::Contains("discriminator must output [batch, 1]") && Catch::Contains("[?, 2]"));

  GanTrainer trainer(g.generator, g.discriminator, g.gan, o);
  REQUIRE_THROWS_WITH(trainer.step(Tensor({8, 4})), Catch::Contains("real batch must be [?, 3], got [8, 4]"));
}

TEST_CASE("random tensors: seeded, with the requested moments", "[model][generative]") {
  Rng a(7), b(7);
  const Tensor n1 = random_normal({100, 50}, 2.0f, 0.5f, a);
  const Tensor n2 = random_normal({100, 50}, 2.0f, 0.5f, b);
  double sum = 0, sq = 0;
  for (std::size_t i = 0; i < n1.size(); ++i) {
    REQUIRE(n1[i] == n2[i]);
    sum += n1[i];
    sq += n1[i] * n1[i];
  }
  const double mean = sum / n1.size();
  CHECK(mean == Approx(2.0).margin(0.03));
  CHECK(std::sqrt(sq / n1.size() - mean * mean) == Approx(0.5).margin(0.02));
  const Tensor u = random_uniform({1000}, -3.0f, -1.0f, a);
  for (float v : u.span()) REQUIRE((v >= -3.0f && v < -1.0f));
  REQUIRE_THROWS_WITH(random_uniform({3}, 1.0f, 1.0f, a), Catch::Contains("randomUniform"));
  REQUIRE_THROWS_WITH(random_normal({3, 0}, 0.0f, 1.0f, a), Catch::Contains("positive"));
  REQUIRE_THROWS_WITH(random_normal({3}, 0.0f, -1.0f, a), Catch::Contains("stddev"));
}
