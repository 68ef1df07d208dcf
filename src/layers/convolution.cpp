#include "layers/convolution.hpp"

#include "core/error.hpp"
#include "kernels/conv_forward.hpp"
#include "kernels/elementwise.hpp"
#include "kernels/gemm.hpp"
#include "kernels/reductions.hpp"
#include "layers/config_helpers.hpp"
#include "layers/registry.hpp"
#include "layers/window_config.hpp"

namespace simdnn {

namespace {
// What forward keeps in LayerCall::saved for backward, and backward's own buffers.
enum Saved { kColumns, kPreActivation, kPreActivationGrad, kColumnGrad, kSavedCount };

const char* const kNullOnlyFields[] = {"kernel_regularizer", "bias_regularizer",
                                       "activity_regularizer", "kernel_constraint",
                                       "bias_constraint"};
}  // namespace

Convolution::Convolution(std::string class_name, std::string name, int rank,
                         const ConvOptions& options)
    : Layer(std::move(name)),
      class_name_(std::move(class_name)),
      rank_(rank),
      filters_(options.filters),
      kernel_size_(checked_extents(options.kernel_size, rank, "kernel_size", context())),
      strides_(checked_extents(options.strides, rank, "strides", context())),
      dilation_rate_(checked_extents(options.dilation_rate, rank, "dilation_rate", context())),
      padding_(parse_padding(options.padding, rank == 1, context())),
      activation_(parse_activation(options.activation, context())),
      use_bias_(options.use_bias),
      kernel_initializer_(Initializer::from_spec(options.kernel_initializer,
                                                 context() + ": option 'kernel_initializer'")),
      bias_initializer_(Initializer::from_spec(options.bias_initializer,
                                               context() + ": option 'bias_initializer'")) {
  check(filters_ >= 1, context(), ": filters must be a positive integer, got ", filters_);
  // A 1-D layer is a 2-D one of height 1: the spatial lists map onto the width axis.
  window_.window_h = rank == 2 ? kernel_size_[0] : 1;
  window_.window_w = kernel_size_.back();
  window_.stride_h = rank == 2 ? strides_[0] : 1;
  window_.stride_w = strides_.back();
  window_.dilation_h = rank == 2 ? dilation_rate_[0] : 1;
  window_.dilation_w = dilation_rate_.back();
}

ConvOptions Convolution::read_options(ConfigReader& reader, int rank) {
  ConvOptions options;
  options.filters = reader.positive_int("filters");
  options.kernel_size = read_extents(reader, "kernel_size", rank, {});
  options.strides = read_extents(reader, "strides", rank, std::vector<int>(rank, 1));
  options.padding = reader.string("padding", "valid");
  parse_padding(options.padding, rank == 1, reader.context());
  read_channels_last(reader);
  options.dilation_rate = read_extents(reader, "dilation_rate", rank, std::vector<int>(rank, 1));
  const int groups = reader.integer("groups", 1);
  check(groups == 1, reader.context(), ": option 'groups' must be 1 (grouped convolutions are ",
        "not supported), got ", groups);
  options.activation =
      kernels::activation_name(read_activation(reader, "activation", "linear").kind);
  options.use_bias = reader.boolean("use_bias", true);
  if (const Json* k = reader.raw_or_null("kernel_initializer")) options.kernel_initializer = *k;
  if (const Json* b = reader.raw_or_null("bias_initializer")) options.bias_initializer = *b;
  for (const char* key : kNullOnlyFields) accept_only_null(reader, {key});
  return options;
}

Json Convolution::config() const {
  Json c = base_config();
  c["filters"] = filters_;
  c["kernel_size"] = extents_json(kernel_size_);
  c["strides"] = extents_json(strides_);
  c["padding"] = kernels::padding_name(padding_);
  c["data_format"] = "channels_last";
  c["dilation_rate"] = extents_json(dilation_rate_);
  c["groups"] = 1;
  c["activation"] = kernels::activation_name(activation_.kind);
  c["use_bias"] = use_bias_;
  c["kernel_initializer"] = kernel_initializer_.to_json();
  c["bias_initializer"] = bias_initializer_.to_json();
  for (const char* key : kNullOnlyFields) c[key] = nullptr;
  return c;
}

std::vector<Shape> Convolution::do_build(const std::vector<Shape>& input_shapes, Rng& rng) {
  const Shape& in = input_shapes[0];
  const char* expected = rank_ == 2 ? "[batch, height, width, channels]" : "[batch, steps, channels]";
  check(static_cast<int>(in.size()) == rank_ + 1, context(), ": expected an input of rank ",
        rank_ + 2, " (", expected, "), got ", batch_shape_text(in));
  window_.in_h = rank_ == 2 ? in[0] : 1;
  window_.in_w = in[rank_ - 1];
  window_.channels = in.back();
  kernels::plan_window(window_, padding_);
  check(window_.out_h >= 1 && window_.out_w >= 1, context(), ": input ", batch_shape_text(in),
        " is smaller than the dilated kernel ", shape_text(kernel_size_), " (dilation ",
        shape_text(dilation_rate_), ") with padding '", kernels::padding_name(padding_),
        "': the output would be empty");

  Shape kernel_shape = kernel_size_;
  kernel_shape.push_back(window_.channels);
  kernel_shape.push_back(filters_);
  kernel_.resize(kernel_shape);
  kernel_initializer_.fill(kernel_, rng);
  kernel_grad_ = Tensor(kernel_.shape());
  if (use_bias_) {
    bias_.resize({filters_});
    bias_initializer_.fill(bias_, rng);
    bias_grad_ = Tensor(bias_.shape());
  }
  if (rank_ == 2) return {Shape{window_.out_h, window_.out_w, filters_}};
  return {Shape{window_.out_w, filters_}};
}

std::vector<Param> Convolution::params() {
  std::vector<Param> p{{"kernel", &kernel_, &kernel_grad_, true}};
  if (use_bias_) p.push_back({"bias", &bias_, &bias_grad_, true});
  return p;
}

void Convolution::forward(LayerCall& call) {
  check_inputs(call);
  if (call.training) return forward_saving(call);
  // Inference keeps nothing for backward: the fused kernel never writes the full columns.
  // An extra, empty entry in saved marks the saved tensors as stale (their buffers stay for
  // the next training forward); a backward after this (gradient checks do that) recomputes
  // them (see backward).
  const Tensor& x = *call.inputs[0];
  kernels::Window2D window = window_;
  window.batch = x.dim(0);
  call.saved.resize(kSavedCount + 1);
  call.outputs.resize(1);
  Tensor& y = call.outputs[0];
  y.resize(with_batch(window.batch, output_shapes()[0]));
  kernels::conv_forward(window, x.data(), kernel_.data(), use_bias_ ? bias_.data() : nullptr,
                        filters_, activation_, y.data());
}

void Convolution::forward_saving(LayerCall& call) {
  const Tensor& x = *call.inputs[0];
  kernels::Window2D window = window_;
  window.batch = x.dim(0);
  const int pixels = static_cast<int>(window.output_pixels());
  const int taps = static_cast<int>(window.window_size());

  call.saved.resize(kSavedCount);
  const float* columns = x.data();
  if (!window.is_pointwise()) {
    Tensor& buffer = call.saved[kColumns];
    buffer.resize({pixels, taps});
    kernels::im2col(window, x.data(), buffer.data());
    columns = buffer.data();
  }

  const Shape out_shape = with_batch(window.batch, output_shapes()[0]);
  call.outputs.resize(1);
  Tensor& y = call.outputs[0];
  y.resize(out_shape);
  // A linear convolution writes straight into its output; otherwise the pre-activation is
  // kept for backward.
  const bool linear = activation_.kind == kernels::Activation::linear;
  Tensor& z = linear ? y : call.saved[kPreActivation];
  z.resize(out_shape);
  kernels::gemm(false, false, pixels, filters_, taps, 1.0f, columns, taps, kernel_.data(),
                filters_, 0.0f, z.data(), filters_);
  if (use_bias_) kernels::add_bias_rows(z.data(), bias_.data(), z.data(), pixels, filters_);
  if (!linear) kernels::activation_forward(activation_, z.data(), y.data(), pixels, filters_);
}

void Convolution::backward(LayerCall& call) {
  check_grad_outputs(call);
  if (call.saved.size() != kSavedCount) forward_saving(call);
  const Tensor& x = *call.inputs[0];
  const Tensor& dy = *call.grad_outputs[0];
  kernels::Window2D window = window_;
  window.batch = x.dim(0);
  const int pixels = static_cast<int>(window.output_pixels());
  const int taps = static_cast<int>(window.window_size());
  const bool pointwise = window.is_pointwise();
  const float* columns = pointwise ? x.data() : call.saved[kColumns].data();

  const float* dz = dy.data();
  if (activation_.kind != kernels::Activation::linear) {
    Tensor& dz_buffer = call.saved[kPreActivationGrad];
    dz_buffer.resize(dy.shape());
    kernels::activation_backward(activation_, call.saved[kPreActivation].data(),
                                 call.outputs[0].data(), dy.data(), dz_buffer.data(), pixels,
                                 filters_);
    dz = dz_buffer.data();
  }
  // Parameter gradients accumulate (beta = 1): shared layers sum over their calls.
  kernels::gemm(true, false, taps, filters_, pixels, 1.0f, columns, taps, dz, filters_, 1.0f,
                kernel_grad_.data(), filters_);
  if (use_bias_) kernels::sum_rows(dz, pixels, filters_, bias_grad_.data(), true);

  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  Tensor& dx = call.grad_inputs[0];
  dx.resize(x.shape());
  if (pointwise) {
    kernels::gemm(false, true, pixels, taps, filters_, 1.0f, dz, filters_, kernel_.data(),
                  filters_, 0.0f, dx.data(), taps);
    return;
  }
  Tensor& column_grad = call.saved[kColumnGrad];
  column_grad.resize({pixels, taps});
  kernels::gemm(false, true, pixels, taps, filters_, 1.0f, dz, filters_, kernel_.data(), filters_,
                0.0f, column_grad.data(), taps);
  kernels::col2im(window, column_grad.data(), dx.data());
}

namespace {
template <typename ConvLayer>
std::shared_ptr<ConvLayer> conv_from_config(const Json& config, const char* class_name, int rank) {
  ConfigReader reader(config, class_name);
  const std::string name = reader.name();
  const ConvOptions options = Convolution::read_options(reader, rank);
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<ConvLayer>(name, options);
  layer->set_trainable(trainable);
  return layer;
}
}  // namespace

Conv2D::Conv2D(std::string name, const ConvOptions& options)
    : Convolution("Conv2D", std::move(name), 2, options) {}

std::shared_ptr<Conv2D> Conv2D::from_config(const Json& config) {
  return conv_from_config<Conv2D>(config, "Conv2D", 2);
}

Conv1D::Conv1D(std::string name, const ConvOptions& options)
    : Convolution("Conv1D", std::move(name), 1, options) {}

std::shared_ptr<Conv1D> Conv1D::from_config(const Json& config) {
  return conv_from_config<Conv1D>(config, "Conv1D", 1);
}

SIMDNN_REGISTER_LAYER(Conv2D)
SIMDNN_REGISTER_LAYER(Conv1D)

}  // namespace simdnn
