#include "optimizers/optimizer.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace simdnn {

void Optimizer::set_learning_rate(float lr) {
  check(std::isfinite(lr) && lr >= 0.0f, name(), ": learning_rate must be a finite number >= 0, got ", lr);
  learning_rate_ = lr;
}

Json Optimizer::config() const {
  Json c{{"name", name()}, {"learning_rate", learning_rate_}};
  if (clipnorm_ > 0) c["clipnorm"] = clipnorm_;
  if (clipvalue_ > 0) c["clipvalue"] = clipvalue_;
  if (weight_decay_ > 0) c["weight_decay"] = weight_decay_;
  return c;
}

std::vector<Tensor*> Optimizer::state_tensors() {
  std::vector<Tensor*> out;
  for (auto& per_param : slots_)
    for (auto& t : per_param) out.push_back(&t);
  return out;
}

void Optimizer::step(const std::vector<Param>& params) {
  if (bound_.empty() && slots_.empty()) {
    for (const Param& p : params) {
      bound_.push_back(p.value);
      std::vector<Tensor> slots;
      for (int s = 0; s < slots_per_param(); ++s) slots.emplace_back(p.value->shape(), initial_slot_value(s));
      slots_.push_back(std::move(slots));
    }
  }
  check(params.size() == bound_.size(), name(), ": step() got ", params.size(),
        " parameters, but its state was created for ", bound_.size());
  for (std::size_t i = 0; i < params.size(); ++i)
    check(params[i].value == bound_[i], name(), ": parameter ", i, " (", params[i].name, ") is not the one its state belongs to");
  ++iterations_;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Param& p = params[i];
    if (p.grad == nullptr) continue;
    const float* g = p.grad->data();
    const std::size_t n = p.value->size();
    if (clipvalue_ > 0 || clipnorm_ > 0) {
      clipped_.assign(g, g + n);
      if (clipvalue_ > 0)
        for (float& v : clipped_) v = std::clamp(v, -clipvalue_, clipvalue_);
      if (clipnorm_ > 0) {
        double sq = 0;
        for (float v : clipped_) sq += static_cast<double>(v) * v;
        const double norm = std::sqrt(sq);
        if (norm > clipnorm_)
          for (float& v : clipped_) v = static_cast<float>(v * (clipnorm_ / norm));
      }
      g = clipped_.data();
    }
    if (weight_decay_ > 0) {  // decoupled (AdamW-style), as Keras 3 applies it to every optimizer
      float* w = p.value->data();
      const float shrink = 1.0f - weight_decay_ * learning_rate_;
      for (std::size_t k = 0; k < n; ++k) w[k] *= shrink;
    }
    update(p.value->data(), g, n, slots_[i].data(), learning_rate_, iterations_);
  }
}

}  // namespace simdnn
