#include "layers/dense.hpp"

#include "core/error.hpp"
#include "kernels/elementwise.hpp"
#include "kernels/gemm.hpp"
#include "kernels/reductions.hpp"
#include "layers/config_helpers.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {

Dense::Dense(std::string name, const DenseOptions& options)
    : Layer(std::move(name)),
      units_(options.units),
      activation_(parse_activation(options.activation, context())),
      use_bias_(options.use_bias),
      kernel_initializer_(Initializer::from_spec(options.kernel_initializer,
                                                 context() + ": option 'kernel_initializer'")),
      bias_initializer_(Initializer::from_spec(options.bias_initializer,
                                               context() + ": option 'bias_initializer'")) {
  check(units_ >= 1, context(), ": units must be a positive integer, got ", units_);
}

std::shared_ptr<Dense> Dense::from_config(const Json& config) {
  ConfigReader reader(config, "Dense");
  const std::string name = reader.name();
  DenseOptions options;
  options.units = reader.positive_int("units");
  options.activation = kernels::activation_name(read_activation(reader, "activation", "linear").kind);
  options.use_bias = reader.boolean("use_bias", true);
  if (const Json* k = reader.raw_or_null("kernel_initializer")) options.kernel_initializer = *k;
  if (const Json* b = reader.raw_or_null("bias_initializer")) options.bias_initializer = *b;
  accept_only_null(reader, {"kernel_regularizer", "bias_regularizer", "activity_regularizer",
                            "kernel_constraint", "bias_constraint"});
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<Dense>(name, options);
  layer->set_trainable(trainable);
  return layer;
}

Json Dense::config() const {
  Json c = base_config();
  c["units"] = units_;
  c["activation"] = kernels::activation_name(activation_.kind);
  c["use_bias"] = use_bias_;
  c["kernel_initializer"] = kernel_initializer_.to_json();
  c["bias_initializer"] = bias_initializer_.to_json();
  for (const char* key : {"kernel_regularizer", "bias_regularizer", "activity_regularizer",
                          "kernel_constraint", "bias_constraint"})
    c[key] = nullptr;
  return c;
}

std::vector<Shape> Dense::do_build(const std::vector<Shape>& input_shapes, Rng& rng) {
  const Shape& in = input_shapes[0];
  check(!in.empty(), context(), ": expected an input of rank 2 or more ([batch, features]), got ",
        batch_shape_text(in));
  input_features_ = in.back();
  kernel_.resize({input_features_, units_});
  kernel_initializer_.fill(kernel_, rng);
  kernel_grad_ = Tensor(kernel_.shape());
  if (use_bias_) {
    bias_.resize({units_});
    bias_initializer_.fill(bias_, rng);
    bias_grad_ = Tensor(bias_.shape());
  }
  Shape out = in;
  out.back() = units_;
  return {out};
}

std::vector<Param> Dense::params() {
  std::vector<Param> p{{"kernel", &kernel_, &kernel_grad_, true}};
  if (use_bias_) p.push_back({"bias", &bias_, &bias_grad_, true});
  return p;
}

void Dense::forward(LayerCall& call) {
  check_inputs(call);
  const Tensor& x = *call.inputs[0];
  const int rows = static_cast<int>(x.size() / input_features_);
  Shape out_shape = x.shape();
  out_shape.back() = units_;
  call.outputs.resize(1);
  Tensor& y = call.outputs[0];
  y.resize(out_shape);
  // A linear Dense writes straight into its output; otherwise the pre-activation is kept
  // in saved[0] for backward (saved[1] holds its gradient there).
  const bool linear = activation_.kind == kernels::Activation::linear;
  if (!linear) call.saved.resize(2);
  Tensor& z = linear ? y : call.saved[0];
  z.resize(out_shape);
  kernels::gemm(false, false, rows, units_, input_features_, 1.0f, x.data(), input_features_,
                kernel_.data(), units_, 0.0f, z.data(), units_);
  if (use_bias_) kernels::add_bias_rows(z.data(), bias_.data(), z.data(), rows, units_);
  if (!linear) kernels::activation_forward(activation_, z.data(), y.data(), rows, units_);
}

void Dense::backward(LayerCall& call) {
  check_grad_outputs(call);
  const Tensor& x = *call.inputs[0];
  const Tensor& dy = *call.grad_outputs[0];
  const int rows = static_cast<int>(x.size() / input_features_);
  const float* dz = dy.data();
  if (activation_.kind != kernels::Activation::linear) {
    Tensor& dz_buffer = call.saved[1];
    dz_buffer.resize(dy.shape());
    kernels::activation_backward(activation_, call.saved[0].data(), call.outputs[0].data(),
                                 dy.data(), dz_buffer.data(), rows, units_);
    dz = dz_buffer.data();
  }
  // Parameter gradients accumulate (beta = 1): shared layers sum over their calls.
  kernels::gemm(true, false, input_features_, units_, rows, 1.0f, x.data(), input_features_, dz,
                units_, 1.0f, kernel_grad_.data(), units_);
  if (use_bias_) kernels::sum_rows(dz, rows, units_, bias_grad_.data(), true);
  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  Tensor& dx = call.grad_inputs[0];
  dx.resize(x.shape());
  kernels::gemm(false, true, rows, input_features_, units_, 1.0f, dz, units_, kernel_.data(),
                units_, 0.0f, dx.data(), input_features_);
}

SIMDNN_REGISTER_LAYER(Dense)

}  // namespace simdnn
