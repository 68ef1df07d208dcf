#pragma once
// Embedding: integer ids [batch, ...] -> vectors [batch, ..., output_dim], Keras semantics and
// weight layout (embeddings [input_dim, output_dim]). Ids arrive as a float tensor (every
// tensor here is float32; integers up to 2^24 are exact) and are rounded to the nearest
// integer; an id outside [0, input_dim) is an error naming the id and the range.
// The gradient is row-sparse: backward scatter-adds into the rows used and lists them, so the
// model clears and the optimizer updates only those rows (see RowSparseGrad).
//
// mask_zero: id 0 is padding. For [batch, time] ids the layer then emits a [batch, time] mask
// (1 where the id is not 0) that downstream per-step layers carry and recurrent layers obey.
#include <memory>
#include <optional>
#include <string>

#include "core/json.hpp"
#include "layers/initializers.hpp"
#include "layers/layer.hpp"

namespace simdnn {

struct EmbeddingOptions {
  int input_dim = 0;   // vocabulary size
  int output_dim = 0;  // vector length
  Json embeddings_initializer = "uniform";  // Keras 'uniform': RandomUniform(-0.05, 0.05)
  bool mask_zero = false;
  std::optional<int> input_length;  // Keras 2 field; only written back
};

class Embedding : public Layer {
 public:
  Embedding(std::string name, const EmbeddingOptions& options);
  static std::shared_ptr<Embedding> from_config(const Json& config);

  std::string class_name() const override { return "Embedding"; }
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  void compute_output_masks(LayerCall& call) const override;
  std::vector<Param> params() override;
  Json config() const override;

  int input_dim() const { return input_dim_; }
  int output_dim() const { return output_dim_; }
  bool mask_zero() const { return mask_zero_; }
  Tensor& embeddings() { return embeddings_; }

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  // The row index for input value `value` at flat position `position`; throws when out of range.
  int row_of(float value, std::size_t position) const;

  int input_dim_;
  int output_dim_;
  Initializer embeddings_initializer_;
  bool mask_zero_;
  std::optional<int> input_length_;
  Tensor embeddings_, embeddings_grad_;
  RowSparseGrad used_rows_;  // the rows backward wrote since the model last cleared them
};

}  // namespace simdnn
