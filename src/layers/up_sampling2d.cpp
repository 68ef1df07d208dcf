#include "layers/up_sampling2d.hpp"

#include "core/error.hpp"
#include "kernels/upsampling.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"
#include "layers/window_config.hpp"

namespace simdnn {

namespace {
kernels::Upsample2D plan(const Tensor& x, const std::vector<int>& size) {
  kernels::Upsample2D u;
  u.batch = x.dim(0);
  u.in_h = x.dim(1);
  u.in_w = x.dim(2);
  u.channels = x.dim(3);
  u.size_h = size[0];
  u.size_w = size[1];
  return u;
}
}  // namespace

UpSampling2D::UpSampling2D(std::string name, std::vector<int> size, std::string interpolation)
    : Layer(std::move(name)),
      size_(checked_extents(size, 2, "size", context())),
      interpolation_(std::move(interpolation)) {
  check(interpolation_ == "nearest" || interpolation_ == "bilinear", context(),
        ": option 'interpolation' must be 'nearest' or 'bilinear', got '", interpolation_, "'");
}

std::shared_ptr<UpSampling2D> UpSampling2D::from_config(const Json& config) {
  ConfigReader reader(config, "UpSampling2D");
  const std::string name = reader.name();
  const std::vector<int> size = read_extents(reader, "size", 2, {2, 2});
  read_channels_last(reader);
  const std::string interpolation = reader.one_of("interpolation", "nearest", {"nearest", "bilinear"});
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<UpSampling2D>(name, size, interpolation);
  layer->set_trainable(trainable);
  return layer;
}

Json UpSampling2D::config() const {
  Json c = base_config();
  c["size"] = extents_json(size_);
  c["data_format"] = "channels_last";
  c["interpolation"] = interpolation_;
  return c;
}

std::vector<Shape> UpSampling2D::do_build(const std::vector<Shape>& input_shapes, Rng&) {
  const Shape& in = input_shapes[0];
  check(in.size() == 3, context(), ": expected an input of rank 4 ([batch, height, width, channels]), got ",
        batch_shape_text(in));
  return {Shape{in[0] * size_[0], in[1] * size_[1], in[2]}};
}

void UpSampling2D::forward(LayerCall& call) {
  check_inputs(call);
  const Tensor& x = *call.inputs[0];
  const kernels::Upsample2D u = plan(x, size_);
  call.outputs.resize(1);
  Tensor& y = call.outputs[0];
  y.resize(with_batch(u.batch, output_shapes()[0]));
  if (interpolation_ == "nearest")
    kernels::upsample_nearest(u, x.data(), y.data());
  else
    kernels::upsample_bilinear(u, x.data(), y.data());
}

void UpSampling2D::backward(LayerCall& call) {
  check_grad_outputs(call);
  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  const Tensor& x = *call.inputs[0];
  const kernels::Upsample2D u = plan(x, size_);
  Tensor& dx = call.grad_inputs[0];
  dx.resize(x.shape());
  if (interpolation_ == "nearest")
    kernels::upsample_nearest_backward(u, call.grad_outputs[0]->data(), dx.data());
  else
    kernels::upsample_bilinear_backward(u, call.grad_outputs[0]->data(), dx.data());
}

SIMDNN_REGISTER_LAYER(UpSampling2D)

}  // namespace simdnn
