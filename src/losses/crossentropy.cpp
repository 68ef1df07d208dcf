// Crossentropies: binary, categorical and sparse categorical, from probabilities (clipped to
// [eps, 1 - eps] as Keras' TensorFlow backend does) or from logits (computed stably).
// Reference: keras/src/losses/losses.py and keras/src/backend/tensorflow/nn.py (Keras 3).
#include <cmath>

#include "losses/loss_support.hpp"

namespace simdnn::losses {
namespace {

constexpr float kLow = kEpsilon;
constexpr float kHigh = 1.0f - kEpsilon;  // rounded to float, as in Keras' float32 graph

float clip_probability(float p) { return std::min(std::max(p, kLow), kHigh); }

// Keras' own crossentropy options. label_smoothing does not apply to the sparse loss.
struct CrossentropyOptions {
  bool from_logits = false;
  double label_smoothing = 0.0;
};

Json crossentropy_config(const Loss& loss, const CrossentropyOptions& options, bool smoothing) {
  Json c = loss.Loss::config();
  c["from_logits"] = options.from_logits;
  if (smoothing) c["label_smoothing"] = options.label_smoothing;
  c["axis"] = -1;
  return c;
}

class BinaryCrossentropy final : public Loss {
 public:
  explicit BinaryCrossentropy(CrossentropyOptions options) : options_(options) {}
  std::string name() const override { return "binary_crossentropy"; }
  float compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const override {
    const float smoothing = static_cast<float>(options_.label_smoothing);
    const float keep = 1.0f - smoothing;
    const float shift = 0.5f * smoothing;
    if (options_.from_logits) {
      // sigmoid_cross_entropy_with_logits: max(x, 0) - x t + log(1 + exp(-|x|)).
      return mean_of_elementwise(name(), y_pred, y_true, grad,
                                 [keep, shift](float x, float t, float& dx) {
                                   t = t * keep + shift;
                                   dx = 1.0f / (1.0f + std::exp(-x)) - t;
                                   return softplus(x) - x * t;
                                 });
    }
    return mean_of_elementwise(name(), y_pred, y_true, grad,
                               [keep, shift](float p, float t, float& dp) {
                                 t = t * keep + shift;
                                 const float c = clip_probability(p);
                                 dp = inside(p, kLow, kHigh) ? (1.0f - t) / (1.0f - c) - t / c
                                                             : 0.0f;
                                 return -(t * std::log(c) + (1.0f - t) * std::log(1.0f - c));
                               });
  }
  Json config() const override { return crossentropy_config(*this, options_, true); }

 private:
  CrossentropyOptions options_;
};

class CategoricalCrossentropy final : public Loss {
 public:
  explicit CategoricalCrossentropy(CrossentropyOptions options) : options_(options) {}
  std::string name() const override { return "categorical_crossentropy"; }

  float compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const override {
    const EntryLayout layout = check_dense_targets(name(), y_pred, y_true);
    float* g = prepare_grad(y_pred, grad);
    if (layout.entries == 0 || layout.width == 0) return 0.0f;
    const float smoothing = static_cast<float>(options_.label_smoothing);
    const float keep = 1.0f - smoothing;
    const float shift = smoothing / static_cast<float>(layout.width);
    const float scale = 1.0f / static_cast<float>(layout.entries);
    double total = 0.0;
    for (std::size_t e = 0; e < layout.entries; ++e) {
      const std::size_t offset = e * layout.width;
      const float* p = y_pred.data() + offset;
      const float* t = y_true.data() + offset;
      float* gr = g ? g + offset : nullptr;
      total += options_.from_logits ? from_logits(p, t, gr, layout.width, keep, shift, scale)
                                    : from_probabilities(p, t, gr, layout.width, keep, shift,
                                                         scale);
    }
    return static_cast<float>(total / static_cast<double>(layout.entries));
  }
  Json config() const override { return crossentropy_config(*this, options_, true); }

 private:
  // softmax_cross_entropy_with_logits: sum_j t_j (lse(x) - x_j). Its exact gradient is
  // softmax * sum(t) - t (TensorFlow's kernel assumes sum(t) == 1; so do one-hot labels).
  static double from_logits(const float* x, const float* t, float* g, std::size_t width,
                            float keep, float shift, float scale) {
    float max_x = x[0];
    for (std::size_t j = 1; j < width; ++j) max_x = std::max(max_x, x[j]);
    float sum_exp = 0.0f, t_sum = 0.0f, t_dot_x = 0.0f;
    for (std::size_t j = 0; j < width; ++j) {
      const float tj = t[j] * keep + shift;
      sum_exp += std::exp(x[j] - max_x);
      t_sum += tj;
      t_dot_x += tj * (x[j] - max_x);
    }
    const float log_sum = std::log(sum_exp);
    if (g) {
      for (std::size_t j = 0; j < width; ++j) {
        const float softmax = std::exp(x[j] - max_x - log_sum);
        g[j] = (softmax * t_sum - (t[j] * keep + shift)) * scale;
      }
    }
    return static_cast<double>(t_sum * log_sum - t_dot_x);
  }

  // Keras first rescales the row to sum to 1, then clips, then takes -sum(t log q).
  static double from_probabilities(const float* p, const float* t, float* g, std::size_t width,
                                   float keep, float shift, float scale) {
    float row_sum = 0.0f;
    for (std::size_t j = 0; j < width; ++j) row_sum += p[j];
    double loss = 0.0;
    float a_dot_q = 0.0f;  // sum_j dL/dq_j * q_j, for the gradient through the rescaling
    for (std::size_t j = 0; j < width; ++j) {
      const float tj = t[j] * keep + shift;
      const float q = p[j] / row_sum;
      const float c = clip_probability(q);
      loss -= static_cast<double>(tj * std::log(c));
      if (g) {
        const float a = inside(q, kLow, kHigh) ? -tj / c : 0.0f;  // dL/dq_j
        g[j] = a;
        a_dot_q += a * q;
      }
    }
    if (g) {
      // q_j = p_j / s: dL/dp_k = (dL/dq_k - sum_j dL/dq_j q_j) / s.
      const float factor = scale / row_sum;
      for (std::size_t j = 0; j < width; ++j) g[j] = (g[j] - a_dot_q) * factor;
    }
    return loss;
  }

  CrossentropyOptions options_;
};

class SparseCategoricalCrossentropy final : public Loss {
 public:
  explicit SparseCategoricalCrossentropy(bool from_logits) : from_logits_(from_logits) {}
  std::string name() const override { return "sparse_categorical_crossentropy"; }

  // From probabilities Keras clips, takes the log and feeds that to the sparse softmax
  // crossentropy, so the clipped row is renormalised: -log c_y + log sum_j c_j.
  float compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const override {
    const EntryLayout layout = check_sparse_targets(name(), y_pred, y_true);
    float* g = prepare_grad(y_pred, grad);
    if (layout.entries == 0) return 0.0f;
    const float scale = 1.0f / static_cast<float>(layout.entries);
    double total = 0.0;
    for (std::size_t e = 0; e < layout.entries; ++e) {
      const std::size_t label = class_id(name(), y_true[e], e, layout.width);
      const float* p = y_pred.data() + e * layout.width;
      float* gr = g ? g + e * layout.width : nullptr;
      total += from_logits_ ? from_logits(p, label, gr, layout.width, scale)
                            : from_probabilities(p, label, gr, layout.width, scale);
    }
    return static_cast<float>(total / static_cast<double>(layout.entries));
  }
  Json config() const override {
    Json c = Loss::config();
    c["from_logits"] = from_logits_;
    c["ignore_class"] = nullptr;
    c["axis"] = -1;
    return c;
  }

 private:
  static double from_logits(const float* x, std::size_t label, float* g, std::size_t width,
                            float scale) {
    float max_x = x[0];
    for (std::size_t j = 1; j < width; ++j) max_x = std::max(max_x, x[j]);
    float sum_exp = 0.0f;
    for (std::size_t j = 0; j < width; ++j) sum_exp += std::exp(x[j] - max_x);
    const float log_sum = std::log(sum_exp);
    if (g) {
      for (std::size_t j = 0; j < width; ++j) g[j] = std::exp(x[j] - max_x - log_sum) * scale;
      g[label] -= scale;
    }
    return static_cast<double>(log_sum - (x[label] - max_x));
  }

  static double from_probabilities(const float* p, std::size_t label, float* g,
                                   std::size_t width, float scale) {
    float clipped_sum = 0.0f;
    for (std::size_t j = 0; j < width; ++j) clipped_sum += clip_probability(p[j]);
    const float c_label = clip_probability(p[label]);
    if (g) {
      const float share = scale / clipped_sum;
      for (std::size_t j = 0; j < width; ++j) g[j] = inside(p[j], kLow, kHigh) ? share : 0.0f;
      if (inside(p[label], kLow, kHigh)) g[label] -= scale / c_label;
    }
    return static_cast<double>(std::log(clipped_sum) - std::log(c_label));
  }

  bool from_logits_;
};

CrossentropyOptions read_options(ConfigReader& reader, bool smoothing) {
  CrossentropyOptions options;
  options.from_logits = reader.boolean("from_logits", false);
  if (smoothing) options.label_smoothing = number_option(reader, "label_smoothing", 0.0, 0.0, 1.0);
  last_axis_only(reader);
  return options;
}

}  // namespace

std::unique_ptr<Loss> make_binary_crossentropy(ConfigReader& reader) {
  return std::make_unique<BinaryCrossentropy>(read_options(reader, true));
}
std::unique_ptr<Loss> make_categorical_crossentropy(ConfigReader& reader) {
  return std::make_unique<CategoricalCrossentropy>(read_options(reader, true));
}
std::unique_ptr<Loss> make_sparse_categorical_crossentropy(ConfigReader& reader) {
  const Json* ignore_class = reader.raw_or_null("ignore_class");
  check(!ignore_class, reader.context(), ": option 'ignore_class' is not supported, got ",
        ignore_class ? ignore_class->dump() : "");
  return std::make_unique<SparseCategoricalCrossentropy>(read_options(reader, false).from_logits);
}

}  // namespace simdnn::losses
