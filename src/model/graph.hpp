#pragma once
// The functional API's symbolic graph: calling a layer on symbolic tensors records a
// Node; a Model is later made from the graph between some inputs and outputs.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "layers/layer.hpp"

namespace simdnn {

struct Node;

// The output `index` of `node`, with its per-sample shape.
struct SymbolicTensor {
  std::shared_ptr<Node> node;
  int index = 0;
  Shape shape;
};

struct Node {
  std::shared_ptr<Layer> layer;
  std::vector<SymbolicTensor> inputs;  // empty for input nodes
  std::vector<Shape> output_shapes;
  // Creation order; a shared layer's nodes within one model are numbered by it when
  // the model is serialised (Keras node_index).
  std::int64_t serial = 0;
  bool is_input() const { return inputs.empty(); }
};

// Creates an InputLayer node (Keras `Input(shape=...)`).
SymbolicTensor make_input(const Shape& shape, const std::string& name = "");
// Calls `layer` on `inputs`: builds it on first use (initialising its weights from the
// global initialisation stream) and records the node. Shape errors name the layer.
std::vector<SymbolicTensor> apply_layer(const std::shared_ptr<Layer>& layer,
                                        const std::vector<SymbolicTensor>& inputs);

// Weight initialisation draws from one global stream, like keras.utils.set_random_seed:
// the same seed and the same sequence of model definitions give the same weights.
void set_global_seed(std::uint64_t seed);
Rng& init_rng();

}  // namespace simdnn
