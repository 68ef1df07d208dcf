#include "model/graph.hpp"

#include "core/error.hpp"
#include "layers/registry.hpp"

namespace simdnn {
namespace {
std::int64_t next_node_serial() {
  static std::int64_t serial = 0;
  return serial++;
}
}  // namespace

Rng& init_rng() {
  static Rng rng(0);
  return rng;
}

void set_global_seed(std::uint64_t seed) { init_rng().reseed(seed); }

SymbolicTensor make_input(const Shape& shape, const std::string& name) {
  check(!shape.empty(), "Input: shape must have at least one dimension");
  for (int d : shape) check(d >= 1, "Input: shape extents must be positive, got ", shape_text(shape));
  Json config = {{"batch_input_shape", Json::array({nullptr})}};
  for (int d : shape) config["batch_input_shape"].push_back(d);
  if (!name.empty()) config["name"] = name;
  auto layer = LayerRegistry::create("InputLayer", config);
  layer->build({shape}, init_rng());
  auto node = std::make_shared<Node>();
  node->layer = layer;
  node->output_shapes = {shape};
  node->serial = next_node_serial();
  return SymbolicTensor{node, 0, shape};
}

std::vector<SymbolicTensor> apply_layer(const std::shared_ptr<Layer>& layer,
                                        const std::vector<SymbolicTensor>& inputs) {
  check(layer != nullptr, "apply: layer is null");
  check(!inputs.empty(), layer->context(), ": called on no inputs");
  std::vector<Shape> shapes;
  for (const auto& t : inputs) {
    check(t.node != nullptr, layer->context(), ": called on an invalid symbolic tensor");
    shapes.push_back(t.shape);
  }
  auto node = std::make_shared<Node>();
  node->layer = layer;
  node->inputs = inputs;
  node->output_shapes = layer->build(shapes, init_rng());
  node->serial = next_node_serial();
  std::vector<SymbolicTensor> outputs;
  for (std::size_t i = 0; i < node->output_shapes.size(); ++i)
    outputs.push_back(SymbolicTensor{node, static_cast<int>(i), node->output_shapes[i]});
  return outputs;
}

}  // namespace simdnn
