#include "layers/cropping2d.hpp"

#include "core/error.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {

Cropping2D::Cropping2D(std::string name, const Margins2D& cropping)
    : Layer(std::move(name)), cropping_(cropping) {
  for (int m : cropping_)
    check(m >= 0, context(), ": cropping must be non-negative, got ",
          margins_json(cropping_).dump());
}

std::shared_ptr<Cropping2D> Cropping2D::from_config(const Json& config) {
  ConfigReader reader(config, "Cropping2D");
  const std::string name = reader.name();
  const Margins2D cropping = read_margins(reader, "cropping", 0);  // Keras default (0, 0)
  read_channels_last(reader);
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<Cropping2D>(name, cropping);
  layer->set_trainable(trainable);
  return layer;
}

Json Cropping2D::config() const {
  Json c = base_config();
  c["cropping"] = margins_json(cropping_);
  c["data_format"] = "channels_last";
  return c;
}

std::vector<Shape> Cropping2D::do_build(const std::vector<Shape>& input_shapes, Rng&) {
  const Shape& in = input_shapes[0];
  check(in.size() == 3, context(), ": expected an input of rank 4 ([batch, height, width, ",
        "channels]), got ", batch_shape_text(in));
  const int height = in[0] - cropping_[0] - cropping_[1];
  const int width = in[1] - cropping_[2] - cropping_[3];
  check(height >= 1 && width >= 1, context(), ": cropping ", margins_json(cropping_).dump(),
        " leaves nothing of input ", batch_shape_text(in), " (", height, "x", width, ")");
  return {Shape{height, width, in[2]}};
}

// The cropped output is the inner tensor of the frame; the input is the outer one.
kernels::Frame2D Cropping2D::frame(int batch) const {
  const Shape& out = output_shapes()[0];
  return {batch, out[0], out[1], out[2], cropping_[0], cropping_[1], cropping_[2], cropping_[3]};
}

void Cropping2D::forward(LayerCall& call) {
  check_inputs(call);
  const Tensor& x = *call.inputs[0];
  call.outputs.resize(1);
  call.outputs[0].resize(with_batch(x.dim(0), output_shapes()[0]));
  kernels::crop_2d(frame(x.dim(0)), x.data(), call.outputs[0].data());
}

void Cropping2D::backward(LayerCall& call) {
  check_grad_outputs(call);
  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  const Tensor& x = *call.inputs[0];
  call.grad_inputs[0].resize(x.shape());
  kernels::zero_pad_2d(frame(x.dim(0)), call.grad_outputs[0]->data(), call.grad_inputs[0].data());
}

SIMDNN_REGISTER_LAYER(Cropping2D)

}  // namespace simdnn
