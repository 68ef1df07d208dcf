#pragma once
// Pieces shared by the loss implementations (internal to src/losses): target shape checks,
// the elementwise-mean pattern most Keras losses follow, option reading, and the factories
// the registry in loss.cpp dispatches to.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>
#include <string>

#include "core/tensor.hpp"
#include "layers/config_reader.hpp"
#include "losses/loss.hpp"

namespace simdnn::losses {

// Keras' backend.epsilon(): the bound probabilities are clipped to.
inline constexpr float kEpsilon = 1e-7f;

// y_pred viewed as `entries` rows of `width` values along its last axis.
struct EntryLayout {
  std::size_t entries = 0;
  std::size_t width = 0;
  std::size_t size() const { return entries * width; }
};

// y_true must have y_pred's shape or differ from it only by one trailing axis of size 1
// (Keras' squeeze_or_expand_to_same_rank does the same).
EntryLayout check_dense_targets(const std::string& loss, const Tensor& y_pred, const Tensor& y_true);
// One class id per entry: y_pred's shape without its last axis, or with that axis of size 1.
EntryLayout check_sparse_targets(const std::string& loss, const Tensor& y_pred,
                                 const Tensor& y_true);
// The class id stored (as float) at `entry`, checked to be an integer in [0, classes).
std::size_t class_id(const std::string& loss, float value, std::size_t entry, std::size_t classes);

// Resizes grad to y_pred's shape and returns its data; nullptr when no gradient is wanted.
float* prepare_grad(const Tensor& y_pred, Tensor* grad);

// TensorFlow's gradient of clip_by_value passes through on the closed interval only.
inline bool inside(float x, float low, float high) { return x >= low && x <= high; }

// log(1 + exp(x)) without overflow.
inline float softplus(float x) {
  return std::max(x, 0.0f) + std::log1p(std::exp(-std::fabs(x)));
}

inline float sign_of(float x) { return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : 0.0f); }

// Most Keras losses are mean(term(y_pred, y_true), axis=-1); averaged over the entries that
// makes the batch loss the mean of the term over every element. term(p, t, dp) returns the
// term and writes its derivative with respect to p into dp.
template <typename Term>
float mean_of_elementwise(const std::string& loss, const Tensor& y_pred, const Tensor& y_true,
                          Tensor* grad, Term term) {
  const EntryLayout layout = check_dense_targets(loss, y_pred, y_true);
  float* g = prepare_grad(y_pred, grad);
  const std::size_t n = layout.size();
  if (n == 0) return 0.0f;
  const float* p = y_pred.data();
  const float* t = y_true.data();
  const float scale = 1.0f / static_cast<float>(n);
  double total = 0.0;  // double: a batch sum of many float terms loses digits otherwise
  for (std::size_t i = 0; i < n; ++i) {
    float dp = 0.0f;
    total += term(p[i], t[i], dp);
    if (g) g[i] = dp * scale;
  }
  return static_cast<float>(total / static_cast<double>(n));
}

// A numeric option read as double (so configs round-trip without float noise), in [low, high].
double number_option(ConfigReader& reader, const std::string& key, double fallback, double low,
                     double high);
// Accepts only axis -1 (the last axis), which is all these losses reduce over.
void last_axis_only(ConfigReader& reader);

// One factory per loss; each reads its own options from the reader.
std::unique_ptr<Loss> make_mean_squared_error(ConfigReader& reader);
std::unique_ptr<Loss> make_mean_absolute_error(ConfigReader& reader);
std::unique_ptr<Loss> make_huber(ConfigReader& reader);
std::unique_ptr<Loss> make_log_cosh(ConfigReader& reader);
std::unique_ptr<Loss> make_cosine_similarity(ConfigReader& reader);
std::unique_ptr<Loss> make_binary_crossentropy(ConfigReader& reader);
std::unique_ptr<Loss> make_categorical_crossentropy(ConfigReader& reader);
std::unique_ptr<Loss> make_sparse_categorical_crossentropy(ConfigReader& reader);
std::unique_ptr<Loss> make_kl_divergence(ConfigReader& reader);
std::unique_ptr<Loss> make_poisson(ConfigReader& reader);
std::unique_ptr<Loss> make_hinge(ConfigReader& reader);
std::unique_ptr<Loss> make_squared_hinge(ConfigReader& reader);

}  // namespace simdnn::losses
