// Model: compile, per-batch training/evaluation, predict, evaluate.
#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "kernels/elementwise.hpp"
#include "losses/loss.hpp"
#include "model/metrics.hpp"
#include "model/model.hpp"
#include "optimizers/optimizer.hpp"

namespace simdnn {

void Model::compile(const CompileOptions& options) {
  check(graph_ready() && !outputs_.empty(), context(),
        ": cannot compile before the model is built (give the first layer an inputShape, or call "
        "it on data first)");
  check(options.optimizer != nullptr, context(), ": compile() needs an optimizer");
  const std::size_t n_out = outputs_.size();
  check(options.losses.size() == 1 || options.losses.size() == n_out, context(),
        ": compile() needs one loss or one per output (", n_out, "), got ", options.losses.size());
  for (const auto& l : options.losses) check(l != nullptr, context(), ": compile() got a null loss");
  check(options.loss_weights.empty() || options.loss_weights.size() == n_out, context(),
        ": expected ", n_out, " loss weights, got ", options.loss_weights.size());
  losses_.clear();
  for (std::size_t i = 0; i < n_out; ++i)
    losses_.push_back(options.losses.size() == 1 ? options.losses[0] : options.losses[i]);
  loss_weights_ = options.loss_weights.empty() ? std::vector<float>(n_out, 1.0f) : options.loss_weights;
  for (float w : loss_weights_) check(std::isfinite(w), context(), ": loss weights must be finite");

  metrics_.clear();
  metrics_.resize(n_out);
  for (std::size_t o = 0; o < n_out; ++o) {
    for (const auto& name : options.metrics) {
      auto metric = make_metric(name, losses_[o]->name(), outputs_[o].shape.back());
      metrics_[o].push_back(std::move(metric));
    }
  }
  // Keras reads trainable flags now: later changes need a new compile().
  trainable_params_.clear();
  for (const Param& p : params())
    if (p.trainable && p.grad != nullptr) trainable_params_.push_back(p);
  optimizer_ = options.optimizer;
  compile_options_ = options;
  output_loss_sum_.assign(n_out, 0.0);
  reset_metrics();
}

Optimizer& Model::optimizer() {
  require_compiled("optimizer");
  return *optimizer_;
}

void Model::require_compiled(const char* what) const {
  check(optimizer_ != nullptr, context(), ": call compile() before ", what, "()");
}

void Model::check_batch_inputs(const std::vector<const Tensor*>& x) const {
  const auto expected = model_input_shapes();
  check(x.size() == expected.size(), context(), ": expected ", expected.size(), " input(s), got ",
        x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const Shape& s = x[i]->shape();
    const bool ok = s.size() == expected[i].size() + 1 &&
                    std::equal(expected[i].begin(), expected[i].end(), s.begin() + 1);
    // The message is only built on failure: predict on one sample is a hot path.
    if (!ok)
      fail(context(), ": expected input", (x.size() > 1 ? " '" + input_names()[i] + "'" : ""),
           " of shape ", batch_shape_str(expected[i]), ", got ", shape_str(s));
    check(s[0] == x[0]->shape()[0], context(), ": inputs disagree on the number of samples (",
          x[0]->shape()[0], " vs ", s[0], ")");
  }
}

void Model::check_targets(const std::vector<Tensor>& y, int batch) const {
  check(y.size() == outputs_.size(), context(), ": expected ", outputs_.size(),
        " target tensor(s), got ", y.size());
  for (std::size_t i = 0; i < y.size(); ++i) {
    check(y[i].rank() >= 1 && y[i].dim(0) == batch, context(), ": targets",
          (y.size() > 1 ? " for '" + output_names()[i] + "'" : ""), " have ",
          (y[i].rank() ? y[i].dim(0) : 0), " samples, inputs have ", batch);
    check(kernels::all_finite(y[i].data(), y[i].size()), context(),
          ": targets contain NaN or Infinity");
  }
}

LayerCall& Model::run_forward(const std::vector<Tensor>& x, bool training) {
  if (!graph_ready()) {
    std::vector<Shape> shapes;
    for (const auto& t : x) {
      if (t.rank() < 2)
        fail(context(), ": inputs need a batch axis and at least one feature axis, got ", shape_str(t.shape()));
      shapes.push_back(without_batch(t.shape()));
    }
    ensure_built(shapes);
  }
  top_call_.inputs.clear();
  for (const auto& t : x) top_call_.inputs.push_back(&t);
  check_batch_inputs(top_call_.inputs);
  check(!x.empty() && x[0].dim(0) > 0, context(), ": got an empty batch");
  for (const auto& t : x)
    check(kernels::all_finite(t.data(), t.size()), context(), ": inputs contain NaN or Infinity");
  top_call_.training = training;
  top_call_.rng = &rng_;
  forward(top_call_);
  return top_call_;
}

namespace {
// Rows [batch * time] of a [batch, time, ...] tensor whose mask entry is 1, as [kept, ...].
void gather_unmasked(const Tensor& full, const Tensor& mask, std::size_t kept, Tensor& out) {
  const std::size_t entry = full.size() / mask.size();
  Shape shape{static_cast<int>(kept)};
  for (int axis = 2; axis < full.rank(); ++axis) shape.push_back(full.dim(axis));
  out.resize(shape);
  std::size_t row = 0;
  for (std::size_t i = 0; i < mask.size(); ++i)
    if (mask[i] != 0.0f) std::copy_n(full.data() + i * entry, entry, out.data() + row++ * entry);
}

void scatter_unmasked(const Tensor& compact, const Tensor& mask, Tensor& full) {
  const std::size_t entry = full.size() / mask.size();
  std::size_t row = 0;
  for (std::size_t i = 0; i < mask.size(); ++i) {
    if (mask[i] != 0.0f)
      std::copy_n(compact.data() + row++ * entry, entry, full.data() + i * entry);
    else
      std::fill_n(full.data() + i * entry, entry, 0.0f);
  }
}
}  // namespace

// Keras 3 masks a sequence output's loss and metrics: padded steps are left out and the mean is
// over the unmasked steps only. Returns the mask to apply to output o, or null.
const Tensor* Model::loss_mask(const LayerCall& call, std::size_t o, const Tensor& y_true) const {
  if (o >= call.output_masks.size() || call.output_masks[o].empty()) return nullptr;
  const Tensor& mask = call.output_masks[o];
  const Tensor& y_pred = call.outputs[o];
  if (y_pred.rank() < 3 || y_true.rank() < 2 || y_true.dim(1) != mask.dim(1)) return nullptr;
  return &mask;
}

double Model::compute_losses(LayerCall& call, const std::vector<Tensor>& y, bool with_grads) {
  double total = call.added_loss;
  loss_grads_.resize(outputs_.size());
  masked_.resize(outputs_.size());
  for (std::size_t o = 0; o < outputs_.size(); ++o) {
    double value;
    MaskedOutput& masked = masked_[o];
    masked.active = false;
    if (const Tensor* mask = loss_mask(call, o, y[o])) {
      std::size_t kept = 0;
      for (float m : mask->span()) kept += m != 0.0f;
      masked.active = kept > 0;
      if (with_grads) {
        loss_grads_[o].resize(call.outputs[o].shape());
        loss_grads_[o].fill(0.0f);
      }
      if (kept == 0) continue;  // every step is padding: no loss, no gradient
      gather_unmasked(call.outputs[o], *mask, kept, masked.y_pred);
      gather_unmasked(y[o], *mask, kept, masked.y_true);
      value = losses_[o]->compute(masked.y_pred, masked.y_true, with_grads ? &masked.grad : nullptr);
      if (with_grads) scatter_unmasked(masked.grad, *mask, loss_grads_[o]);
    } else {
      try {
        value = losses_[o]->compute(call.outputs[o], y[o], with_grads ? &loss_grads_[o] : nullptr);
      } catch (const Error& e) {
        // The loss only knows its tensors; say which model and output the targets were for.
        fail(context(), ": targets for output '", output_names()[o], "': ", e.what());
      }
    }
    output_loss_sum_[o] += value * call.outputs[o].dim(0);
    total += loss_weights_[o] * value;
    if (with_grads && loss_weights_[o] != 1.0f)
      kernels::scale(loss_weights_[o], loss_grads_[o].data(), loss_grads_[o].data(),
                     loss_grads_[o].size());
  }
  record_added_losses(call, total);
  return total;
}

void Model::record_added_losses(const LayerCall& call, double total) {
  last_losses_.clear();
  last_losses_.set("loss", total);
  if (call.added_loss_terms.empty()) return;
  last_losses_.set("reconstruction", total - call.added_loss);
  const double batch = call.outputs.empty() ? 0.0 : call.outputs[0].dim(0);
  for (const auto& [term, value] : call.added_loss_terms.entries()) {
    last_losses_.set(term, value);
    added_loss_sums_.accumulate(term, value * batch);
  }
}

void Model::update_metrics(const LayerCall& call, const std::vector<Tensor>& y) {
  for (std::size_t o = 0; o < outputs_.size(); ++o) {
    const bool masked = o < masked_.size() && masked_[o].active;
    for (auto& m : metrics_[o])
      m->update(masked ? masked_[o].y_pred : call.outputs[o], masked ? masked_[o].y_true : y[o]);
  }
}

Logs Model::train_on_batch(const std::vector<Tensor>& x, const std::vector<Tensor>& y) {
  require_compiled("train_on_batch");
  LayerCall& call = run_forward(x, true);
  check_targets(y, x[0].dim(0));
  const double loss = compute_losses(call, y, true);
  if (!std::isfinite(loss)) {
    // Leave the weights as they were: a NaN step would corrupt every later one.
    loss_sum_ += loss * x[0].dim(0);
    loss_count_ += x[0].dim(0);
    return metric_results();
  }
  for (const Param& p : params())
    if (p.sparse) p.sparse->clear(*p.grad);
    else if (p.grad) p.grad->fill(0.0f);
  call.grad_outputs.clear();
  for (const auto& g : loss_grads_) call.grad_outputs.push_back(&g);
  call.need_input_grads = false;
  backward(call);
  optimizer_->step(trainable_params_);
  loss_sum_ += loss * x[0].dim(0);
  loss_count_ += x[0].dim(0);
  update_metrics(call, y);
  return metric_results();
}

Logs Model::test_on_batch(const std::vector<Tensor>& x, const std::vector<Tensor>& y) {
  require_compiled("evaluate");
  LayerCall& call = run_forward(x, false);
  check_targets(y, x[0].dim(0));
  const double loss = compute_losses(call, y, false);
  loss_sum_ += loss * x[0].dim(0);
  loss_count_ += x[0].dim(0);
  update_metrics(call, y);
  return metric_results();
}

void Model::reset_metrics() {
  loss_sum_ = loss_count_ = 0.0;
  added_loss_sums_.clear();
  std::fill(output_loss_sum_.begin(), output_loss_sum_.end(), 0.0);
  for (auto& per_output : metrics_)
    for (auto& m : per_output) m->reset();
}

Logs Model::metric_results(const std::string& prefix) const {
  Logs logs;
  logs.set(prefix + "loss", loss_count_ > 0 ? loss_sum_ / loss_count_ : 0.0);
  for (const auto& [term, sum] : added_loss_sums_.entries())
    logs.set(prefix + term, loss_count_ > 0 ? sum / loss_count_ : 0.0);
  const bool multi = outputs_.size() > 1;
  const auto names = output_names();
  for (std::size_t o = 0; o < metrics_.size(); ++o) {
    if (multi && loss_count_ > 0)
      logs.set(prefix + names[o] + "_loss", output_loss_sum_[o] / loss_count_);
    for (const auto& m : metrics_[o])
      logs.set(prefix + (multi ? names[o] + "_" : "") + m->name(), m->result());
  }
  return logs;
}

std::vector<Tensor> Model::predict_on_batch(const std::vector<Tensor>& x) {
  LayerCall& call = run_forward(x, false);
  std::vector<Tensor> out;
  for (const auto& t : call.outputs) out.push_back(t.clone());
  return out;
}

namespace {
// Copies rows [begin, end) of every tensor into views (no copy: rows are contiguous).
std::vector<Tensor> slice_rows(const std::vector<Tensor>& data, int begin, int end) {
  std::vector<Tensor> out;
  for (const auto& t : data) out.push_back(t.rows(begin, end));
  return out;
}
}  // namespace

std::vector<Tensor> Model::predict(const std::vector<Tensor>& x, int batch_size) {
  check(batch_size >= 1, context(), ": batch size must be positive, got ", batch_size);
  check(!x.empty() && x[0].rank() >= 1, context(), ": predict() needs input tensors");
  const int n = x[0].dim(0);
  check(n > 0, context(), ": predict() got no samples");
  std::vector<Tensor> results;
  for (int begin = 0; begin < n; begin += batch_size) {
    const int end = std::min(n, begin + batch_size);
    LayerCall& call = run_forward(slice_rows(x, begin, end), false);
    if (results.empty())
      for (const auto& t : call.outputs) results.emplace_back(with_batch(n, without_batch(t.shape())));
    for (std::size_t o = 0; o < results.size(); ++o)
      results[o].rows(begin, end).copy_from(call.outputs[o]);
  }
  return results;
}

Logs Model::evaluate(const std::vector<Tensor>& x, const std::vector<Tensor>& y, int batch_size) {
  require_compiled("evaluate");
  check(batch_size >= 1, context(), ": batch size must be positive, got ", batch_size);
  check(!x.empty() && x[0].rank() >= 1, context(), ": evaluate() needs input tensors");
  const int n = x[0].dim(0);
  check(n > 0, context(), ": evaluate() got no samples");
  check_targets(y, n);
  reset_metrics();
  for (int begin = 0; begin < n; begin += batch_size) {
    const int end = std::min(n, begin + batch_size);
    test_on_batch(slice_rows(x, begin, end), slice_rows(y, begin, end));
  }
  Logs logs = metric_results();
  reset_metrics();
  return logs;
}

}  // namespace simdnn
