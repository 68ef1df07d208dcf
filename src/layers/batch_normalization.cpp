#include "layers/batch_normalization.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/error.hpp"
#include "layers/config_helpers.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {
namespace {

// Rows of the per-call [kStatRows, channels] tensor kept in saved[1].
enum StatRow : int {
  kMean, kVariance, kInvStd,
  kSumDy, kSumDyXHat,  // backward: sums over everything but the channel axis
  kStatRows
};

// Keras accepts the axis as an int or, in Keras 2 configs written after build, as a list
// holding one positive int ([3] for NHWC).
int read_axis(ConfigReader& reader) {
  const Json* value = reader.raw_or_null("axis");
  if (value == nullptr) return -1;
  const Json* single = value;
  if (value->is_array()) {
    check(value->size() == 1, reader.context(),
          ": option 'axis' must be one axis (normalising over several axes is not supported), got ",
          value->dump());
    single = &(*value)[0];
  }
  check(single->is_number_integer(), reader.context(), ": option 'axis' must be an integer, got ",
        value->dump());
  return single->get<int>();
}

}  // namespace

BatchNormalization::BatchNormalization(std::string name, const BatchNormalizationOptions& options)
    : Layer(std::move(name)),
      axis_(options.axis),
      momentum_(options.momentum),
      epsilon_(options.epsilon),
      center_(options.center),
      scale_(options.scale),
      synchronized_(options.synchronized),
      beta_initializer_(Initializer::from_spec(options.beta_initializer,
                                               context() + ": option 'beta_initializer'")),
      gamma_initializer_(Initializer::from_spec(options.gamma_initializer,
                                                context() + ": option 'gamma_initializer'")),
      moving_mean_initializer_(Initializer::from_spec(
          options.moving_mean_initializer, context() + ": option 'moving_mean_initializer'")),
      moving_variance_initializer_(Initializer::from_spec(
          options.moving_variance_initializer,
          context() + ": option 'moving_variance_initializer'")) {
  check(axis_ != 0, context(), ": axis 0 is the batch axis and cannot be normalised, got axis 0");
  check(momentum_ >= 0.0f && momentum_ <= 1.0f, context(), ": momentum must be in [0, 1], got ",
        momentum_);
  check(epsilon_ > 0.0f && std::isfinite(epsilon_), context(),
        ": epsilon must be a positive number, got ", epsilon_);
}

std::shared_ptr<BatchNormalization> BatchNormalization::from_config(const Json& config) {
  ConfigReader reader(config, "BatchNormalization");
  const std::string name = reader.name();
  BatchNormalizationOptions options;
  options.axis = read_axis(reader);
  options.momentum = reader.number("momentum", options.momentum);
  options.epsilon = reader.number("epsilon", options.epsilon);
  options.center = reader.boolean("center", true);
  options.scale = reader.boolean("scale", true);
  options.synchronized = reader.boolean("synchronized", false);
  for (auto [key, target] : {std::pair{"beta_initializer", &options.beta_initializer},
                             std::pair{"gamma_initializer", &options.gamma_initializer},
                             std::pair{"moving_mean_initializer", &options.moving_mean_initializer},
                             std::pair{"moving_variance_initializer",
                                       &options.moving_variance_initializer}})
    if (const Json* spec = reader.raw_or_null(key)) *target = *spec;
  accept_only_null(reader, {"beta_regularizer", "gamma_regularizer", "beta_constraint",
                            "gamma_constraint", "renorm_clipping", "virtual_batch_size",
                            "adjustment"});
  // Keras 2 fields: batch renormalisation is not implemented; renorm_momentum (unused
  // without renorm) and fused (it only picks a TF kernel) are read, and validated, so that
  // finish() accepts them.
  check(!reader.boolean("renorm", false), reader.context(),
        ": option 'renorm' (batch renormalization) is not supported, got true");
  reader.number("renorm_momentum", 0.99f);
  reader.boolean("fused", true);
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<BatchNormalization>(name, options);
  layer->set_trainable(trainable);
  return layer;
}

Json BatchNormalization::config() const {
  Json c = base_config();
  c["axis"] = axis_;
  c["momentum"] = json_float(momentum_);
  c["epsilon"] = json_float(epsilon_);
  c["center"] = center_;
  c["scale"] = scale_;
  c["beta_initializer"] = beta_initializer_.to_json();
  c["gamma_initializer"] = gamma_initializer_.to_json();
  c["moving_mean_initializer"] = moving_mean_initializer_.to_json();
  c["moving_variance_initializer"] = moving_variance_initializer_.to_json();
  for (const char* key : {"beta_regularizer", "gamma_regularizer", "beta_constraint",
                          "gamma_constraint"})
    c[key] = nullptr;
  c["synchronized"] = synchronized_;
  return c;
}

std::vector<Shape> BatchNormalization::do_build(const std::vector<Shape>& input_shapes, Rng& rng) {
  const Shape& in = input_shapes[0];
  const int rank = static_cast<int>(in.size()) + 1;  // with the batch axis, as Keras counts
  check(!in.empty(), context(), ": expected an input of rank 2 or more ([batch, features]), got ",
        batch_shape_text(in));
  const int axis = axis_ < 0 ? axis_ + rank : axis_;
  check(axis >= 1 && axis < rank, context(), ": axis ", axis_, " is out of range for input ",
        batch_shape_text(in), " (expected 1..", rank - 1, " or -", rank - 1, "..-1)");
  const int sample_axis = axis - 1;
  channels_ = in[sample_axis];
  inner_ = 1;
  for (int d = sample_axis + 1; d < static_cast<int>(in.size()); ++d) inner_ *= in[d];

  const Shape channel_shape{channels_};
  if (scale_) {
    gamma_.resize(channel_shape);
    gamma_initializer_.fill(gamma_, rng);
    gamma_grad_ = Tensor(channel_shape);
  }
  if (center_) {
    beta_.resize(channel_shape);
    beta_initializer_.fill(beta_, rng);
    beta_grad_ = Tensor(channel_shape);
  }
  moving_mean_.resize(channel_shape);
  moving_mean_initializer_.fill(moving_mean_, rng);
  moving_variance_.resize(channel_shape);
  moving_variance_initializer_.fill(moving_variance_, rng);
  return {in};
}

std::vector<Param> BatchNormalization::params() {
  std::vector<Param> p;
  if (scale_) p.push_back({"gamma", &gamma_, &gamma_grad_, true});
  if (center_) p.push_back({"beta", &beta_, &beta_grad_, true});
  p.push_back({"moving_mean", &moving_mean_, nullptr, false});
  p.push_back({"moving_variance", &moving_variance_, nullptr, false});
  return p;
}

// Two passes (mean, then squared deviations) rather than E[x^2] - E[x]^2, which loses
// everything to cancellation when the mean is large against the spread.
void BatchNormalization::compute_batch_statistics(const Tensor& x, float* mean,
                                                  float* variance) const {
  const std::size_t block = static_cast<std::size_t>(channels_) * inner_;
  const std::size_t rows = x.size() / block;
  const float inv_count = 1.0f / static_cast<float>(rows * inner_);
  std::fill(mean, mean + channels_, 0.0f);
  std::fill(variance, variance + channels_, 0.0f);
  for (std::size_t r = 0; r < rows; ++r) {
    const float* in = x.data() + r * block;
    for (int c = 0; c < channels_; ++c) {
      float total = 0.0f;
      for (int i = 0; i < inner_; ++i) total += in[c * inner_ + i];
      mean[c] += total;
    }
  }
  for (int c = 0; c < channels_; ++c) mean[c] *= inv_count;
  for (std::size_t r = 0; r < rows; ++r) {
    const float* in = x.data() + r * block;
    for (int c = 0; c < channels_; ++c) {
      float total = 0.0f;
      for (int i = 0; i < inner_; ++i) {
        const float deviation = in[c * inner_ + i] - mean[c];
        total += deviation * deviation;
      }
      variance[c] += total;
    }
  }
  for (int c = 0; c < channels_; ++c) variance[c] *= inv_count;
}

void BatchNormalization::forward(LayerCall& call) {
  check_inputs(call);
  const Tensor& x = *call.inputs[0];
  const std::size_t block = static_cast<std::size_t>(channels_) * inner_;
  const std::size_t rows = x.size() / block;
  call.outputs.resize(1);
  Tensor& y = call.outputs[0];
  y.resize(x.shape());
  // saved[0]: the normalised input x_hat; saved[1]: per-channel statistics (StatRow).
  call.saved.resize(2);
  Tensor& x_hat = call.saved[0];
  x_hat.resize(x.shape());
  Tensor& stats = call.saved[1];
  stats.resize({kStatRows, channels_});
  float* mean = stats.data() + kMean * channels_;
  float* variance = stats.data() + kVariance * channels_;
  float* inv_std = stats.data() + kInvStd * channels_;

  if (uses_batch_statistics(call)) {
    check(rows > 0, context(), ": training needs a batch of at least one sample, got ",
          shape_text(x.shape()));
    compute_batch_statistics(x, mean, variance);
    const float keep = momentum_, take = 1.0f - momentum_;
    for (int c = 0; c < channels_; ++c) {
      moving_mean_[c] = moving_mean_[c] * keep + mean[c] * take;
      moving_variance_[c] = moving_variance_[c] * keep + variance[c] * take;
    }
  } else {
    std::copy_n(moving_mean_.data(), channels_, mean);
    std::copy_n(moving_variance_.data(), channels_, variance);
  }
  for (int c = 0; c < channels_; ++c) inv_std[c] = 1.0f / std::sqrt(variance[c] + epsilon_);

  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t offset = r * block;
    for (int c = 0; c < channels_; ++c) {
      const float shift = mean[c], factor = inv_std[c];
      const float g = scale_ ? gamma_[c] : 1.0f, b = center_ ? beta_[c] : 0.0f;
      for (int i = 0; i < inner_; ++i) {
        const std::size_t k = offset + static_cast<std::size_t>(c) * inner_ + i;
        const float normalised = (x[k] - shift) * factor;
        x_hat[k] = normalised;
        y[k] = normalised * g + b;
      }
    }
  }
}

void BatchNormalization::backward(LayerCall& call) {
  check_grad_outputs(call);
  const Tensor& dy = *call.grad_outputs[0];
  const Tensor& x_hat = call.saved[0];
  Tensor& stats = call.saved[1];
  const float* inv_std = stats.data() + kInvStd * channels_;
  float* sum_dy = stats.data() + kSumDy * channels_;
  float* sum_dy_x_hat = stats.data() + kSumDyXHat * channels_;
  const std::size_t block = static_cast<std::size_t>(channels_) * inner_;
  const std::size_t rows = dy.size() / block;

  std::fill(sum_dy, sum_dy + channels_, 0.0f);
  std::fill(sum_dy_x_hat, sum_dy_x_hat + channels_, 0.0f);
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t offset = r * block;
    for (int c = 0; c < channels_; ++c) {
      float total = 0.0f, weighted = 0.0f;
      for (int i = 0; i < inner_; ++i) {
        const std::size_t k = offset + static_cast<std::size_t>(c) * inner_ + i;
        total += dy[k];
        weighted += dy[k] * x_hat[k];
      }
      sum_dy[c] += total;
      sum_dy_x_hat[c] += weighted;
    }
  }
  // Parameter gradients accumulate: shared layers sum over their calls.
  for (int c = 0; c < channels_; ++c) {
    if (scale_) gamma_grad_[c] += sum_dy_x_hat[c];
    if (center_) beta_grad_[c] += sum_dy[c];
  }

  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  Tensor& dx = call.grad_inputs[0];
  dx.resize(dy.shape());
  // With batch statistics the mean and variance depend on x too:
  //   dx = gamma * inv_std * (dy - mean(dy) - x_hat * mean(dy * x_hat)),
  // means over everything but the channel axis. With fixed statistics it is the affine part.
  const bool batch_statistics = uses_batch_statistics(call);
  const float inv_count = batch_statistics ? 1.0f / static_cast<float>(rows * inner_) : 0.0f;
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t offset = r * block;
    for (int c = 0; c < channels_; ++c) {
      const float factor = (scale_ ? gamma_[c] : 1.0f) * inv_std[c];
      const float mean_dy = sum_dy[c] * inv_count, mean_dy_x_hat = sum_dy_x_hat[c] * inv_count;
      for (int i = 0; i < inner_; ++i) {
        const std::size_t k = offset + static_cast<std::size_t>(c) * inner_ + i;
        dx[k] = factor * (dy[k] - mean_dy - x_hat[k] * mean_dy_x_hat);
      }
    }
  }
}

SIMDNN_REGISTER_LAYER(BatchNormalization)

}  // namespace simdnn
