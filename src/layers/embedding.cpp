#include "layers/embedding.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "kernels/elementwise.hpp"
#include "layers/config_helpers.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {

Embedding::Embedding(std::string name, const EmbeddingOptions& options)
    : Layer(std::move(name)),
      input_dim_(options.input_dim),
      output_dim_(options.output_dim),
      embeddings_initializer_(Initializer::from_spec(
          options.embeddings_initializer, context() + ": option 'embeddings_initializer'")),
      mask_zero_(options.mask_zero),
      input_length_(options.input_length) {
  check(input_dim_ >= 1, context(), ": input_dim must be a positive integer, got ", input_dim_);
  check(output_dim_ >= 1, context(), ": output_dim must be a positive integer, got ", output_dim_);
}

std::shared_ptr<Embedding> Embedding::from_config(const Json& config) {
  ConfigReader reader(config, "Embedding");
  const std::string name = reader.name();
  EmbeddingOptions options;
  options.input_dim = reader.positive_int("input_dim");
  options.output_dim = reader.positive_int("output_dim");
  if (const Json* init = reader.raw_or_null("embeddings_initializer"))
    options.embeddings_initializer = *init;
  options.mask_zero = reader.boolean("mask_zero", false);
  if (reader.has("input_length")) options.input_length = reader.positive_int("input_length");
  reader.raw_or_null("input_length");  // Keras 2 writes null when unset
  accept_only_null(reader, {"embeddings_regularizer", "activity_regularizer",
                            "embeddings_constraint", "lora_rank"});
  const bool sparse = reader.boolean("sparse", false);  // Keras 3
  check(!sparse, reader.context(), ": option 'sparse' is not supported (only false), got true");
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<Embedding>(name, options);
  layer->set_trainable(trainable);
  return layer;
}

Json Embedding::config() const {
  Json c = base_config();
  c["input_dim"] = input_dim_;
  c["output_dim"] = output_dim_;
  c["embeddings_initializer"] = embeddings_initializer_.to_json();
  c["embeddings_regularizer"] = nullptr;
  c["activity_regularizer"] = nullptr;
  c["embeddings_constraint"] = nullptr;
  c["mask_zero"] = mask_zero_;
  if (input_length_) c["input_length"] = *input_length_;
  return c;
}

std::vector<Shape> Embedding::do_build(const std::vector<Shape>& input_shapes, Rng& rng) {
  embeddings_.resize({input_dim_, output_dim_});
  embeddings_initializer_.fill(embeddings_, rng);
  embeddings_grad_ = Tensor(embeddings_.shape());
  used_rows_.reset(input_dim_);
  Shape out = input_shapes[0];
  out.push_back(output_dim_);
  return {out};
}

std::vector<Param> Embedding::params() {
  return {{"embeddings", &embeddings_, &embeddings_grad_, true, &used_rows_}};
}

int Embedding::row_of(float value, std::size_t position) const {
  // Compare as floats first so NaN and huge values never reach an int conversion.
  const bool in_range = value > -0.5f && value < static_cast<float>(input_dim_) - 0.5f;
  if (!in_range)
    fail(context(), ": id ", value, " at flat position ", position, " is out of range [0, ",
         input_dim_, ") (input_dim ", input_dim_, ")");
  return static_cast<int>(std::lround(value));
}

void Embedding::forward(LayerCall& call) {
  check_inputs(call);
  const Tensor& ids = *call.inputs[0];
  Shape out_shape = ids.shape();
  out_shape.push_back(output_dim_);
  call.outputs.resize(1);
  Tensor& y = call.outputs[0];
  y.resize(out_shape);
  const std::size_t width = static_cast<std::size_t>(output_dim_);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const float* row = embeddings_.data() + static_cast<std::size_t>(row_of(ids[i], i)) * width;
    std::copy_n(row, width, y.data() + i * width);
  }
}

void Embedding::backward(LayerCall& call) {
  check_grad_outputs(call);
  const Tensor& ids = *call.inputs[0];
  const Tensor& dy = *call.grad_outputs[0];
  const std::size_t width = static_cast<std::size_t>(output_dim_);
  // Scatter-add: only the rows that were looked up receive gradient.
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const int id = row_of(ids[i], i);
    used_rows_.touch(id);
    kernels::axpy(1.0f, dy.data() + i * width, embeddings_grad_.data() + static_cast<std::size_t>(id) * width, width);
  }
  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  // Ids are not differentiable (Keras gives None); a zero gradient keeps graphs simple.
  Tensor& dx = call.grad_inputs[0];
  dx.resize(ids.shape());
  dx.fill(0.0f);
}

void Embedding::compute_output_masks(LayerCall& call) const {
  call.output_masks.resize(1);
  Tensor& mask = call.output_masks[0];
  const Tensor& ids = *call.inputs[0];
  if (!mask_zero_ || ids.rank() != 2) {  // Keras masks [batch, time] ids; other ranks pass none
    mask = Tensor();
    return;
  }
  mask.resize(ids.shape());
  for (std::size_t i = 0; i < ids.size(); ++i) mask[i] = row_of(ids[i], i) != 0 ? 1.0f : 0.0f;
}

SIMDNN_REGISTER_LAYER(Embedding)

}  // namespace simdnn
