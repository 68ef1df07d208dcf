#include "model/model.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "core/error.hpp"
#include "kernels/elementwise.hpp"
#include "losses/loss.hpp"
#include "model/metrics.hpp"
#include "optimizers/optimizer.hpp"

namespace simdnn {

// Per-call state of a running graph: one LayerCall per node and the gradient
// accumulated for each node output (several consumers add into it).
struct Model::GraphRun : LayerState {
  std::vector<LayerCall> calls;
  std::vector<std::vector<Tensor>> grads;
  std::vector<std::vector<char>> has_grad;
  std::vector<Tensor> input_grads;
  std::vector<char> input_has_grad;
};

Model::Model(std::vector<SymbolicTensor> inputs, std::vector<SymbolicTensor> outputs,
             std::string name)
    : Layer(name.empty() ? unique_layer_name("model") : std::move(name)), rng_(init_rng().split()) {
  set_graph(std::move(inputs), std::move(outputs));
}

Model::~Model() = default;

std::shared_ptr<Model> Model::sequential(const std::vector<std::shared_ptr<Layer>>& layers,
                                         std::string name) {
  auto model = std::shared_ptr<Model>(
      new Model({}, {}, name.empty() ? unique_layer_name("sequential") : std::move(name)));
  model->sequential_ = true;
  for (const auto& layer : layers) model->add(layer);
  return model;
}

void Model::add(const std::shared_ptr<Layer>& layer) {
  check(sequential_, context(), ": add() is only for Sequential models");
  check(layer != nullptr, context(), ": cannot add a null layer");
  check(layer.get() != this, context(), ": cannot add a model to itself");
  check(!compiled(), context(), ": cannot add layers after compile()");
  const std::string& n = layer->name();
  for (const auto& existing : layers())
    check(existing->name() != n, context(), ": duplicate layer name '", n, "'");
  for (const auto& existing : pending_)
    check(existing->name() != n, context(), ": duplicate layer name '", n, "'");
  if (!graph_ready()) {
    // The first layer may declare the input shape; an InputLayer declares it by itself.
    if (pending_.empty() && layer->class_name() == "InputLayer") {
      set_graph({make_input(layer->output_shapes().empty() ? *layer->declared_input_shape()
                                                           : layer->output_shapes().at(0),
                            layer->name())},
                {});
      return;
    }
    pending_.push_back(layer);
    if (pending_.size() == 1) {
      // The first layer knows the input shape if it declares one or is a built model.
      auto* inner = dynamic_cast<Model*>(layer.get());
      if (layer->declared_input_shape())
        ensure_built({*layer->declared_input_shape()});
      else if (inner && inner->graph_ready() && inner->model_input_shapes().size() == 1)
        ensure_built(inner->model_input_shapes());
    }
    return;
  }
  std::vector<SymbolicTensor> current = outputs_.empty() ? inputs_ : outputs_;
  check(current.size() == 1, context(), ": Sequential layers need exactly one input, the model has ",
        current.size(), " outputs");
  auto out = apply_layer(layer, current);
  check(out.size() == 1, layer->context(), ": a Sequential layer must have one output, it has ",
        out.size());
  set_graph(inputs_, out);
}

void Model::ensure_built(const std::vector<Shape>& sample_shapes) {
  if (!graph_ready()) {
    check(sequential_, context(), ": model has no graph");
    check(sample_shapes.size() == 1, context(), ": Sequential takes one input, got ",
          sample_shapes.size());
    auto layers = std::move(pending_);
    pending_.clear();
    set_graph({make_input(sample_shapes[0])}, {});
    for (const auto& layer : layers) add(layer);
    return;
  }
  const auto expected = model_input_shapes();
  check(sample_shapes.size() == expected.size(), context(), ": expected ", expected.size(),
        " input(s), got ", sample_shapes.size());
  for (std::size_t i = 0; i < expected.size(); ++i)
    check(sample_shapes[i] == expected[i], context(), ": expected input of shape ",
          batch_shape_text(expected[i]), ", got ", batch_shape_text(sample_shapes[i]));
}

void Model::set_graph(std::vector<SymbolicTensor> inputs, std::vector<SymbolicTensor> outputs) {
  input_nodes_.clear();
  order_.clear();
  node_sources_.clear();
  output_sources_.clear();
  inputs_ = std::move(inputs);
  outputs_ = std::move(outputs);
  for (const auto& t : inputs_) {
    check(t.node && t.node->is_input(), context(), ": model inputs must come from Input()");
    input_nodes_.push_back(t.node);
  }
  // Depth-first post-order from the outputs gives a topological order.
  std::set<const Node*> visited, on_path;
  std::function<void(const std::shared_ptr<Node>&)> visit = [&](const std::shared_ptr<Node>& node) {
    if (visited.count(node.get())) return;
    check(!on_path.count(node.get()), context(), ": the layer graph has a cycle");
    if (node->is_input()) {
      const bool known = std::any_of(input_nodes_.begin(), input_nodes_.end(),
                                     [&](const auto& n) { return n.get() == node.get(); });
      check(known, context(), ": graph disconnected: input '", node->layer->name(),
            "' is needed but not among the model's inputs");
      visited.insert(node.get());
      return;
    }
    on_path.insert(node.get());
    for (const auto& in : node->inputs) visit(in.node);
    on_path.erase(node.get());
    visited.insert(node.get());
    order_.push_back(node);
  };
  for (const auto& t : outputs_) {
    check(t.node != nullptr, context(), ": invalid model output");
    visit(t.node);
  }
  std::set<std::string> names;
  for (const auto& node : order_) {
    if (names.count(node->layer->name())) {
      const bool shared = std::count_if(order_.begin(), order_.end(), [&](const auto& n) {
                            return n->layer.get() == node->layer.get();
                          }) > 1;
      check(shared, context(), ": duplicate layer name '", node->layer->name(),
            "' (layer names in a model must be unique)");
    }
    names.insert(node->layer->name());
  }
  for (const auto& node : order_) {
    std::vector<Source> sources;
    for (const auto& in : node->inputs) sources.push_back(source_of(in));
    node_sources_.push_back(std::move(sources));
  }
  for (const auto& t : outputs_) output_sources_.push_back(source_of(t));
}

Model::Source Model::source_of(const SymbolicTensor& t) const {
  if (t.node->is_input()) {
    for (std::size_t i = 0; i < input_nodes_.size(); ++i)
      if (input_nodes_[i].get() == t.node.get()) return Source{-1, static_cast<int>(i)};
    fail(context(), ": tensor comes from an input that is not a model input");
  }
  for (std::size_t i = 0; i < order_.size(); ++i)
    if (order_[i].get() == t.node.get()) return Source{static_cast<int>(i), t.index};
  fail(context(), ": tensor is not part of this model's graph");
}

std::vector<Shape> Model::build(const std::vector<Shape>& input_shapes, Rng&) {
  ensure_built(input_shapes);
  check(!outputs_.empty(), context(), ": model has no layers");
  return model_output_shapes();
}

std::vector<Shape> Model::do_build(const std::vector<Shape>& input_shapes, Rng& rng) {
  return build(input_shapes, rng);
}

int Model::expected_inputs() const {
  return inputs_.empty() ? 1 : static_cast<int>(inputs_.size());
}

std::vector<Shape> Model::model_input_shapes() const {
  std::vector<Shape> shapes;
  for (const auto& t : inputs_) shapes.push_back(t.shape);
  return shapes;
}

std::vector<Shape> Model::model_output_shapes() const {
  std::vector<Shape> shapes;
  for (const auto& t : outputs_) shapes.push_back(t.shape);
  return shapes;
}

std::vector<std::string> Model::input_names() const {
  std::vector<std::string> names;
  for (const auto& t : inputs_) names.push_back(t.node->layer->name());
  return names;
}

std::vector<std::string> Model::output_names() const {
  std::vector<std::string> names;
  for (const auto& t : outputs_) names.push_back(t.node->layer->name());
  return names;
}

std::vector<std::shared_ptr<Layer>> Model::layers() const {
  std::vector<std::shared_ptr<Layer>> out;
  std::set<const Layer*> seen;
  if (!sequential_)
    for (const auto& n : input_nodes_)
      if (seen.insert(n->layer.get()).second) out.push_back(n->layer);
  for (const auto& n : order_)
    if (seen.insert(n->layer.get()).second) out.push_back(n->layer);
  for (const auto& l : pending_) out.push_back(l);
  return out;
}

std::shared_ptr<Layer> Model::find_layer(const std::string& name) const {
  for (const auto& l : layers())
    if (l->name() == name) return l;
  fail(context(), ": no layer named '", name, "'");
}

std::vector<SymbolicTensor> Model::layer_outputs(const std::string& name) const {
  for (const auto& n : input_nodes_)
    if (n->layer->name() == name) return {SymbolicTensor{n, 0, n->output_shapes[0]}};
  for (const auto& n : order_) {
    if (n->layer->name() != name) continue;
    std::vector<SymbolicTensor> out;
    for (std::size_t i = 0; i < n->output_shapes.size(); ++i)
      out.push_back(SymbolicTensor{n, static_cast<int>(i), n->output_shapes[i]});
    return out;
  }
  fail(context(), ": no layer named '", name, "' in the graph");
}

std::vector<Param> Model::params() {
  std::vector<Param> out;
  for (const auto& layer : layers()) {
    for (Param p : layer->params()) {
      p.trainable = p.trainable && layer->trainable();
      out.push_back(p);
    }
  }
  return out;
}

void Model::set_trainable(bool value) {
  Layer::set_trainable(value);
  for (const auto& layer : layers()) layer->set_trainable(value);
}

std::vector<Tensor> Model::get_weights() {
  std::vector<Tensor> out;
  for (const Param& p : params()) out.push_back(p.value->clone());
  return out;
}

void Model::set_weights(const std::vector<Tensor>& weights) {
  auto ps = params();
  check(weights.size() == ps.size(), context(), ": expected ", ps.size(), " weight tensors, got ",
        weights.size());
  for (std::size_t i = 0; i < ps.size(); ++i)
    check(weights[i].shape() == ps[i].value->shape(), context(), ": weight ", i, " (", ps[i].name,
          ") expected shape ", shape_text(ps[i].value->shape()), ", got ",
          shape_text(weights[i].shape()));
  for (std::size_t i = 0; i < ps.size(); ++i) ps[i].value->copy_from(weights[i]);
}

void Model::forward(LayerCall& call) {
  check(graph_ready() && !outputs_.empty(), context(), ": model has no layers");
  check_batch_inputs(call.inputs);
  if (!call.state) call.state = std::make_unique<GraphRun>();
  auto& run = static_cast<GraphRun&>(*call.state);
  run.calls.resize(order_.size());
  call.outputs.clear();  // release shares of node outputs so their buffers are reused
  call.added_loss = 0.0;
  call.added_loss_terms.clear();
  for (std::size_t n = 0; n < order_.size(); ++n) {
    LayerCall& node_call = run.calls[n];
    node_call.inputs.clear();
    node_call.input_masks.clear();
    bool any_mask = false;
    for (const Source& s : node_sources_[n]) {
      node_call.inputs.push_back(s.node < 0 ? call.inputs[s.index] : &run.calls[s.node].outputs[s.index]);
      const Tensor* mask = mask_of(call, run, s);
      node_call.input_masks.push_back(mask);
      any_mask = any_mask || mask;
    }
    if (!any_mask) node_call.input_masks.clear();
    node_call.training = call.training;
    node_call.rng = call.rng ? call.rng : &rng_;
    order_[n]->layer->forward(node_call);
    order_[n]->layer->compute_output_masks(node_call);
    call.added_loss += node_call.added_loss;
    for (const auto& [term, value] : node_call.added_loss_terms.entries())
      call.added_loss_terms.accumulate(term, value);
  }
  call.output_masks.clear();
  for (const Source& s : output_sources_) {
    call.outputs.push_back(s.node < 0 ? *call.inputs[s.index] : run.calls[s.node].outputs[s.index]);
    const Tensor* mask = mask_of(call, run, s);
    call.output_masks.push_back(mask ? *mask : Tensor());
  }
}

const Tensor* Model::mask_of(const LayerCall& call, const GraphRun& run, const Source& s) const {
  if (s.node < 0)
    return static_cast<std::size_t>(s.index) < call.input_masks.size() ? call.input_masks[s.index] : nullptr;
  const auto& masks = run.calls[s.node].output_masks;
  if (static_cast<std::size_t>(s.index) >= masks.size() || masks[s.index].empty()) return nullptr;
  return &masks[s.index];
}

namespace {
void accumulate(Tensor& acc, char& has, const Tensor& grad) {
  if (!has) {
    acc.resize(grad.shape());
    acc.copy_from(grad);
    has = 1;
  } else {
    kernels::add(acc.data(), grad.data(), acc.data(), acc.size());
  }
}
}  // namespace

void Model::backward(LayerCall& call) {
  check(call.state != nullptr, context(), ": backward() called before forward()");
  check_grad_outputs(call);
  auto& run = static_cast<GraphRun&>(*call.state);
  run.grads.resize(order_.size());
  run.has_grad.resize(order_.size());
  for (std::size_t n = 0; n < order_.size(); ++n) {
    run.grads[n].resize(run.calls[n].outputs.size());
    run.has_grad[n].assign(run.calls[n].outputs.size(), 0);
  }
  run.input_grads.resize(inputs_.size());
  run.input_has_grad.assign(inputs_.size(), 0);
  auto add_grad = [&](const Source& s, const Tensor& g) {
    if (s.node < 0)
      accumulate(run.input_grads[s.index], run.input_has_grad[s.index], g);
    else
      accumulate(run.grads[s.node][s.index], run.has_grad[s.node][s.index], g);
  };
  for (std::size_t i = 0; i < output_sources_.size(); ++i) add_grad(output_sources_[i], *call.grad_outputs[i]);

  for (std::size_t n = order_.size(); n-- > 0;) {
    LayerCall& node_call = run.calls[n];
    bool any = false;
    for (char h : run.has_grad[n]) any = any || h;
    // A layer with an add_loss term still owes that term's gradient to its inputs.
    if (!any && node_call.added_loss == 0.0) continue;  // nothing downstream depends on this node
    node_call.grad_outputs.clear();
    for (std::size_t k = 0; k < node_call.outputs.size(); ++k) {
      if (!run.has_grad[n][k]) {  // an unused output of a multi-output layer
        run.grads[n][k].resize(node_call.outputs[k].shape());
        run.grads[n][k].fill(0.0f);
        run.has_grad[n][k] = 1;
      }
      node_call.grad_outputs.push_back(&run.grads[n][k]);
    }
    bool needs_dx = false;
    for (const Source& s : node_sources_[n]) needs_dx = needs_dx || s.node >= 0 || call.need_input_grads;
    node_call.need_input_grads = needs_dx;
    order_[n]->layer->backward(node_call);
    if (!needs_dx) continue;
    for (std::size_t k = 0; k < node_sources_[n].size(); ++k) add_grad(node_sources_[n][k], node_call.grad_inputs[k]);
  }
  call.grad_inputs.resize(inputs_.size());
  if (!call.need_input_grads) return;
  for (std::size_t i = 0; i < inputs_.size(); ++i) {
    if (run.input_has_grad[i]) {
      call.grad_inputs[i].resize(run.input_grads[i].shape());
      call.grad_inputs[i].copy_from(run.input_grads[i]);
    } else {
      call.grad_inputs[i].resize(call.inputs[i]->shape());
      call.grad_inputs[i].fill(0.0f);
    }
  }
}

}  // namespace simdnn
