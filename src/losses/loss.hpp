#pragma once
// Losses: value and gradient in one call, with Keras semantics. Every loss reduces the
// way Keras' default "sum_over_batch_size" does: the per-entry loss (the last axis reduced
// as the Keras function does) is averaged over all remaining entries (batch and any time
// or spatial axes), and the gradient is divided accordingly.
#include <memory>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/tensor.hpp"

namespace simdnn {

class Loss {
 public:
  virtual ~Loss() = default;
  virtual std::string name() const = 0;  // Keras snake name: "mean_squared_error"
  // y_pred [batch, ...], y_true the same shape (a trailing axis of size 1 may be present on
  // one side only, as Keras squeezes it). sparse_categorical_crossentropy takes class ids with
  // the last axis dropped or of size 1. If grad != nullptr it is resized to y_pred's shape and
  // receives dLoss/dy_pred. Throws simdnn::Error naming the loss, the expected and the actual
  // shapes on mismatch, and on class ids out of range.
  virtual float compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const = 0;
  virtual Json config() const;  // {"name": ..., "reduction": ..., plus parameters}
};

// Accepts Keras function names and aliases ("mse", "kld", "logcosh"), Keras class names
// ("MeanSquaredError") and TF.js camelCase ("meanSquaredError"). The config takes the loss's
// Keras parameters (from_logits, label_smoothing, delta, axis) and the Keras bookkeeping keys
// "name" and "reduction" ("sum_over_batch_size" only). Unknown names or options -> Error.
std::unique_ptr<Loss> make_loss(const std::string& name, const Json& config = Json::object());

// Canonical (Keras snake) names of every loss make_loss knows.
std::vector<std::string> loss_names();

}  // namespace simdnn
