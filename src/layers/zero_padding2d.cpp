#include "layers/zero_padding2d.hpp"

#include "core/error.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {

ZeroPadding2D::ZeroPadding2D(std::string name, const Margins2D& padding)
    : Layer(std::move(name)), padding_(padding) {
  for (int m : padding_)
    check(m >= 0, context(), ": padding must be non-negative, got ",
          margins_json(padding_).dump());
}

std::shared_ptr<ZeroPadding2D> ZeroPadding2D::from_config(const Json& config) {
  ConfigReader reader(config, "ZeroPadding2D");
  const std::string name = reader.name();
  const Margins2D padding = read_margins(reader, "padding", 1);  // Keras default (1, 1)
  read_channels_last(reader);
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<ZeroPadding2D>(name, padding);
  layer->set_trainable(trainable);
  return layer;
}

Json ZeroPadding2D::config() const {
  Json c = base_config();
  c["padding"] = margins_json(padding_);
  c["data_format"] = "channels_last";
  return c;
}

std::vector<Shape> ZeroPadding2D::do_build(const std::vector<Shape>& input_shapes, Rng&) {
  const Shape& in = input_shapes[0];
  check(in.size() == 3, context(), ": expected an input of rank 4 ([batch, height, width, ",
        "channels]), got ", batch_shape_text(in));
  return {Shape{padding_[0] + in[0] + padding_[1], padding_[2] + in[1] + padding_[3], in[2]}};
}

kernels::Frame2D ZeroPadding2D::frame(int batch) const {
  const Shape& in = input_shapes()[0];
  return {batch, in[0], in[1], in[2], padding_[0], padding_[1], padding_[2], padding_[3]};
}

void ZeroPadding2D::forward(LayerCall& call) {
  check_inputs(call);
  const Tensor& x = *call.inputs[0];
  call.outputs.resize(1);
  call.outputs[0].resize(with_batch(x.dim(0), output_shapes()[0]));
  kernels::zero_pad_2d(frame(x.dim(0)), x.data(), call.outputs[0].data());
}

void ZeroPadding2D::backward(LayerCall& call) {
  check_grad_outputs(call);
  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  const Tensor& x = *call.inputs[0];
  call.grad_inputs[0].resize(x.shape());
  kernels::crop_2d(frame(x.dim(0)), call.grad_outputs[0]->data(), call.grad_inputs[0].data());
}

SIMDNN_REGISTER_LAYER(ZeroPadding2D)

}  // namespace simdnn
