#include "model/fit_loop.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "model/checkpoint_callbacks.hpp"

namespace simdnn {
namespace {
int sample_count(const std::vector<Tensor>& data, const std::string& what, const Model& model) {
  check(!data.empty(), model.context(), ": fit() needs ", what);
  for (const auto& t : data)
    check(t.rank() >= 1 && t.dim(0) == data[0].dim(0), model.context(), ": all ", what,
          " must have the same number of samples (", data[0].dim(0), " vs ",
          t.rank() ? t.dim(0) : 0, ")");
  return data[0].dim(0);
}
}  // namespace

FitLoop::FitLoop(Model& model, std::vector<Tensor> x, std::vector<Tensor> y,
                 const FitOptions& options, std::vector<std::shared_ptr<Callback>> callbacks,
                 const std::vector<Tensor>* validation_x, const std::vector<Tensor>* validation_y)
    : model_(model), options_(options), callbacks_(std::move(callbacks)) {
  const std::string& ctx = model.context();
  check(model.compiled(), ctx, ": call compile() before fit()");
  check(options.epochs >= 1, ctx, ": epochs must be a positive integer, got ", options.epochs);
  check(options.batch_size >= 1, ctx, ": batchSize must be a positive integer, got ",
        options.batch_size);
  check(options.validation_split >= 0.0f && options.validation_split < 1.0f, ctx,
        ": validationSplit must be in [0, 1), got ", options.validation_split);
  check(options.initial_epoch >= 0 && options.initial_epoch < options.epochs, ctx,
        ": initialEpoch must be in [0, epochs), got ", options.initial_epoch);
  const int n = sample_count(x, "inputs", model);
  check(sample_count(y, "targets", model) == n, ctx, ": inputs have ", n, " samples, targets have ",
        y[0].dim(0));
  check((validation_x == nullptr) == (validation_y == nullptr), ctx,
        ": validation data needs both inputs and targets");
  check(validation_x == nullptr || options.validation_split == 0.0f, ctx,
        ": give either validationData or validationSplit, not both");
  int train_n = n;
  if (options.validation_split > 0.0f) {
    // Keras: the validation samples are the last ones, taken before any shuffling.
    const int val_n = static_cast<int>(std::floor(n * options.validation_split));
    check(val_n >= 1 && val_n < n, ctx, ": validationSplit ", options.validation_split, " of ", n,
          " samples leaves an empty training or validation set");
    train_n = n - val_n;
    for (const auto& t : x) val_x_.push_back(t.rows(train_n, n));
    for (const auto& t : y) val_y_.push_back(t.rows(train_n, n));
  } else if (validation_x) {
    const int val_n = sample_count(*validation_x, "validation inputs", model);
    check(sample_count(*validation_y, "validation targets", model) == val_n, ctx,
          ": validation inputs and targets differ in sample count");
    val_x_ = *validation_x;
    val_y_ = *validation_y;
  }
  for (const auto& t : x) x_.push_back(t.rows(0, train_n));
  for (const auto& t : y) y_.push_back(t.rows(0, train_n));
  train_samples_ = train_n;
  check(train_n > 0, ctx, ": fit() got no training samples");
  batches_ = (train_n + options.batch_size - 1) / options.batch_size;
  order_.resize(train_n);
  for (int i = 0; i < train_n; ++i) order_[i] = i;
  epoch_ = options.initial_epoch - 1;
  for (auto& cb : callbacks_) {
    check(cb != nullptr, ctx, ": fit() got a null callback");
    cb->model = &model_;
    cb->set_params(options.epochs, batches_);
  }
  // A BackupAndRestore that loaded a backup makes this fit continue where that one stopped.
  for (auto& cb : callbacks_)
    if (auto* backup = dynamic_cast<BackupAndRestore*>(cb.get()); backup && backup->restored())
      resume_after(backup->restored_epoch(), backup->restored_history());
}

void FitLoop::resume_after(int last_epoch, const History& history) {
  check(!begun_, model_.context(), ": resume a fit before it begins");
  check(last_epoch >= -1, model_.context(), ": cannot resume after epoch ", last_epoch);
  epoch_ = std::max(epoch_, last_epoch);
  history_ = history;
}

void FitLoop::begin() {
  check(!begun_, model_.context(), ": fit loop already started");
  begun_ = true;
  model_.stop_training = false;
  for (auto& cb : callbacks_) cb->on_train_begin(Logs{});
}

bool FitLoop::stopped() const { return model_.stop_training; }

bool FitLoop::begin_epoch() {
  check(begun_, model_.context(), ": begin() the fit loop first");
  if (model_.stop_training || epoch_ + 1 >= options_.epochs) return false;
  ++epoch_;
  if (options_.shuffle) {
    // A fresh permutation of 0..n-1 per epoch, so an epoch's batches depend only on the random
    // state, which checkpoints save: resumed training then sees the same batches.
    for (int i = 0; i < static_cast<int>(order_.size()); ++i) order_[i] = i;
    model_.rng().shuffle(order_);
  }
  model_.reset_metrics();
  for (auto& cb : callbacks_) cb->on_epoch_begin(epoch_, Logs{});
  return true;
}

void FitLoop::gather(const std::vector<Tensor>& source, const int* rows, int count,
                     std::vector<Tensor>& batch) const {
  batch.resize(source.size());
  for (std::size_t i = 0; i < source.size(); ++i) {
    const Tensor& src = source[i];
    batch[i].resize(with_batch(count, without_batch(src.shape())));
    const std::size_t row = src.dim(0) ? src.size() / src.dim(0) : 0;
    for (int r = 0; r < count; ++r)
      std::memcpy(batch[i].data() + r * row, src.data() + static_cast<std::size_t>(rows[r]) * row,
                  row * sizeof(float));
  }
}

Logs FitLoop::run_batch(int batch) {
  check(epoch_ >= 0, model_.context(), ": begin_epoch() before run_batch()");
  check(batch >= 0 && batch < batches_, model_.context(), ": batch ", batch, " out of range [0, ",
        batches_, ")");
  const int begin = batch * options_.batch_size;
  const int count = std::min(options_.batch_size, train_samples_ - begin);
  Logs begin_logs;
  begin_logs.set("batch", batch);
  begin_logs.set("size", count);
  for (auto& cb : callbacks_) cb->on_batch_begin(batch, begin_logs);
  gather(x_, order_.data() + begin, count, batch_x_);
  gather(y_, order_.data() + begin, count, batch_y_);
  Logs logs = model_.train_on_batch(batch_x_, batch_y_);
  for (auto& cb : callbacks_) cb->on_batch_end(batch, logs);
  last_logs_ = logs;
  return logs;
}

Logs FitLoop::end_epoch() {
  Logs logs = model_.metric_results();
  if (!val_x_.empty()) {
    const Logs val = model_.evaluate(val_x_, val_y_, options_.batch_size);
    for (const auto& [k, v] : val.entries()) logs.set("val_" + k, v);
  }
  history_.epochs.push_back(epoch_);
  history_.logs.push_back(logs);
  for (auto& cb : callbacks_) cb->on_epoch_end(epoch_, logs);
  last_logs_ = logs;
  return logs;
}

void FitLoop::end() {
  for (auto& cb : callbacks_) cb->on_train_end(last_logs_);
}

History Model::fit(const std::vector<Tensor>& x, const std::vector<Tensor>& y,
                   const FitOptions& options, const std::vector<std::shared_ptr<Callback>>& callbacks,
                   const std::vector<Tensor>* validation_x, const std::vector<Tensor>* validation_y) {
  FitLoop loop(*this, x, y, options, callbacks, validation_x, validation_y);
  loop.begin();
  while (loop.begin_epoch()) {
    for (int b = 0; b < loop.batches_per_epoch() && !loop.stopped(); ++b) loop.run_batch(b);
    loop.end_epoch();
  }
  loop.end();
  return loop.history();
}

}  // namespace simdnn
