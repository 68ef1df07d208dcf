#include "layers/spatial_dropout.hpp"

#include "core/error.hpp"
#include "kernels/elementwise.hpp"
#include "layers/config_helpers.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {
namespace {

struct RateAndSeed {
  float rate = 0.0f;
  std::optional<std::int64_t> seed;
};

// The options both classes share with Dropout. Keras 2 writes noise_shape (always null for
// spatial dropout, which computes its own).
RateAndSeed read_rate_and_seed(ConfigReader& reader) {
  RateAndSeed out;
  check(reader.has("rate"), reader.context(), ": missing required option 'rate'");
  out.rate = reader.number_in("rate", 0.0f, 0.0f, 1.0f);
  check(out.rate < 1.0f, reader.context(), ": option 'rate' must be in [0, 1), got ", out.rate);
  const int seed_value = reader.integer("seed", 0);  // null or absent: no seed
  if (reader.has("seed")) out.seed = seed_value;
  accept_only_null(reader, {"noise_shape"});
  return out;
}

}  // namespace

SpatialDropout::SpatialDropout(std::string name, int spatial_rank, float rate, bool channels_first,
                               std::optional<std::int64_t> seed)
    : Layer(std::move(name)),
      spatial_rank_(spatial_rank),
      rate_(rate),
      channels_first_(channels_first),
      seed_(seed) {}

// Not in the base constructor: context() needs the derived class_name().
void SpatialDropout::validate() const {
  check(rate_ >= 0.0f && rate_ < 1.0f, context(), ": rate must be in [0, 1), got ", rate_);
}

Json SpatialDropout::config() const {
  Json c = base_config();
  c["rate"] = json_float(rate_);
  c["seed"] = seed_ ? Json(*seed_) : Json(nullptr);
  return c;
}

std::vector<Shape> SpatialDropout::do_build(const std::vector<Shape>& input_shapes, Rng&) {
  const Shape& in = input_shapes[0];
  const int expected_rank = spatial_rank_ + 1;
  check(static_cast<int>(in.size()) == expected_rank, context(), ": expected an input of rank ",
        expected_rank + 1,
        spatial_rank_ == 1 ? " ([batch, steps, channels])"
                           : (channels_first_ ? " ([batch, channels, height, width])"
                                              : " ([batch, height, width, channels])"),
        ", got ", batch_shape_text(in));
  channels_ = channels_first_ ? in.front() : in.back();
  positions_ = static_cast<int>(shape_size(in)) / channels_;
  return {in};
}

void SpatialDropout::apply_channel_mask(const float* in, const float* mask, float* out,
                                        int batch) const {
  const float keep_scale = 1.0f / (1.0f - rate_);
  const std::size_t map = static_cast<std::size_t>(positions_);
  const std::size_t sample = map * channels_;
  for (int b = 0; b < batch; ++b) {
    const float* sample_mask = mask + static_cast<std::size_t>(b) * channels_;
    const float* x = in + b * sample;
    float* y = out + b * sample;
    if (channels_first_) {
      // [channels, positions]: each channel's map is contiguous.
      for (int c = 0; c < channels_; ++c)
        kernels::scale(sample_mask[c] != 0.0f ? keep_scale : 0.0f, x + c * map, y + c * map, map);
    } else {
      // [positions, channels]: the same channel mask applies to every position.
      for (std::size_t p = 0; p < map; ++p)
        kernels::apply_mask(x + p * channels_, sample_mask, keep_scale, y + p * channels_,
                            channels_);
    }
  }
}

void SpatialDropout::forward(LayerCall& call) {
  check_inputs(call);
  const Tensor& x = *call.inputs[0];
  call.outputs.resize(1);
  Tensor& y = call.outputs[0];
  y.resize(x.shape());
  if (!active(call)) {
    y.copy_from(x);
    return;
  }
  check(call.rng != nullptr, context(), ": training needs call.rng for the dropout mask");
  const int batch = x.dim(0);
  call.saved.resize(1);
  Tensor& mask = call.saved[0];  // [batch, channels]: 1 keeps the whole map, 0 drops it
  mask.resize({batch, channels_});
  for (float& keep : mask.span()) keep = call.rng->uniform() >= rate_ ? 1.0f : 0.0f;
  apply_channel_mask(x.data(), mask.data(), y.data(), batch);
}

void SpatialDropout::backward(LayerCall& call) {
  check_grad_outputs(call);
  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  const Tensor& dy = *call.grad_outputs[0];
  Tensor& dx = call.grad_inputs[0];
  dx.resize(dy.shape());
  if (!active(call)) {
    dx.copy_from(dy);
    return;
  }
  apply_channel_mask(dy.data(), call.saved[0].data(), dx.data(), dy.dim(0));
}

SpatialDropout1D::SpatialDropout1D(std::string name, float rate, std::optional<std::int64_t> seed)
    : SpatialDropout(std::move(name), 1, rate, false, seed) {
  validate();
}

std::shared_ptr<SpatialDropout1D> SpatialDropout1D::from_config(const Json& config) {
  ConfigReader reader(config, "SpatialDropout1D");
  const std::string name = reader.name();
  const RateAndSeed options = read_rate_and_seed(reader);
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<SpatialDropout1D>(name, options.rate, options.seed);
  layer->set_trainable(trainable);
  return layer;
}

SpatialDropout2D::SpatialDropout2D(std::string name, float rate, const std::string& data_format,
                                   std::optional<std::int64_t> seed)
    : SpatialDropout(std::move(name), 2, rate, data_format == "channels_first", seed) {
  check(data_format == "channels_last" || data_format == "channels_first", context(),
        ": data_format must be 'channels_last' or 'channels_first', got '", data_format, "'");
  validate();
}

std::shared_ptr<SpatialDropout2D> SpatialDropout2D::from_config(const Json& config) {
  ConfigReader reader(config, "SpatialDropout2D");
  const std::string name = reader.name();
  const RateAndSeed options = read_rate_and_seed(reader);
  // Keras resolves a null data_format to the global default, channels_last.
  const std::string data_format =
      reader.one_of("data_format", "channels_last", {"channels_last", "channels_first"});
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<SpatialDropout2D>(name, options.rate, data_format, options.seed);
  layer->set_trainable(trainable);
  return layer;
}

Json SpatialDropout2D::config() const {
  Json c = SpatialDropout::config();
  c["data_format"] = channels_first() ? "channels_first" : "channels_last";
  return c;
}

SIMDNN_REGISTER_LAYER(SpatialDropout1D)
SIMDNN_REGISTER_LAYER(SpatialDropout2D)

}  // namespace simdnn
