#pragma once
// One GAN training step in the engine (the Keras GAN loop), so a page can call it once per
// animation frame: the discriminator learns on real samples (label 1 - label_smoothing) and on
// the generator's samples from fresh noise (label 0) in one train_on_batch, then the combined
// model (generator -> frozen discriminator, compiled after `discriminator.trainable = false`)
// learns to make the discriminator answer 1 on new noise.
#include <array>
#include <cstdint>
#include <memory>

#include "core/rng.hpp"
#include "core/tensor.hpp"
#include "model/model.hpp"

namespace simdnn {

struct GanStepResult {
  double d_loss = 0.0;  // the discriminator's train_on_batch loss on real + fake
  double g_loss = 0.0;  // the combined model's train_on_batch loss
  double d_real = 0.0;  // mean D output on the real half (forward pass before D's update)
  double d_fake = 0.0;  // mean D output on the fake half
};

struct GanTrainerOptions {
  int latent_dim = 0;
  float label_smoothing = 0.0f;  // real labels are 1 - label_smoothing (one-sided, Salimans et al.)
  std::uint64_t seed = 0;        // the noise stream
};

class GanTrainer {
 public:
  // Checks that the three models fit together: gan and discriminator compiled, gan input
  // [latent_dim], generator output = discriminator input, discriminator output [1].
  GanTrainer(std::shared_ptr<Model> generator, std::shared_ptr<Model> discriminator,
             std::shared_ptr<Model> gan, const GanTrainerOptions& options);
  // real: [batch, ...discriminator input shape].
  GanStepResult step(const Tensor& real);
  // The noise stream's position, so a checkpointed GAN resumes drawing the same noise as an
  // uninterrupted run would (the models' own random state travels in their files).
  std::array<std::uint32_t, 4> random_state() const { return rng_.state(); }
  void set_random_state(const std::array<std::uint32_t, 4>& state) { rng_.set_state(state); }

 private:
  std::shared_ptr<Model> generator_, discriminator_, gan_;
  GanTrainerOptions options_;
  Rng rng_;
  // Reused across steps of the same batch size.
  Tensor noise_, d_inputs_, d_labels_, g_labels_;
};

// Tensors drawn from an Rng (nn.randomNormal / nn.randomUniform).
Tensor random_normal(const Shape& shape, float mean, float stddev, Rng& rng);
Tensor random_uniform(const Shape& shape, float minval, float maxval, Rng& rng);

}  // namespace simdnn
