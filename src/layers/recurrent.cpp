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
      kernel_initializer_(Initializer::from_spec(
          options.kernel_initializer, class_name + " '" + name + "': option 'kernel_initializer'")),
      recurrent_initializer_(Initializer::from_spec(
          options.recurrent_initializer, class_name + " '" + name + "': option 'recurrent_initializer'")),
      bias_initializer_(Initializer::from_spec(
          options.bias_initializer, class_name + " '" + name + "': option 'bias_initializer'")) {
  check(units_ >= 1, class_name, " '", name, "': units must be a positive integer, got ", units_);
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
  for (const char* rate : {"dropout", "recurrent_dropout"}) {
    const float value = reader.number(rate, 0.0f);
    check(value == 0.0f, context, ": option '", rate, "' is not supported yet (only 0), got ", value);
  }
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
  c["dropout"] = 0.0;
  c["recurrent_dropout"] = 0.0;
  return c;
}

std::vector<Shape> RecurrentLayer::do_build(const std::vector<Shape>& input_shapes, Rng& rng) {
  const Shape& in = input_shapes[0];
  check(in.size() == 2, context(), ": expected an input of shape [batch, time, features], got ",
        batch_shape_str(in));
  check(in[0] >= 1 && in[1] >= 1, context(), ": expected at least one time step and one feature, got ",
        batch_shape_str(in));
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

void RecurrentLayer::forward(LayerCall& call) {
  check_inputs(call);
  const Tensor& x = *call.inputs[0];
  const int batch = x.dim(0), steps = x.dim(1), width = gates_ * units_;
  const std::size_t rows = static_cast<std::size_t>(steps) * batch;
  call.saved.resize(kCellBuffers + cell_buffer_count());

  Tensor& inputs = call.saved[kInputs];
  inputs.resize({steps * batch, features_});
  for (int s = 0; s < steps; ++s) {
    const int t = go_backwards_ ? steps - 1 - s : s;
    for (int b = 0; b < batch; ++b)
      std::copy_n(x.data() + (static_cast<std::size_t>(b) * steps + t) * features_, features_,
                  inputs.data() + (static_cast<std::size_t>(s) * batch + b) * features_);
  }
  Tensor& projection = call.saved[kProjection];
  projection.resize({steps * batch, width});
  kernels::gemm(false, false, static_cast<int>(rows), width, features_, 1.0f, inputs.data(),
                features_, kernel_.data(), width, 0.0f, projection.data(), width);
  // Row 0 of a GRU's [2, 3u] bias is its input bias, so the first `width` values serve all cells.
  if (use_bias_) kernels::add_bias_rows(projection.data(), bias_.data(), projection.data(), rows, width);
  Tensor& hidden = call.saved[kHidden];
  hidden.resize({(steps + 1) * batch, units_});
  std::fill_n(hidden.data(), static_cast<std::size_t>(batch) * units_, 0.0f);

  run_steps(call, batch, steps);

  const std::size_t state_size = static_cast<std::size_t>(batch) * units_;
  const float* last = hidden.data() + static_cast<std::size_t>(steps) * state_size;
  call.outputs.resize(1 + (return_state_ ? state_count() : 0));
  Tensor& y = call.outputs[0];
  if (return_sequences_) {
    y.resize({batch, steps, units_});
    for (int s = 0; s < steps; ++s)
      for (int b = 0; b < batch; ++b)
        std::copy_n(hidden.data() + (static_cast<std::size_t>(s + 1) * batch + b) * units_, units_,
                    y.data() + (static_cast<std::size_t>(b) * steps + s) * units_);
  } else {
    y.resize({batch, units_});
    std::copy_n(last, state_size, y.data());
  }
  if (return_state_) {
    call.outputs[1].resize({batch, units_});
    std::copy_n(last, state_size, call.outputs[1].data());
    write_extra_states(call, batch, steps);
  }
}

void RecurrentLayer::backward(LayerCall& call) {
  check_grad_outputs(call);
  check(call.saved.size() == kCellBuffers + cell_buffer_count(), context(),
        ": backward() called before forward()");
  const Tensor& x = *call.inputs[0];
  const int batch = x.dim(0), steps = x.dim(1), width = gates_ * units_;
  const std::size_t rows = static_cast<std::size_t>(steps) * batch;
  const std::size_t state_size = static_cast<std::size_t>(batch) * units_;

  Tensor& hidden_grad = call.saved[kHiddenGrad];
  hidden_grad.resize({steps * batch, units_});
  hidden_grad.fill(0.0f);
  float* last_grad = hidden_grad.data() + static_cast<std::size_t>(steps - 1) * state_size;
  const Tensor& dy = *call.grad_outputs[0];
  if (return_sequences_) {
    for (int s = 0; s < steps; ++s)
      for (int b = 0; b < batch; ++b)
        std::copy_n(dy.data() + (static_cast<std::size_t>(b) * steps + s) * units_, units_,
                    hidden_grad.data() + (static_cast<std::size_t>(s) * batch + b) * units_);
  } else {
    std::copy_n(dy.data(), state_size, last_grad);
  }
  if (return_state_) kernels::add(last_grad, call.grad_outputs[1]->data(), last_grad, state_size);
  Tensor& projection_grad = call.saved[kProjectionGrad];
  projection_grad.resize({steps * batch, width});

  backprop_steps(call, batch, steps);

  const Tensor& inputs = call.saved[kInputs];
  kernels::gemm(true, false, features_, width, static_cast<int>(rows), 1.0f, inputs.data(), features_,
                projection_grad.data(), width, 1.0f, kernel_grad_.data(), width);
  if (use_bias_) kernels::sum_rows(projection_grad.data(), rows, width, bias_grad_.data(), true);
  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  Tensor& input_grad = call.saved[kInputGrad];
  input_grad.resize({steps * batch, features_});
  kernels::gemm(false, true, static_cast<int>(rows), features_, width, 1.0f, projection_grad.data(),
                width, kernel_.data(), width, 0.0f, input_grad.data(), features_);
  Tensor& dx = call.grad_inputs[0];
  dx.resize(x.shape());
  for (int s = 0; s < steps; ++s) {
    const int t = go_backwards_ ? steps - 1 - s : s;
    for (int b = 0; b < batch; ++b)
      std::copy_n(input_grad.data() + (static_cast<std::size_t>(s) * batch + b) * features_, features_,
                  dx.data() + (static_cast<std::size_t>(b) * steps + t) * features_);
  }
}

}  // namespace simdnn
