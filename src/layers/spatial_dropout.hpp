#pragma once
// SpatialDropout1D / SpatialDropout2D: dropout of whole feature maps. In training each
// (sample, channel) pair is kept with probability 1 - rate and the kept channels are scaled
// by 1 / (1 - rate) (inverted dropout); in inference the layer is the identity. Adjacent
// positions of a feature map are strongly correlated, so dropping single activations
// (Dropout) hardly regularises convolutions; dropping whole channels does.
// Inputs: 1D [batch, steps, channels]; 2D [batch, h, w, channels] or, with
// data_format "channels_first", [batch, channels, h, w]. The mask comes from call.rng.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "layers/layer.hpp"

namespace simdnn {

// The shared implementation; the two Keras classes differ in input rank and options.
class SpatialDropout : public Layer {
 public:
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  Json config() const override;
  float rate() const { return rate_; }
  bool channels_first() const { return channels_first_; }

 protected:
  // spatial_rank: 1 for steps, 2 for (h, w). Derived constructors call validate().
  SpatialDropout(std::string name, int spatial_rank, float rate, bool channels_first,
                 std::optional<std::int64_t> seed);
  void validate() const;
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  bool active(const LayerCall& call) const { return call.training && rate_ > 0.0f; }
  // Writes out = in with each (sample, channel) map scaled by keep_scale * mask[sample, c].
  void apply_channel_mask(const float* in, const float* mask, float* out, int batch) const;

  int spatial_rank_;
  float rate_;
  bool channels_first_;
  std::optional<std::int64_t> seed_;
  int channels_ = 0;
  int positions_ = 0;  // steps, or h * w: the size of one feature map
};

class SpatialDropout1D final : public SpatialDropout {
 public:
  SpatialDropout1D(std::string name, float rate, std::optional<std::int64_t> seed = std::nullopt);
  static std::shared_ptr<SpatialDropout1D> from_config(const Json& config);
  std::string class_name() const override { return "SpatialDropout1D"; }
  bool propagates_mask() const override { return true; }  // per-step: padded steps stay padded
};

class SpatialDropout2D final : public SpatialDropout {
 public:
  SpatialDropout2D(std::string name, float rate, const std::string& data_format = "channels_last",
                   std::optional<std::int64_t> seed = std::nullopt);
  static std::shared_ptr<SpatialDropout2D> from_config(const Json& config);
  std::string class_name() const override { return "SpatialDropout2D"; }
  Json config() const override;
};

}  // namespace simdnn
