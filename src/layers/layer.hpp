#pragma once
// The one Layer interface. Layers coordinate (shapes, parameters, caching); the math
// lives in src/kernels. A layer holds parameters but no activations: everything one
// call needs between forward and backward lives in its LayerCall, so a layer can be
// shared by several graph nodes (Keras shared layers) and a Model can be a Layer.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/rng.hpp"
#include "core/shape.hpp"
#include "core/tensor.hpp"
#include "model/logs.hpp"

namespace simdnn {

// A gradient that is non-zero only in some rows of a [rows, width] parameter (an Embedding's
// table: a batch uses a few hundred of its thousands of rows). The model zeroes only those rows
// between steps and optimizers update only those rows.
struct RowSparseGrad {
  std::vector<int> rows;      // rows with gradient since the last clear, each once
  std::vector<char> touched;  // per row of the parameter
  void reset(int row_count) {
    rows.clear();
    touched.assign(static_cast<std::size_t>(row_count), 0);
  }
  void touch(int row) {
    if (touched[static_cast<std::size_t>(row)]) return;
    touched[static_cast<std::size_t>(row)] = 1;
    rows.push_back(row);
  }
  // Zeroes the touched rows of grad ([rows, width]) and forgets them.
  void clear(Tensor& grad);
};

struct Param {
  std::string name;  // Keras weight name: "kernel", "bias", "moving_mean", ...
  Tensor* value;
  Tensor* grad;      // null for non-trainable weights such as moving statistics
  bool trainable;    // false for statistics updated in forward rather than by an optimizer
  RowSparseGrad* sparse = nullptr;  // set when only grad's listed rows can be non-zero
};

// Non-tensor state one call keeps between forward and backward (nested models use it).
struct LayerState {
  virtual ~LayerState() = default;
};

struct LayerCall {
  // Set by the caller before forward. Each input is [batch, ...sample shape].
  std::vector<const Tensor*> inputs;
  bool training = false;
  Rng* rng = nullptr;  // dropout masks, noise; set by the model
  // Keras masks: per input, null or a [batch, time] tensor of 0/1 (0 = a padded step the layer
  // must ignore). Empty when no input carries a mask.
  std::vector<const Tensor*> input_masks;
  // Written by forward. Layers resize() these, so buffers are reused across batches.
  std::vector<Tensor> outputs;
  // Written by compute_output_masks after forward: per output, a [batch, time] mask or an empty
  // tensor for none. Masks are never written through, so a layer passing one on shares it.
  std::vector<Tensor> output_masks;
  std::vector<Tensor> saved;            // whatever forward keeps for backward
  std::unique_ptr<LayerState> state;    // per-call non-tensor state
  double added_loss = 0.0;              // add_loss terms of this call, already weighted
  // The same terms by name ("kl_loss"), summing to added_loss, so training logs can show them.
  Logs added_loss_terms;
  // Set by the caller before backward.
  std::vector<const Tensor*> grad_outputs;
  bool need_input_grads = true;  // false for the first layers of a model: skip dx
  // Written by backward: dL/dinputs (overwritten). Parameter gradients are *accumulated*
  // into Param::grad, so shared layers sum over their calls; the model zeroes them.
  std::vector<Tensor> grad_inputs;
};

class Layer {
 public:
  explicit Layer(std::string name);
  virtual ~Layer();
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;

  virtual std::string class_name() const = 0;
  const std::string& name() const { return name_; }
  // "Dense 'dense_1'": the prefix of every error message about this layer. Built once:
  // checks on hot paths pass it on every call, whether or not they fail.
  const std::string& context() const;

  // Called with per-sample input shapes (no batch axis). The first call creates and
  // initialises parameters; later calls (shared layers) must match. Returns output shapes.
  // Virtual so that a Model (whose graph can grow) answers from its graph instead.
  virtual std::vector<Shape> build(const std::vector<Shape>& input_shapes, Rng& rng);
  bool built() const { return built_; }
  const std::vector<Shape>& input_shapes() const { return input_shapes_; }
  const std::vector<Shape>& output_shapes() const { return output_shapes_; }

  virtual void forward(LayerCall& call) = 0;
  virtual void backward(LayerCall& call) = 0;

  virtual std::vector<Param> params() { return {}; }
  std::size_t param_count();
  std::size_t trainable_param_count();

  // Keras semantics: a frozen layer's weights are left out of the trainable weights
  // collected at compile time; gradients still flow through it to its inputs.
  bool trainable() const { return trainable_; }
  virtual void set_trainable(bool value) { trainable_ = value; }

  // Keras-style config: {"name", "trainable", ...fields}; enough to rebuild the layer
  // through the registry. Subclasses add their fields to base_config().
  virtual Json config() const { return base_config(); }

  // The input shape a user declared on the layer (Keras input_shape / batch_input_shape),
  // which lets Sequential build the model before it sees data. Written back by config().
  const std::optional<Shape>& declared_input_shape() const { return declared_input_shape_; }
  void set_declared_input_shape(Shape shape) { declared_input_shape_ = std::move(shape); }

  // Number of inputs the layer takes: 1, or -1 for "one or more" (Add, Concatenate).
  virtual int expected_inputs() const { return 1; }

  // Keras masking, called by the model after forward. The default follows Keras: a layer that
  // propagates masks (per-step layers: Dense on sequences, activations, dropout, ...) hands its
  // first input's mask to every output that still has the time axis; any other layer drops it.
  // Mask producers (Embedding with mask_zero, Masking) and consumers (recurrent layers) override.
  virtual void compute_output_masks(LayerCall& call) const;
  // Whether masks pass through this layer unchanged (Keras supports_masking on a per-step layer).
  virtual bool propagates_mask() const { return false; }

 protected:
  virtual std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) = 0;
  Json base_config() const;
  // Checks every forward input against the built shapes; names layer, expected, actual.
  void check_inputs(const LayerCall& call) const;
  // Checks grad_outputs against outputs before backward.
  void check_grad_outputs(const LayerCall& call) const;

 private:
  std::string name_;
  mutable std::string context_;  // cache of context(); the name never changes after construction
  bool trainable_ = true;
  bool built_ = false;
  std::optional<Shape> declared_input_shape_;
  std::vector<Shape> input_shapes_;
  std::vector<Shape> output_shapes_;
};

// Keras-style unique default names: "dense", "dense_1", "dense_2", ...
std::string unique_layer_name(const std::string& snake_prefix);
// "BatchNormalization" -> "batch_normalization"
std::string snake_case(const std::string& class_name);
// The mask on a call's first input, or null.
const Tensor* first_input_mask(const LayerCall& call);
// Keras' merge-layer rule: output 0's mask is the product of its inputs' masks (when present).
void intersect_input_masks(LayerCall& call);

}  // namespace simdnn
