#include "layers/time_distributed.hpp"

#include "core/error.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {

struct TimeDistributed::InnerCall : LayerState {
  LayerCall call;
  Tensor input_view;  // the input seen as [batch * time, ...]
  Tensor grad_view;   // the output gradient seen as [batch * time, ...]
};

TimeDistributed::TimeDistributed(std::string name, std::shared_ptr<Layer> layer)
    : Layer(std::move(name)), layer_(std::move(layer)) {
  check(layer_ != nullptr, context(), ": needs a layer to wrap");
  check(layer_->expected_inputs() == 1, context(), ": the wrapped layer must take one input, ",
        layer_->context(), " takes ", layer_->expected_inputs() < 0 ? "several" : std::to_string(layer_->expected_inputs()));
}

std::shared_ptr<TimeDistributed> TimeDistributed::from_config(const Json& config) {
  ConfigReader reader(config, "TimeDistributed");
  const std::string name = reader.name();
  const Json& spec = reader.raw("layer");
  const bool trainable = reader.trainable();
  reader.finish();
  check(spec.is_object() && spec.contains("class_name") && spec["class_name"].is_string() &&
            spec.contains("config") && spec["config"].is_object(),
        reader.context(), ": option 'layer' must be {\"class_name\": ..., \"config\": {...}}, got ", spec.dump());
  auto layer = std::make_shared<TimeDistributed>(
      name, LayerRegistry::create(spec["class_name"].get<std::string>(), spec["config"]));
  layer->set_trainable(trainable);
  return layer;
}

Json TimeDistributed::config() const {
  Json c = base_config();
  c["layer"] = Json{{"class_name", layer_->class_name()}, {"config", layer_->config()}};
  return c;
}

void TimeDistributed::set_trainable(bool value) {
  Layer::set_trainable(value);
  layer_->set_trainable(value);
}

std::vector<Shape> TimeDistributed::do_build(const std::vector<Shape>& input_shapes, Rng& rng) {
  const Shape& in = input_shapes[0];
  check(in.size() >= 2, context(), ": expected an input of shape [batch, time, ...] (rank 3 or more), got ",
        batch_shape_text(in));
  const std::vector<Shape> inner = layer_->build({Shape(in.begin() + 1, in.end())}, rng);
  check(inner.size() == 1, context(), ": the wrapped layer must have one output, ", layer_->context(),
        " has ", inner.size());
  Shape out{in[0]};
  out.insert(out.end(), inner[0].begin(), inner[0].end());
  return {out};
}

void TimeDistributed::forward(LayerCall& call) {
  check_inputs(call);
  if (!dynamic_cast<InnerCall*>(call.state.get())) call.state = std::make_unique<InnerCall>();
  InnerCall& inner = static_cast<InnerCall&>(*call.state);
  const Tensor& x = *call.inputs[0];
  const int batch = x.dim(0), steps = x.dim(1);
  Shape merged = layer_->input_shapes()[0];
  merged.insert(merged.begin(), batch * steps);
  inner.input_view = x.reshaped(merged);
  inner.call.inputs = {&inner.input_view};
  inner.call.training = call.training;
  inner.call.rng = call.rng;
  layer_->forward(inner.call);
  // A copy rather than a view: a view would share the inner buffer, and the inner layer's next
  // resize() would then reallocate instead of reusing it.
  call.outputs.resize(1);
  call.outputs[0].resize(with_batch(batch, output_shapes()[0]));
  call.outputs[0].copy_from(inner.call.outputs[0]);
  call.added_loss = inner.call.added_loss;
}

void TimeDistributed::backward(LayerCall& call) {
  check_grad_outputs(call);
  InnerCall* inner = dynamic_cast<InnerCall*>(call.state.get());
  check(inner != nullptr, context(), ": backward() called before forward()");
  inner->grad_view = call.grad_outputs[0]->reshaped(inner->call.outputs[0].shape());
  inner->call.grad_outputs = {&inner->grad_view};
  inner->call.need_input_grads = call.need_input_grads;
  layer_->backward(inner->call);
  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  call.grad_inputs[0].resize(call.inputs[0]->shape());
  call.grad_inputs[0].copy_from(inner->call.grad_inputs[0]);
}

SIMDNN_REGISTER_LAYER(TimeDistributed)

}  // namespace simdnn
