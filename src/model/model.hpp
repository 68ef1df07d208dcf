#pragma once
// Model: a directed graph of layers (Keras functional API); Sequential is the chain.
// A Model is itself a Layer, so models nest (gan = Sequential([generator, discriminator])).
// Graph execution lives in model.cpp, training in training.cpp, fitting in fit_loop.cpp,
// summary in summary.cpp, (de)serialisation in model_io.cpp.
#include <memory>
#include <string>
#include <vector>

#include "layers/layer.hpp"
#include "model/graph.hpp"
#include "model/logs.hpp"

namespace simdnn {

class Loss;
class Optimizer;
class Metric;
class Callback;

struct CompileOptions {
  std::shared_ptr<Optimizer> optimizer;
  std::vector<std::shared_ptr<Loss>> losses;  // one per output, or one for all
  std::vector<float> loss_weights;            // empty: all 1
  std::vector<std::string> metrics;           // "accuracy", "mae", ...: applied to every output
};

struct FitOptions {
  int epochs = 1;
  int batch_size = 32;
  bool shuffle = true;
  float validation_split = 0.0f;  // Keras: the last fraction of the samples, before shuffling
  int initial_epoch = 0;
};

struct History {
  std::vector<int> epochs;
  std::vector<Logs> logs;  // one per epoch
};

class Model : public Layer {
 public:
  // Functional model between symbolic inputs and outputs.
  Model(std::vector<SymbolicTensor> inputs, std::vector<SymbolicTensor> outputs,
        std::string name = "");
  // Sequential model; built at once if the first layer declares an input shape,
  // otherwise on first use (Keras deferred build).
  static std::shared_ptr<Model> sequential(const std::vector<std::shared_ptr<Layer>>& layers,
                                           std::string name = "");
  ~Model() override;

  std::string class_name() const override { return sequential_ ? "Sequential" : "Functional"; }
  bool is_sequential() const { return sequential_; }
  void add(const std::shared_ptr<Layer>& layer);  // Sequential only

  // Builds a deferred Sequential for these per-sample input shapes; checks otherwise.
  void ensure_built(const std::vector<Shape>& sample_shapes);
  bool graph_ready() const { return !order_.empty() || !input_nodes_.empty(); }

  // Layer interface (nesting).
  std::vector<Shape> build(const std::vector<Shape>& input_shapes, Rng& rng) override;
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  std::vector<Param> params() override;
  void set_trainable(bool value) override;
  Json config() const override;
  int expected_inputs() const override;
  // forward() already wrote the masks of the graph's outputs.
  void compute_output_masks(LayerCall&) const override {}

  // Layers in topological order (Sequential: without its input layer, as Keras).
  std::vector<std::shared_ptr<Layer>> layers() const;
  std::shared_ptr<Layer> find_layer(const std::string& name) const;
  const std::vector<SymbolicTensor>& input_tensors() const { return inputs_; }
  const std::vector<SymbolicTensor>& output_tensors() const { return outputs_; }
  // The outputs of the first node of the named layer in this graph (Keras layer.output), so
  // a sub-model such as Model(model.inputs, layer.output) can expose feature maps.
  std::vector<SymbolicTensor> layer_outputs(const std::string& name) const;
  std::vector<Shape> model_input_shapes() const;
  std::vector<Shape> model_output_shapes() const;
  std::vector<std::string> input_names() const;
  std::vector<std::string> output_names() const;
  std::string summary(int line_length = 72);

  // Weights as a flat list in a stable order (layer order, then param order).
  std::vector<Tensor> get_weights();
  void set_weights(const std::vector<Tensor>& weights);

  // Training (training.cpp). compile() snapshots the trainable weights (Keras semantics:
  // trainable flags are read at compile time).
  void compile(const CompileOptions& options);
  bool compiled() const { return optimizer_ != nullptr; }
  Optimizer& optimizer();
  std::shared_ptr<Optimizer> optimizer_handle() const { return optimizer_; }
  // What compile() was given, and the params it snapshotted (checkpoints save and restore
  // the optimizer state of exactly these).
  const CompileOptions& compile_options() const { return compile_options_; }
  const std::vector<Param>& trainable_params() const { return trainable_params_; }
  Logs train_on_batch(const std::vector<Tensor>& x, const std::vector<Tensor>& y);
  Logs test_on_batch(const std::vector<Tensor>& x, const std::vector<Tensor>& y);
  std::vector<Tensor> predict_on_batch(const std::vector<Tensor>& x);
  std::vector<Tensor> predict(const std::vector<Tensor>& x, int batch_size = 32);
  Logs evaluate(const std::vector<Tensor>& x, const std::vector<Tensor>& y, int batch_size = 32);
  History fit(const std::vector<Tensor>& x, const std::vector<Tensor>& y, const FitOptions& options,
              const std::vector<std::shared_ptr<Callback>>& callbacks = {},
              const std::vector<Tensor>* validation_x = nullptr,
              const std::vector<Tensor>* validation_y = nullptr);

  bool stop_training = false;
  Rng& rng() { return rng_; }  // batch shuffling, dropout masks, noise

  // The last train/test batch's loss split into its parts: {loss, reconstruction, <add_loss
  // terms such as kl_loss>} when layers add losses ("reconstruction" = the compiled losses), else
  // just {loss}. The outputs of that batch's forward pass (before any weight update).
  const Logs& last_losses() const { return last_losses_; }
  const std::vector<Tensor>& last_outputs() const { return top_call_.outputs; }

  // Running loss/metric averages since the last reset (FitLoop resets per epoch).
  void reset_metrics();
  Logs metric_results(const std::string& prefix = "") const;

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  struct Source {
    int node = -1;  // position in order_, or -1 for a model input
    int index = 0;  // output index of that node, or which model input
  };
  struct GraphRun;
  void set_graph(std::vector<SymbolicTensor> inputs, std::vector<SymbolicTensor> outputs);
  Source source_of(const SymbolicTensor& t) const;
  const Tensor* mask_of(const LayerCall& call, const GraphRun& run, const Source& s) const;
  void check_batch_inputs(const std::vector<const Tensor*>& x) const;
  void check_targets(const std::vector<Tensor>& y, int batch) const;
  void require_compiled(const char* what) const;
  LayerCall& run_forward(const std::vector<Tensor>& x, bool training);
  double compute_losses(LayerCall& call, const std::vector<Tensor>& y, bool with_grads);
  const Tensor* loss_mask(const LayerCall& call, std::size_t output, const Tensor& y_true) const;
  void record_added_losses(const LayerCall& call, double total);
  void update_metrics(const LayerCall& call, const std::vector<Tensor>& y);

  bool sequential_ = false;
  std::vector<std::shared_ptr<Layer>> pending_;  // deferred Sequential layers
  std::vector<std::shared_ptr<Node>> input_nodes_;
  std::vector<std::shared_ptr<Node>> order_;  // non-input nodes, topologically sorted
  std::vector<std::vector<Source>> node_sources_;
  std::vector<Source> output_sources_;
  std::vector<SymbolicTensor> inputs_, outputs_;
  Rng rng_;

  // compile() state
  std::shared_ptr<Optimizer> optimizer_;
  CompileOptions compile_options_;
  std::vector<std::shared_ptr<Loss>> losses_;
  std::vector<float> loss_weights_;
  std::vector<Param> trainable_params_;
  std::vector<std::vector<std::unique_ptr<Metric>>> metrics_;  // per output
  std::vector<Tensor> loss_grads_;
  // A masked sequence output's unmasked steps, gathered for its loss and metrics.
  struct MaskedOutput {
    bool active = false;
    Tensor y_pred, y_true, grad;
  };
  std::vector<MaskedOutput> masked_;
  std::vector<Tensor> batch_inputs_;
  LayerCall top_call_;
  double loss_sum_ = 0.0;
  double loss_count_ = 0.0;
  std::vector<double> output_loss_sum_;
  Logs added_loss_sums_;  // per add_loss term, summed over samples like loss_sum_
  Logs last_losses_;
};

}  // namespace simdnn
