#include "layers/recurrent.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "kernels/elementwise.hpp"
#include "kernels/gemm.hpp"
#include "kernels/reductions.hpp"
#include "layers/config_helpers.hpp"

namespace simdnn {
namespace {
// Keras writes these into every RNN config, normally as null.
constexpr std::initializer_list<const char*> kNullOnlyKeys = {
    "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "activity_regularizer",
    "kernel_constraint",  "recurrent_constraint",  "bias_constraint"};
}  // namespace

RecurrentLayer::RecurrentLayer(const std::string& class_name, std::string name,
                               const RecurrentOptions& options, int gates, bool has_recurrent_activation)
    : Layer(name),
      units_(options.units),
      gates_(gates),
      activation_(parse_activation(options.activation, class_name + " '" + name + "'")),
      recurrent_activation_(parse_activation(options.recurrent_activation, class_name + " '" + name + "'")),
      has_recurrent_activation_(has_recurrent_activation),
      use_bias_(options.use_bias),
      return_sequences_(options.return_sequences),
      return_state_(options.return_state),
      go_backwards_(options.go_backwards),
      unroll_(options.unroll),
      dropout_(options.dropout),
      recurrent_dropout_(options.recurrent_dropout),
      kernel_initializer_(Initializer::from_spec(
          options.kernel_initializer, class_name + " '" + name + "': option 'kernel_initializer'")),
      recurrent_initializer_(Initializer::from_spec(
          options.recurrent_initializer, class_name + " '" + name + "': option 'recurrent_initializer'")),
      bias_initializer_(Initializer::from_spec(
          options.bias_initializer, class_name + " '" + name + "': option 'bias_initializer'")) {
  check(units_ >= 1, class_name, " '", name, "': units must be a positive integer, got ", units_);
  check(dropout_ >= 0.0f && dropout_ < 1.0f, class_name, " '", name,
        "': dropout must be in [0, 1), got ", dropout_);
  check(recurrent_dropout_ >= 0.0f && recurrent_dropout_ < 1.0f, class_name, " '", name,
        "': recurrent_dropout must be in [0, 1), got ", recurrent_dropout_);
}

RecurrentOptions RecurrentLayer::read_options(ConfigReader& reader, bool has_recurrent_activation) {
  RecurrentOptions o;
  o.units = reader.positive_int("units");
  o.activation = kernels::activation_name(read_activation(reader, "activation", "tanh").kind);
  if (has_recurrent_activation)
    o.recurrent_activation =
        kernels::activation_name(read_activation(reader, "recurrent_activation", "sigmoid").kind);
  o.use_bias = reader.boolean("use_bias", true);
  o.return_sequences = reader.boolean("return_sequences", false);
  o.return_state = reader.boolean("return_state", false);
  o.go_backwards = reader.boolean("go_backwards", false);
  o.unroll = reader.boolean("unroll", false);
  if (const Json* k = reader.raw_or_null("kernel_initializer")) o.kernel_initializer = *k;
  if (const Json* r = reader.raw_or_null("recurrent_initializer")) o.recurrent_initializer = *r;
  if (const Json* b = reader.raw_or_null("bias_initializer")) o.bias_initializer = *b;
  accept_only_null(reader, kNullOnlyKeys);
  const std::string context = reader.context();
  check(!reader.boolean("stateful", false), context,
        ": option 'stateful' is not supported (only false), got true");
  check(!reader.boolean("time_major", false), context,
        ": option 'time_major' is not supported (only false; inputs are [batch, time, features]), got true");
  o.dropout = reader.number_in("dropout", 0.0f, 0.0f, 0.999f);
  o.recurrent_dropout = reader.number_in("recurrent_dropout", 0.0f, 0.0f, 0.999f);
  // Implementation/backend choices and the dropout seed change nothing here.
  reader.integer("implementation", 2);
  reader.raw_or_null("seed");
  reader.raw_or_null("use_cudnn");
  reader.boolean("zero_output_for_mask", false);
  return o;
}

Json RecurrentLayer::config() const {
  Json c = base_config();
  c["units"] = units_;
  c["activation"] = kernels::activation_name(activation_.kind);
  if (has_recurrent_activation_)
    c["recurrent_activation"] = kernels::activation_name(recurrent_activation_.kind);
  c["use_bias"] = use_bias_;
  c["return_sequences"] = return_sequences_;
  c["return_state"] = return_state_;
  c["go_backwards"] = go_backwards_;
  c["stateful"] = false;
  c["unroll"] = unroll_;
  c["kernel_initializer"] = kernel_initializer_.to_json();
  c["recurrent_initializer"] = recurrent_initializer_.to_json();
  c["bias_initializer"] = bias_initializer_.to_json();
  for (const char* key : kNullOnlyKeys) c[key] = nullptr;
  c["dropout"] = json_float(dropout_);
  c["recurrent_dropout"] = json_float(recurrent_dropout_);
  return c;
}

std::vector<Shape> RecurrentLayer::do_build(const std::vector<Shape>& input_shapes, Rng& rng) {
  const Shape& in = input_shapes[0];
  check(in.size() == 2, context(), ": expected an input of shape [batch, time, features], got ",
        batch_shape_text(in));
  check(in[0] >= 1 && in[1] >= 1, context(), ": expected at least one time step and one feature, got ",
        batch_shape_text(in));
  features_ = in[1];
  const int width = gates_ * units_;
  kernel_.resize({features_, width});
  kernel_initializer_.fill(kernel_, rng);
  recurrent_kernel_.resize({units_, width});
  recurrent_initializer_.fill(recurrent_kernel_, rng);
  kernel_grad_ = Tensor(kernel_.shape());
  recurrent_kernel_grad_ = Tensor(recurrent_kernel_.shape());
  if (use_bias_) {
    bias_.resize(bias_shape());
    initialize_bias(rng);
    bias_grad_ = Tensor(bias_.shape());
  }
  std::vector<Shape> out;
  out.push_back(return_sequences_ ? Shape{in[0], units_} : Shape{units_});
  if (return_state_)
    for (int k = 0; k < state_count(); ++k) out.push_back({units_});
  return out;
}

std::vector<Param> RecurrentLayer::params() {
  std::vector<Param> p{{"kernel", &kernel_, &kernel_grad_, true},
                       {"recurrent_kernel", &recurrent_kernel_, &recurrent_kernel_grad_, true}};
  if (use_bias_) p.push_back({"bias", &bias_, &bias_grad_, true});
  return p;
}

RecurrentLayer::StepRange RecurrentLayer::active_steps(const LayerCall& call, int batch, int steps) const {
  const Tensor* mask = first_input_mask(call);
  if (!mask) return {0, steps};
  check(mask->rank() == 2 && mask->dim(0) == batch && mask->dim(1) == steps, context(),
        ": expected a mask of shape [", batch, ", ", steps, "], got ", shape_text(mask->shape()));
  auto any_kept = [&](int s) {
    const int t = go_backwards_ ? steps - 1 - s : s;
    for (int b = 0; b < batch; ++b)
      if ((*mask)[static_cast<std::size_t>(b) * steps + t] != 0.0f) return true;
    return false;
  };
  int begin = 0, end = steps;
  while (begin < steps && !any_kept(begin)) ++begin;
  while (end > begin && !any_kept(end - 1)) --end;
  if (begin == end) return {0, 1};  // all padding: one masked step keeps the zero state
  return {begin, end};
}

void RecurrentLayer::forward(LayerCall& call) {
  check_inputs(call);
  const Tensor& x = *call.inputs[0];
  const int batch = x.dim(0), steps = x.dim(1), width = gates_ * units_;
  call.saved.resize(kCellBuffers + cell_buffer_count());
  // Steps where every sample is padding leave the state as it is, so the cells only run over
  // [begin, end) in processing order: the state is zero before it and constant after it.
  const StepRange range = active_steps(call, batch, steps);
  const int active = range.end - range.begin;
  Tensor& saved_range = call.saved[kStepRange];
  saved_range.resize({2});
  saved_range[0] = static_cast<float>(range.begin);
  saved_range[1] = static_cast<float>(range.end);
  const std::size_t rows = static_cast<std::size_t>(active) * batch;

  Tensor& inputs = call.saved[kInputs];
  inputs.resize({active * batch, features_});
  for (int r = 0; r < active; ++r) {
    const int s = range.begin + r;
    const int t = go_backwards_ ? steps - 1 - s : s;
    for (int b = 0; b < batch; ++b)
      std::copy_n(x.data() + (static_cast<std::size_t>(b) * steps + t) * features_, features_,
                  inputs.data() + (static_cast<std::size_t>(r) * batch + b) * features_);
  }
  prepare_step_mask(call, batch, steps, range);
  Tensor& dropout_mask = call.saved[kInputDropout];
  if (call.training && dropout_ > 0.0f) {
    check(call.rng != nullptr, context(), ": training needs call.rng for the dropout mask");
    dropout_mask.resize({batch, features_});
    const float keep_scale = 1.0f / (1.0f - dropout_);
    for (float& keep : dropout_mask.span()) keep = call.rng->uniform() >= dropout_ ? keep_scale : 0.0f;
    for (int r = 0; r < active; ++r) {
      float* step = inputs.data() + static_cast<std::size_t>(r) * batch * features_;
      kernels::mul(step, dropout_mask.data(), step, dropout_mask.size());
    }
  } else {
    dropout_mask = Tensor();
  }
  Tensor& recurrent_mask = call.saved[kRecurrentDropout];
  if (call.training && recurrent_dropout_ > 0.0f) {
    check(call.rng != nullptr, context(), ": training needs call.rng for the recurrent dropout mask");
    recurrent_mask.resize({batch, units_});
    const float keep_scale = 1.0f / (1.0f - recurrent_dropout_);
    for (float& keep : recurrent_mask.span()) keep = call.rng->uniform() >= recurrent_dropout_ ? keep_scale : 0.0f;
    call.saved[kDroppedHidden].resize({active * batch, units_});
    std::fill_n(call.saved[kDroppedHidden].data(), static_cast<std::size_t>(batch) * units_, 0.0f);  // h_0 = 0
  } else {
    recurrent_mask = Tensor();
  }
  Tensor& projection = call.saved[kProjection];
  projection.resize({active * batch, width});
  kernels::gemm(false, false, static_cast<int>(rows), width, features_, 1.0f, inputs.data(),
                features_, kernel_.data(), width, 0.0f, projection.data(), width);
  // Row 0 of a GRU's [2, 3u] bias is its input bias, so the first `width` values serve all cells.
  if (use_bias_) kernels::add_bias_rows(projection.data(), bias_.data(), projection.data(), rows, width);
  Tensor& hidden = call.saved[kHidden];
  hidden.resize({(active + 1) * batch, units_});
  std::fill_n(hidden.data(), static_cast<std::size_t>(batch) * units_, 0.0f);

  run_steps(call, batch, active);

  const std::size_t state_size = static_cast<std::size_t>(batch) * units_;
  const float* last = hidden.data() + static_cast<std::size_t>(active) * state_size;
  call.outputs.resize(1 + (return_state_ ? state_count() : 0));
  Tensor& y = call.outputs[0];
  if (return_sequences_) {
    y.resize({batch, steps, units_});
    for (int s = 0; s < steps; ++s) {
      const int block = std::clamp(s - range.begin + 1, 0, active);  // h before, in, after the range
      for (int b = 0; b < batch; ++b)
        std::copy_n(hidden.data() + (static_cast<std::size_t>(block) * batch + b) * units_, units_,
                    y.data() + (static_cast<std::size_t>(b) * steps + s) * units_);
    }
  } else {
    y.resize({batch, units_});
    std::copy_n(last, state_size, y.data());
  }
  if (return_state_) {
    call.outputs[1].resize({batch, units_});
    std::copy_n(last, state_size, call.outputs[1].data());
    write_extra_states(call, batch, active);
  }
}

void RecurrentLayer::backward(LayerCall& call) {
  check_grad_outputs(call);
  check(call.saved.size() == kCellBuffers + cell_buffer_count(), context(),
        ": backward() called before forward()");
  const Tensor& x = *call.inputs[0];
  const int batch = x.dim(0), steps = x.dim(1), width = gates_ * units_;
  const StepRange range{static_cast<int>(call.saved[kStepRange][0]), static_cast<int>(call.saved[kStepRange][1])};
  const int active = range.end - range.begin;
  const std::size_t rows = static_cast<std::size_t>(active) * batch;
  const std::size_t state_size = static_cast<std::size_t>(batch) * units_;

  Tensor& hidden_grad = call.saved[kHiddenGrad];
  hidden_grad.resize({active * batch, units_});
  hidden_grad.fill(0.0f);
  float* last_grad = hidden_grad.data() + static_cast<std::size_t>(active - 1) * state_size;
  const Tensor& dy = *call.grad_outputs[0];
  if (return_sequences_) {
    // Outputs before the range are the constant zero state; those after it are the last state.
    for (int s = range.begin; s < steps; ++s) {
      const int r = std::min(s - range.begin, active - 1);
      for (int b = 0; b < batch; ++b) {
        float* row = hidden_grad.data() + (static_cast<std::size_t>(r) * batch + b) * units_;
        kernels::add(row, dy.data() + (static_cast<std::size_t>(b) * steps + s) * units_, row, units_);
      }
    }
  } else {
    std::copy_n(dy.data(), state_size, last_grad);
  }
  if (return_state_) kernels::add(last_grad, call.grad_outputs[1]->data(), last_grad, state_size);
  Tensor& projection_grad = call.saved[kProjectionGrad];
  projection_grad.resize({active * batch, width});
  if (!call.saved[kStepMask].empty()) call.saved[kHeldGrad].resize({2, batch * units_});

  backprop_steps(call, batch, active);

  const Tensor& inputs = call.saved[kInputs];
  kernels::gemm(true, false, features_, width, static_cast<int>(rows), 1.0f, inputs.data(), features_,
                projection_grad.data(), width, 1.0f, kernel_grad_.data(), width);
  if (use_bias_) kernels::sum_rows(projection_grad.data(), rows, width, bias_grad_.data(), true);
  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  Tensor& input_grad = call.saved[kInputGrad];
  input_grad.resize({active * batch, features_});
  kernels::gemm(false, true, static_cast<int>(rows), features_, width, 1.0f, projection_grad.data(),
                width, kernel_.data(), width, 0.0f, input_grad.data(), features_);
  if (!call.saved[kInputDropout].empty()) {
    const Tensor& dropout_mask = call.saved[kInputDropout];
    for (int r = 0; r < active; ++r) {
      float* step = input_grad.data() + static_cast<std::size_t>(r) * batch * features_;
      kernels::mul(step, dropout_mask.data(), step, dropout_mask.size());
    }
  }
  Tensor& dx = call.grad_inputs[0];
  dx.resize(x.shape());
  dx.fill(0.0f);  // padding outside the range gets no gradient
  for (int r = 0; r < active; ++r) {
    const int s = range.begin + r;
    const int t = go_backwards_ ? steps - 1 - s : s;
    for (int b = 0; b < batch; ++b)
      std::copy_n(input_grad.data() + (static_cast<std::size_t>(r) * batch + b) * features_, features_,
                  dx.data() + (static_cast<std::size_t>(b) * steps + t) * features_);
  }
}

void RecurrentLayer::prepare_step_mask(LayerCall& call, int batch, int steps, StepRange range) const {
  Tensor& step_mask = call.saved[kStepMask];
  const Tensor* mask = first_input_mask(call);
  if (!mask) {
    step_mask = Tensor();
    return;
  }
  const int active = range.end - range.begin;
  step_mask.resize({active, batch});
  for (int r = 0; r < active; ++r) {
    const int s = range.begin + r;
    const int t = go_backwards_ ? steps - 1 - s : s;
    for (int b = 0; b < batch; ++b)
      step_mask[static_cast<std::size_t>(r) * batch + b] = (*mask)[static_cast<std::size_t>(b) * steps + t];
  }
}

const float* RecurrentLayer::step_mask(const LayerCall& call, int s, int batch) {
  const Tensor& mask = call.saved[kStepMask];
  return mask.empty() ? nullptr : mask.data() + static_cast<std::size_t>(s) * batch;
}

void RecurrentLayer::keep_masked_state(const float* mask, int batch, int units, const float* previous,
                                       float* state) {
  if (!mask) return;
  for (int b = 0; b < batch; ++b)
    if (mask[b] == 0.0f)
      std::copy_n(previous + static_cast<std::size_t>(b) * units, units, state + static_cast<std::size_t>(b) * units);
}

void RecurrentLayer::hold_masked_rows(LayerCall& call, const float* mask, int batch, int units, int which,
                                      float* grad) {
  if (!mask) return;
  float* held = call.saved[kHeldGrad].data() + static_cast<std::size_t>(which) * batch * units;
  for (int b = 0; b < batch; ++b) {
    if (mask[b] != 0.0f) continue;
    float* row = grad + static_cast<std::size_t>(b) * units;
    std::copy_n(row, units, held + static_cast<std::size_t>(b) * units);
    std::fill_n(row, units, 0.0f);
  }
}

void RecurrentLayer::restore_masked_rows(LayerCall& call, const float* mask, int batch, int units, int which,
                                         float* carry) {
  if (!mask) return;
  const float* held = call.saved[kHeldGrad].data() + static_cast<std::size_t>(which) * batch * units;
  for (int b = 0; b < batch; ++b)
    if (mask[b] == 0.0f)
      std::copy_n(held + static_cast<std::size_t>(b) * units, units, carry + static_cast<std::size_t>(b) * units);
}

const float* RecurrentLayer::recurrent_input(LayerCall& call, int s, int batch) const {
  const std::size_t state_size = static_cast<std::size_t>(batch) * units_;
  const float* h_prev = call.saved[kHidden].data() + s * state_size;
  const Tensor& mask = call.saved[kRecurrentDropout];
  if (mask.empty()) return h_prev;
  float* dropped = call.saved[kDroppedHidden].data() + s * state_size;
  kernels::mul(h_prev, mask.data(), dropped, state_size);
  return dropped;
}

const float* RecurrentLayer::recurrent_inputs(const LayerCall& call) const {
  return call.saved[kRecurrentDropout].empty() ? call.saved[kHidden].data() : call.saved[kDroppedHidden].data();
}

void RecurrentLayer::drop_recurrent_grad(const LayerCall& call, int batch, int units, float* grad) {
  const Tensor& mask = call.saved[kRecurrentDropout];
  if (!mask.empty()) kernels::mul(grad, mask.data(), grad, static_cast<std::size_t>(batch) * units);
}

void RecurrentLayer::compute_output_masks(LayerCall& call) const {
  call.output_masks.assign(call.outputs.size(), Tensor());
  const Tensor* mask = first_input_mask(call);
  if (mask && return_sequences_) call.output_masks[0] = *mask;
}

}  // namespace simdnn
