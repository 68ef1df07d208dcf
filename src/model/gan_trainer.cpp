#include "model/gan_trainer.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace simdnn {

namespace {
constexpr const char* kWhere = "ganTrainer";

double mean_of(const float* values, std::size_t n) {
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) sum += values[i];
  return n ? sum / static_cast<double>(n) : 0.0;
}

void check_shape(const Shape& s) {
  check(!s.empty(), "random tensor: shape must have at least one axis");
  for (int d : s) check(d >= 1, "random tensor: dimensions must be positive, got ", shape_text(s));
}
}  // namespace

GanTrainer::GanTrainer(std::shared_ptr<Model> generator, std::shared_ptr<Model> discriminator,
                       std::shared_ptr<Model> gan, const GanTrainerOptions& options)
    : generator_(std::move(generator)),
      discriminator_(std::move(discriminator)),
      gan_(std::move(gan)),
      options_(options),
      rng_(options.seed) {
  check(generator_ && discriminator_ && gan_, kWhere, ": needs generator, discriminator and gan models");
  check(options_.latent_dim >= 1, kWhere, ": latentDim must be a positive integer, got ", options_.latent_dim);
  check(std::isfinite(options_.label_smoothing) && options_.label_smoothing >= 0.0f &&
            options_.label_smoothing < 1.0f,
        kWhere, ": labelSmoothing must be in [0, 1), got ", options_.label_smoothing);
  check(discriminator_->graph_ready() && generator_->graph_ready() && gan_->graph_ready(), kWhere,
        ": generator, discriminator and gan must be built (give their first layers an inputShape)");
  check(discriminator_->compiled(), kWhere, ": compile the discriminator ('", discriminator_->name(),
        "') before making the trainer");
  check(gan_->compiled(), kWhere, ": compile the gan model ('", gan_->name(),
        "') after setting discriminator.trainable = false, before making the trainer");
  const auto d_out = discriminator_->model_output_shapes();
  check(d_out.size() == 1 && d_out[0] == Shape{1}, kWhere, ": the discriminator must output [batch, 1], got ",
        d_out.size() == 1 ? batch_shape_str(d_out[0]) : std::to_string(d_out.size()) + " outputs");
  const auto g_in = generator_->model_input_shapes();
  check(g_in.size() == 1 && g_in[0] == Shape{options_.latent_dim}, kWhere,
        ": the generator must take [batch, latentDim = ", options_.latent_dim, "], it takes ",
        g_in.size() == 1 ? batch_shape_str(g_in[0]) : std::to_string(g_in.size()) + " inputs");
  const auto g_out = generator_->model_output_shapes();
  const auto d_in = discriminator_->model_input_shapes();
  check(g_out.size() == 1 && d_in.size() == 1 && g_out[0] == d_in[0], kWhere,
        ": the generator's output ", g_out.empty() ? "?" : batch_shape_str(g_out[0]),
        " must match the discriminator's input ", d_in.empty() ? "?" : batch_shape_str(d_in[0]));
  const auto gan_in = gan_->model_input_shapes();
  const auto gan_out = gan_->model_output_shapes();
  check(gan_in.size() == 1 && gan_in[0] == g_in[0] && gan_out.size() == 1 && gan_out[0] == Shape{1},
        kWhere, ": the gan model must map [batch, ", options_.latent_dim, "] noise to [batch, 1]");
}

GanStepResult GanTrainer::step(const Tensor& real) {
  const Shape sample = discriminator_->model_input_shapes()[0];
  const bool ok = real.rank() == static_cast<int>(sample.size()) + 1 &&
                  std::equal(sample.begin(), sample.end(), real.shape().begin() + 1) && real.dim(0) >= 1;
  check(ok, kWhere, ".step: real batch must be ", batch_shape_text(sample), ", got ", shape_text(real.shape()));
  const int batch = real.dim(0);
  const std::size_t per_sample = real.size() / batch;

  noise_.resize({batch, options_.latent_dim});
  for (float& v : noise_.span()) v = rng_.normal(0.0f, 1.0f);
  const std::vector<Tensor> fake = generator_->predict_on_batch({noise_});

  // Real first, fake second, as one batch: one optimizer step for D per GAN step.
  d_inputs_.resize(with_batch(2 * batch, sample));
  std::copy_n(real.data(), real.size(), d_inputs_.data());
  std::copy_n(fake[0].data(), fake[0].size(), d_inputs_.data() + batch * per_sample);
  d_labels_.resize({2 * batch, 1});
  std::fill_n(d_labels_.data(), batch, 1.0f - options_.label_smoothing);
  std::fill_n(d_labels_.data() + batch, batch, 0.0f);

  GanStepResult result;
  discriminator_->reset_metrics();
  const Logs d_logs = discriminator_->train_on_batch({d_inputs_}, {d_labels_});
  result.d_loss = d_logs.get("loss").value_or(0.0);
  const Tensor& d_out = discriminator_->last_outputs()[0];
  result.d_real = mean_of(d_out.data(), batch);
  result.d_fake = mean_of(d_out.data() + batch, batch);

  for (float& v : noise_.span()) v = rng_.normal(0.0f, 1.0f);
  g_labels_.resize({batch, 1});
  g_labels_.fill(1.0f);
  gan_->reset_metrics();
  const Logs g_logs = gan_->train_on_batch({noise_}, {g_labels_});
  result.g_loss = g_logs.get("loss").value_or(0.0);
  return result;
}

Tensor random_normal(const Shape& shape, float mean, float stddev, Rng& rng) {
  check_shape(shape);
  check(std::isfinite(mean) && std::isfinite(stddev) && stddev >= 0.0f,
        "randomNormal: stddev must be a non-negative number and mean finite, got mean ", mean, ", stddev ", stddev);
  Tensor t(shape);
  for (float& v : t.span()) v = rng.normal(mean, stddev);
  return t;
}

Tensor random_uniform(const Shape& shape, float minval, float maxval, Rng& rng) {
  check_shape(shape);
  check(std::isfinite(minval) && std::isfinite(maxval) && minval < maxval,
        "randomUniform: needs finite minval < maxval, got ", minval, " and ", maxval);
  Tensor t(shape);
  for (float& v : t.span()) v = rng.uniform(minval, maxval);
  return t;
}

}  // namespace simdnn
