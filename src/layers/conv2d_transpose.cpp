#include "layers/conv2d_transpose.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "kernels/gemm.hpp"
#include "kernels/elementwise.hpp"
#include "kernels/reductions.hpp"
#include "layers/config_helpers.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"
#include "layers/window_config.hpp"

namespace simdnn {

namespace {
enum Saved { kColumns, kPreActivation, kPreActivationGrad, kSavedCount };

const char* const kNullOnlyFields[] = {"kernel_regularizer", "bias_regularizer", "activity_regularizer",
                                       "kernel_constraint", "bias_constraint", "output_padding"};
}  // namespace

Conv2DTranspose::Conv2DTranspose(std::string name, const ConvTransposeOptions& options)
    : Layer(std::move(name)),
      filters_(options.filters),
      kernel_size_(checked_extents(options.kernel_size, 2, "kernel_size", context())),
      strides_(checked_extents(options.strides, 2, "strides", context())),
      padding_(parse_padding(options.padding, false, context())),
      activation_(parse_activation(options.activation, context())),
      use_bias_(options.use_bias),
      kernel_initializer_(Initializer::from_spec(options.kernel_initializer,
                                                 context() + ": option 'kernel_initializer'")),
      bias_initializer_(Initializer::from_spec(options.bias_initializer, context() + ": option 'bias_initializer'")) {
  check(filters_ >= 1, context(), ": filters must be a positive integer, got ", filters_);
  window_.window_h = kernel_size_[0];
  window_.window_w = kernel_size_[1];
  window_.stride_h = strides_[0];
  window_.stride_w = strides_[1];
}

std::shared_ptr<Conv2DTranspose> Conv2DTranspose::from_config(const Json& config) {
  ConfigReader reader(config, "Conv2DTranspose");
  const std::string name = reader.name();
  ConvTransposeOptions o;
  o.filters = reader.positive_int("filters");
  o.kernel_size = read_extents(reader, "kernel_size", 2, {});
  o.strides = read_extents(reader, "strides", 2, {1, 1});
  o.padding = reader.string("padding", "valid");
  parse_padding(o.padding, false, reader.context());
  read_channels_last(reader);
  const std::vector<int> dilation = read_extents(reader, "dilation_rate", 2, {1, 1});
  check(dilation == std::vector<int>{1, 1}, reader.context(),
        ": option 'dilation_rate' must be 1 (dilated transposed convolutions are not supported), got ",
        shape_text(dilation));
  o.activation = kernels::activation_name(read_activation(reader, "activation", "linear").kind);
  o.use_bias = reader.boolean("use_bias", true);
  if (const Json* k = reader.raw_or_null("kernel_initializer")) o.kernel_initializer = *k;
  if (const Json* b = reader.raw_or_null("bias_initializer")) o.bias_initializer = *b;
  for (const char* key : kNullOnlyFields) accept_only_null(reader, {key});
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<Conv2DTranspose>(name, o);
  layer->set_trainable(trainable);
  return layer;
}

Json Conv2DTranspose::config() const {
  Json c = base_config();
  c["filters"] = filters_;
  c["kernel_size"] = extents_json(kernel_size_);
  c["strides"] = extents_json(strides_);
  c["padding"] = kernels::padding_name(padding_);
  c["data_format"] = "channels_last";
  c["dilation_rate"] = extents_json({1, 1});
  c["activation"] = kernels::activation_name(activation_.kind);
  c["use_bias"] = use_bias_;
  c["kernel_initializer"] = kernel_initializer_.to_json();
  c["bias_initializer"] = bias_initializer_.to_json();
  for (const char* key : kNullOnlyFields) c[key] = nullptr;
  return c;
}

std::vector<Shape> Conv2DTranspose::do_build(const std::vector<Shape>& input_shapes, Rng& rng) {
  const Shape& in = input_shapes[0];
  check(in.size() == 3, context(), ": expected an input of rank 4 ([batch, height, width, channels]), got ",
        batch_shape_text(in));
  const bool same = padding_ == kernels::Padding::same;
  const auto extent = [&](int size, int k, int s) { return same ? size * s : size * s + std::max(k - s, 0); };
  in_channels_ = in[2];
  window_.in_h = extent(in[0], window_.window_h, window_.stride_h);
  window_.in_w = extent(in[1], window_.window_w, window_.stride_w);
  window_.channels = filters_;
  kernels::plan_window(window_, padding_);
  // The adjoint convolution must land exactly on this layer's input grid.
  check(window_.out_h == in[0] && window_.out_w == in[1], context(), ": internal shape mismatch for input ",
        batch_shape_text(in));

  kernel_.resize({kernel_size_[0], kernel_size_[1], filters_, in_channels_});
  kernel_initializer_.fill(kernel_, rng);
  kernel_grad_ = Tensor(kernel_.shape());
  if (use_bias_) {
    bias_.resize({filters_});
    bias_initializer_.fill(bias_, rng);
    bias_grad_ = Tensor(bias_.shape());
  }
  return {Shape{window_.in_h, window_.in_w, filters_}};
}

std::vector<Param> Conv2DTranspose::params() {
  std::vector<Param> p{{"kernel", &kernel_, &kernel_grad_, true}};
  if (use_bias_) p.push_back({"bias", &bias_, &bias_grad_, true});
  return p;
}

void Conv2DTranspose::forward(LayerCall& call) {
  check_inputs(call);
  const Tensor& x = *call.inputs[0];
  kernels::Window2D window = window_;
  window.batch = x.dim(0);
  const int pixels = static_cast<int>(window.output_pixels());  // input pixels of this layer
  const int taps = static_cast<int>(window.window_size());
  call.saved.resize(kSavedCount);
  Tensor& columns = call.saved[kColumns];
  columns.resize({pixels, taps});
  kernels::gemm(false, true, pixels, taps, in_channels_, 1.0f, x.data(), in_channels_, kernel_.data(),
                in_channels_, 0.0f, columns.data(), taps);

  const Shape out_shape = with_batch(window.batch, output_shapes()[0]);
  const int out_pixels = window.batch * window.in_h * window.in_w;
  call.outputs.resize(1);
  Tensor& y = call.outputs[0];
  y.resize(out_shape);
  const bool linear = activation_.kind == kernels::Activation::linear;
  Tensor& z = linear ? y : call.saved[kPreActivation];
  z.resize(out_shape);
  kernels::col2im(window, columns.data(), z.data());
  if (use_bias_) kernels::add_bias_rows(z.data(), bias_.data(), z.data(), out_pixels, filters_);
  if (!linear) kernels::activation_forward(activation_, z.data(), y.data(), out_pixels, filters_);
}

void Conv2DTranspose::backward(LayerCall& call) {
  check_grad_outputs(call);
  const Tensor& x = *call.inputs[0];
  const Tensor& dy = *call.grad_outputs[0];
  kernels::Window2D window = window_;
  window.batch = x.dim(0);
  const int pixels = static_cast<int>(window.output_pixels());
  const int taps = static_cast<int>(window.window_size());
  const int out_pixels = window.batch * window.in_h * window.in_w;

  const float* dz = dy.data();
  if (activation_.kind != kernels::Activation::linear) {
    Tensor& dz_buffer = call.saved[kPreActivationGrad];
    dz_buffer.resize(dy.shape());
    kernels::activation_backward(activation_, call.saved[kPreActivation].data(), call.outputs[0].data(),
                                 dy.data(), dz_buffer.data(), out_pixels, filters_);
    dz = dz_buffer.data();
  }
  if (use_bias_) kernels::sum_rows(dz, out_pixels, filters_, bias_grad_.data(), true);
  // The forward columns are no longer needed: reuse their buffer for im2col(dz).
  Tensor& columns = call.saved[kColumns];
  columns.resize({pixels, taps});
  kernels::im2col(window, dz, columns.data());
  kernels::gemm(true, false, taps, in_channels_, pixels, 1.0f, columns.data(), taps, x.data(), in_channels_,
                1.0f, kernel_grad_.data(), in_channels_);
  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  Tensor& dx = call.grad_inputs[0];
  dx.resize(x.shape());
  kernels::gemm(false, false, pixels, in_channels_, taps, 1.0f, columns.data(), taps, kernel_.data(),
                in_channels_, 0.0f, dx.data(), in_channels_);
}

SIMDNN_REGISTER_LAYER(Conv2DTranspose)

}  // namespace simdnn
