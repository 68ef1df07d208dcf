#pragma once
// RandomTranslation (Keras preprocessing layer): in training, shifts each image of a
// [batch, height, width, channels] input by a random whole number of pixels, up to
// height_factor * height and width_factor * width in either direction; identity in
// inference. Whole-pixel shifts make Keras' 'nearest' and 'bilinear' interpolations agree,
// so both are accepted. Cells shifted in from outside follow fill_mode (Keras' four modes).
// Shifts come from call.rng, so the model seed fixes them.
#include <memory>
#include <string>

#include "layers/layer.hpp"

namespace simdnn {

class RandomTranslation : public Layer {
 public:
  enum class Fill { constant, reflect, wrap, nearest };
  RandomTranslation(std::string name, float height_factor, float width_factor, Fill fill,
                    float fill_value, std::string interpolation);
  static std::shared_ptr<RandomTranslation> from_config(const Json& config);

  std::string class_name() const override { return "RandomTranslation"; }
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  Json config() const override;

 protected:
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  // The source index along an axis of length n for destination index i shifted by s, or -1
  // when the cell is filled with fill_value.
  int source_index(int i, int shift, int n) const;
  float height_factor_, width_factor_;
  Fill fill_;
  float fill_value_;
  std::string interpolation_;
};

}  // namespace simdnn
