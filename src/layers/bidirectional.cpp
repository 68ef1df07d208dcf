#include "layers/bidirectional.hpp"

#include <algorithm>
#include <optional>
#include <tuple>
#include <utility>

#include "core/error.hpp"
#include "kernels/elementwise.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {
namespace {

const char* merge_name(Bidirectional::Merge m) {
  switch (m) {
    case Bidirectional::Merge::concat: return "concat";
    case Bidirectional::Merge::sum: return "sum";
    case Bidirectional::Merge::ave: return "ave";
    case Bidirectional::Merge::mul: return "mul";
    case Bidirectional::Merge::none: break;
  }
  return nullptr;
}

std::string without_prefix(const std::string& name, const std::string& prefix) {
  return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
}

void check_spec(const std::string& context, const char* key, const Json& spec) {
  check(spec.is_object() && spec.contains("class_name") && spec["class_name"].is_string() &&
            spec.contains("config") && spec["config"].is_object(),
        context, ": option '", key, "' must be {\"class_name\": ..., \"config\": {...}}, got ", spec.dump());
}

// The wrapped layer's own name: its config's name without the forward_/backward_ prefix
// Keras 3 adds, or a fresh one.
std::string wrapped_name(const Json& spec, const std::string& prefix) {
  const Json& config = spec["config"];
  if (config.contains("name") && config["name"].is_string())
    return without_prefix(config["name"].get<std::string>(), prefix);
  return unique_layer_name(snake_case(spec["class_name"].get<std::string>()));
}

// Creates the layer of a checked {"class_name", "config"} spec under `name`.
std::shared_ptr<RecurrentLayer> make_recurrent(const std::string& context, const Json& spec,
                                               const std::string& name, std::optional<bool> go_backwards) {
  const std::string class_name = spec["class_name"].get<std::string>();
  Json config = spec["config"];
  config["name"] = name;
  if (go_backwards) config["go_backwards"] = *go_backwards;
  std::shared_ptr<Layer> layer = LayerRegistry::create(class_name, config);
  auto recurrent = std::dynamic_pointer_cast<RecurrentLayer>(layer);
  check(recurrent != nullptr, context, ": expected a recurrent layer (LSTM, GRU, SimpleRNN) to wrap, got ",
        class_name);
  return recurrent;
}

}  // namespace

struct Bidirectional::Calls : LayerState {
  LayerCall forward, backward;
  Tensor forward_grad, backward_grad;  // gradients of the two sequence outputs
};

Bidirectional::Bidirectional(std::string name, std::shared_ptr<RecurrentLayer> forward_layer,
                             std::shared_ptr<RecurrentLayer> backward_layer, Merge merge)
    : Layer(std::move(name)), forward_(std::move(forward_layer)), backward_(std::move(backward_layer)),
      merge_(merge) {
  check(forward_ && backward_, context(), ": needs a forward and a backward layer");
  check(forward_->class_name() == backward_->class_name(), context(),
        ": forward and backward layers must be of one class, got ", forward_->class_name(), " and ",
        backward_->class_name());
  check(forward_->go_backwards() != backward_->go_backwards(), context(),
        ": the backward layer must have the opposite go_backwards of the forward layer (both are ",
        forward_->go_backwards() ? "true" : "false", ")");
  check(forward_->return_sequences() == backward_->return_sequences() &&
            forward_->return_state() == backward_->return_state(),
        context(), ": forward and backward layers must agree on return_sequences and return_state");
  check(forward_->units() == backward_->units() || merge_ == Merge::concat || merge_ == Merge::none,
        context(), ": merge_mode '", merge_name(merge_), "' needs equal units, got ", forward_->units(),
        " and ", backward_->units());
  wrapped_name_ = without_prefix(forward_->name(), "forward_");
}

std::shared_ptr<Bidirectional> Bidirectional::wrap(std::string name, const Json& layer_spec, Merge merge) {
  const std::string context = "Bidirectional '" + name + "'";
  check_spec(context, "layer", layer_spec);
  const std::string base = wrapped_name(layer_spec, "forward_");
  auto forward_layer = make_recurrent(context, layer_spec, "forward_" + base, std::nullopt);
  auto backward_layer = make_recurrent(context, layer_spec, "backward_" + base, !forward_layer->go_backwards());
  return std::make_shared<Bidirectional>(std::move(name), forward_layer, backward_layer, merge);
}

std::shared_ptr<Bidirectional> Bidirectional::from_config(const Json& config) {
  ConfigReader reader(config, "Bidirectional");
  const std::string name = reader.name();
  const Json& layer_spec = reader.raw("layer");
  // Keras' default is concat; an explicit null means no merge.
  Merge merge = config.contains("merge_mode") ? Merge::none : Merge::concat;
  if (const Json* m = reader.raw_or_null("merge_mode")) {
    const std::string mode = m->is_string() ? m->get<std::string>() : m->dump();
    if (mode == "concat") merge = Merge::concat;
    else if (mode == "sum") merge = Merge::sum;
    else if (mode == "ave") merge = Merge::ave;
    else if (mode == "mul") merge = Merge::mul;
    else fail(reader.context(), ": option 'merge_mode' must be one of 'concat', 'sum', 'ave', 'mul' or null, got ", m->dump());
  }
  const Json* backward_spec = reader.raw_or_null("backward_layer");  // Keras 3 writes it
  const bool trainable = reader.trainable();
  reader.finish();
  std::shared_ptr<Bidirectional> layer;
  if (backward_spec) {
    const std::string context = reader.context();
    check_spec(context, "layer", layer_spec);
    check_spec(context, "backward_layer", *backward_spec);
    auto forward_layer =
        make_recurrent(context, layer_spec, "forward_" + wrapped_name(layer_spec, "forward_"), std::nullopt);
    auto backward_layer = make_recurrent(context, *backward_spec,
                                         "backward_" + wrapped_name(*backward_spec, "backward_"), std::nullopt);
    layer = std::make_shared<Bidirectional>(name, forward_layer, backward_layer, merge);
  } else {
    layer = wrap(name, layer_spec, merge);
  }
  // A wrapped layer that declared the input shape declares it for the wrapper.
  if (const auto& shape = layer->forward_->declared_input_shape()) layer->set_declared_input_shape(*shape);
  layer->set_trainable(trainable);
  return layer;
}

Json Bidirectional::config() const {
  Json c = base_config();
  Json inner = forward_->config();
  inner["name"] = wrapped_name_;
  inner.erase("batch_input_shape");
  c["layer"] = Json{{"class_name", forward_->class_name()}, {"config", inner}};
  c["merge_mode"] = merge_ == Merge::none ? Json(nullptr) : Json(merge_name(merge_));
  return c;
}

void Bidirectional::set_trainable(bool value) {
  Layer::set_trainable(value);
  forward_->set_trainable(value);
  backward_->set_trainable(value);
}

std::vector<Param> Bidirectional::params() {
  std::vector<Param> all;
  for (RecurrentLayer* layer : {forward_.get(), backward_.get()})
    for (Param p : layer->params()) {
      p.name = layer->name() + "/" + p.name;
      all.push_back(p);
    }
  return all;
}

std::vector<Shape> Bidirectional::do_build(const std::vector<Shape>& input_shapes, Rng& rng) {
  const std::vector<Shape> f = forward_->build(input_shapes, rng);
  const std::vector<Shape> b = backward_->build(input_shapes, rng);
  std::vector<Shape> out;
  if (merge_ == Merge::none) {
    out = {f[0], b[0]};
  } else {
    Shape merged = f[0];
    if (merge_ == Merge::concat) merged.back() += b[0].back();
    out = {merged};
  }
  out.insert(out.end(), f.begin() + 1, f.end());
  out.insert(out.end(), b.begin() + 1, b.end());
  return out;
}

std::size_t Bidirectional::backward_row(std::size_t row, int steps) const {
  if (!forward_->return_sequences()) return row;
  const std::size_t t = row % steps;
  return row - t + (steps - 1 - t);
}

void Bidirectional::forward(LayerCall& call) {
  check_inputs(call);
  if (!dynamic_cast<Calls*>(call.state.get())) call.state = std::make_unique<Calls>();
  Calls& calls = static_cast<Calls&>(*call.state);
  for (auto [layer, inner] : {std::pair{forward_.get(), &calls.forward}, std::pair{backward_.get(), &calls.backward}}) {
    inner->inputs = call.inputs;
    inner->input_masks = call.input_masks;  // both directions skip the same padded steps
    inner->training = call.training;
    inner->rng = call.rng;
    layer->forward(*inner);
  }
  const Tensor& yf = calls.forward.outputs[0];
  const Tensor& yb = calls.backward.outputs[0];
  const int steps = call.inputs[0]->dim(1);
  const std::size_t uf = forward_->units(), ub = backward_->units();
  const std::size_t rows = yf.size() / uf;
  const std::size_t first_state = merge_ == Merge::none ? 2 : 1;
  call.outputs.resize(first_state + calls.forward.outputs.size() - 1 + calls.backward.outputs.size() - 1);

  Tensor& y = call.outputs[0];
  Shape shape = yf.shape();
  if (merge_ == Merge::concat) shape.back() = static_cast<int>(uf + ub);
  y.resize(shape);
  Tensor* y_backward = merge_ == Merge::none ? &call.outputs[1] : nullptr;
  if (y_backward) {
    y_backward->resize(yb.shape());
    y.copy_from(yf);
  }
  for (std::size_t r = 0; r < rows; ++r) {
    const float* f = yf.data() + r * uf;
    const float* b = yb.data() + backward_row(r, steps) * ub;
    switch (merge_) {
      case Merge::concat:
        std::copy_n(f, uf, y.data() + r * (uf + ub));
        std::copy_n(b, ub, y.data() + r * (uf + ub) + uf);
        break;
      case Merge::sum: kernels::add(f, b, y.data() + r * uf, uf); break;
      case Merge::ave:
        kernels::add(f, b, y.data() + r * uf, uf);
        kernels::scale(0.5f, y.data() + r * uf, y.data() + r * uf, uf);
        break;
      case Merge::mul: kernels::mul(f, b, y.data() + r * uf, uf); break;
      case Merge::none: std::copy_n(b, ub, y_backward->data() + r * ub); break;
    }
  }
  std::size_t k = first_state;
  for (const LayerCall* inner : {&calls.forward, &calls.backward})
    for (std::size_t s = 1; s < inner->outputs.size(); ++s, ++k) {
      call.outputs[k].resize(inner->outputs[s].shape());
      call.outputs[k].copy_from(inner->outputs[s]);
    }
}

void Bidirectional::backward(LayerCall& call) {
  check_grad_outputs(call);
  Calls* calls = dynamic_cast<Calls*>(call.state.get());
  check(calls != nullptr, context(), ": backward() called before forward()");
  const Tensor& yf = calls->forward.outputs[0];
  const Tensor& yb = calls->backward.outputs[0];
  const int steps = call.inputs[0]->dim(1);
  const std::size_t uf = forward_->units(), ub = backward_->units();
  const std::size_t rows = yf.size() / uf;
  const Tensor& dy = *call.grad_outputs[0];
  calls->forward_grad.resize(yf.shape());
  calls->backward_grad.resize(yb.shape());
  float* dyf = calls->forward_grad.data();
  float* dyb = calls->backward_grad.data();
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t rb = backward_row(r, steps);
    float* df = dyf + r * uf;
    float* db = dyb + rb * ub;
    switch (merge_) {
      case Merge::concat:
        std::copy_n(dy.data() + r * (uf + ub), uf, df);
        std::copy_n(dy.data() + r * (uf + ub) + uf, ub, db);
        break;
      case Merge::sum:
        std::copy_n(dy.data() + r * uf, uf, df);
        std::copy_n(dy.data() + r * uf, uf, db);
        break;
      case Merge::ave:
        kernels::scale(0.5f, dy.data() + r * uf, df, uf);
        kernels::scale(0.5f, dy.data() + r * uf, db, uf);
        break;
      case Merge::mul:
        kernels::mul(dy.data() + r * uf, yb.data() + rb * ub, df, uf);
        kernels::mul(dy.data() + r * uf, yf.data() + r * uf, db, uf);
        break;
      case Merge::none:
        std::copy_n(dy.data() + r * uf, uf, df);
        std::copy_n(call.grad_outputs[1]->data() + r * ub, ub, db);
        break;
    }
  }
  std::size_t k = merge_ == Merge::none ? 2 : 1;
  for (auto [layer, inner, grad] : {std::tuple{forward_.get(), &calls->forward, &calls->forward_grad},
                                    std::tuple{backward_.get(), &calls->backward, &calls->backward_grad}}) {
    inner->grad_outputs.assign(1, grad);
    for (std::size_t s = 1; s < inner->outputs.size(); ++s) inner->grad_outputs.push_back(call.grad_outputs[k++]);
    inner->need_input_grads = call.need_input_grads;
    layer->backward(*inner);
  }
  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  Tensor& dx = call.grad_inputs[0];
  dx.resize(call.inputs[0]->shape());
  kernels::add(calls->forward.grad_inputs[0].data(), calls->backward.grad_inputs[0].data(), dx.data(), dx.size());
}

void Bidirectional::compute_output_masks(LayerCall& call) const {
  call.output_masks.assign(call.outputs.size(), Tensor());
  const Tensor* mask = first_input_mask(call);
  if (!mask || !forward_->return_sequences()) return;
  const std::size_t sequence_outputs = merge_ == Merge::none ? 2 : 1;
  for (std::size_t k = 0; k < sequence_outputs; ++k) call.output_masks[k] = *mask;
}

SIMDNN_REGISTER_LAYER(Bidirectional)

}  // namespace simdnn
