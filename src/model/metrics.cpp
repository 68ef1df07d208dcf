#include "model/metrics.hpp"

#include <cmath>

#include "core/error.hpp"
#include "kernels/reductions.hpp"

namespace simdnn {
namespace {

std::size_t last_dim(const Tensor& t) { return t.rank() ? static_cast<std::size_t>(t.shape().back()) : 1; }

class BinaryAccuracy : public Metric {
 public:
  explicit BinaryAccuracy(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  void update(const Tensor& p, const Tensor& t) override {
    check(p.size() == t.size(), name_, ": predictions have ", p.size(), " values, targets ", t.size());
    double hits = 0;
    for (std::size_t i = 0; i < p.size(); ++i) hits += ((p[i] > 0.5f) == (t[i] > 0.5f));
    add(hits, static_cast<double>(p.size()));
  }

 private:
  std::string name_;
};

class CategoricalAccuracy : public Metric {
 public:
  explicit CategoricalAccuracy(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  void update(const Tensor& p, const Tensor& t) override {
    check(p.shape() == t.shape(), name_, ": predictions ", shape_text(p.shape()),
          " and one-hot targets ", shape_text(t.shape()), " differ");
    const std::size_t cols = last_dim(p), rows = p.size() / cols;
    pred_.resize(rows);
    true_.resize(rows);
    kernels::argmax_rows(p.data(), rows, cols, pred_.data());
    kernels::argmax_rows(t.data(), rows, cols, true_.data());
    double hits = 0;
    for (std::size_t r = 0; r < rows; ++r) hits += pred_[r] == true_[r];
    add(hits, static_cast<double>(rows));
  }

 private:
  std::string name_;
  std::vector<int> pred_, true_;
};

class SparseCategoricalAccuracy : public Metric {
 public:
  explicit SparseCategoricalAccuracy(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  void update(const Tensor& p, const Tensor& t) override {
    const std::size_t cols = last_dim(p), rows = p.size() / cols;
    check(t.size() == rows, name_, ": expected ", rows, " class ids, got ", t.size());
    pred_.resize(rows);
    kernels::argmax_rows(p.data(), rows, cols, pred_.data());
    double hits = 0;
    for (std::size_t r = 0; r < rows; ++r) hits += pred_[r] == static_cast<int>(t[r]);
    add(hits, static_cast<double>(rows));
  }

 private:
  std::string name_;
  std::vector<int> pred_;
};

class MeanError : public Metric {
 public:
  MeanError(std::string name, bool squared) : name_(std::move(name)), squared_(squared) {}
  std::string name() const override { return name_; }
  void update(const Tensor& p, const Tensor& t) override {
    check(p.size() == t.size(), name_, ": predictions have ", p.size(), " values, targets ", t.size());
    double total = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      const double d = static_cast<double>(p[i]) - t[i];
      total += squared_ ? d * d : std::fabs(d);
    }
    // Keras: mean over the last axis per sample, then mean over samples == overall mean.
    add(total / static_cast<double>(last_dim(p)), static_cast<double>(p.size() / last_dim(p)));
  }

 private:
  std::string name_;
  bool squared_;
};

}  // namespace

std::unique_ptr<Metric> make_metric(const std::string& name, const std::string& loss_name,
                                    int output_last_dim) {
  if (name == "accuracy" || name == "acc") {
    if (loss_name == "sparse_categorical_crossentropy")
      return std::make_unique<SparseCategoricalAccuracy>(name);
    if (loss_name == "binary_crossentropy" || output_last_dim == 1)
      return std::make_unique<BinaryAccuracy>(name);
    return std::make_unique<CategoricalAccuracy>(name);
  }
  if (name == "binary_accuracy" || name == "binaryAccuracy") return std::make_unique<BinaryAccuracy>(name);
  if (name == "categorical_accuracy" || name == "categoricalAccuracy")
    return std::make_unique<CategoricalAccuracy>(name);
  if (name == "sparse_categorical_accuracy" || name == "sparseCategoricalAccuracy")
    return std::make_unique<SparseCategoricalAccuracy>(name);
  if (name == "mae" || name == "mean_absolute_error" || name == "meanAbsoluteError")
    return std::make_unique<MeanError>(name, false);
  if (name == "mse" || name == "mean_squared_error" || name == "meanSquaredError")
    return std::make_unique<MeanError>(name, true);
  fail("unknown metric '", name,
       "'; known metrics: accuracy, binary_accuracy, categorical_accuracy, "
       "sparse_categorical_accuracy, mae, mse");
}

}  // namespace simdnn
