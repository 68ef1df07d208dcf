#pragma once
// Metrics accumulate over batches (weighted by batch size) and report the running mean.
#include <memory>
#include <string>

#include "core/tensor.hpp"

namespace simdnn {

class Metric {
 public:
  virtual ~Metric() = default;
  virtual std::string name() const = 0;
  // Adds one batch; y_true uses the same conventions as the compiled loss.
  virtual void update(const Tensor& y_pred, const Tensor& y_true) = 0;
  double result() const { return count_ > 0 ? total_ / count_ : 0.0; }
  void reset() { total_ = count_ = 0.0; }

 protected:
  void add(double total, double count) {
    total_ += total;
    count_ += count;
  }

 private:
  double total_ = 0.0, count_ = 0.0;
};

// Keras metric names: "accuracy"/"acc" (resolved from the loss and output shape as Keras
// does), "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy", "mae",
// "mse" (long Keras names and TF.js camelCase accepted). Unknown names throw.
std::unique_ptr<Metric> make_metric(const std::string& name, const std::string& loss_name,
                                    int output_last_dim);

}  // namespace simdnn
