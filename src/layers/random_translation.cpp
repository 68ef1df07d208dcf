#include "layers/random_translation.hpp"

#include <cmath>

#include "core/error.hpp"
#include "layers/config_helpers.hpp"
#include "layers/config_reader.hpp"
#include "layers/registry.hpp"

namespace simdnn {
namespace {
const char* fill_name(RandomTranslation::Fill f) {
  switch (f) {
    case RandomTranslation::Fill::constant: return "constant";
    case RandomTranslation::Fill::reflect: return "reflect";
    case RandomTranslation::Fill::wrap: return "wrap";
    case RandomTranslation::Fill::nearest: return "nearest";
  }
  return "constant";
}
}  // namespace

RandomTranslation::RandomTranslation(std::string name, float height_factor, float width_factor,
                                     Fill fill, float fill_value, std::string interpolation)
    : Layer(std::move(name)), height_factor_(height_factor), width_factor_(width_factor), fill_(fill),
      fill_value_(fill_value), interpolation_(std::move(interpolation)) {
  check(height_factor_ >= 0 && height_factor_ <= 1 && width_factor_ >= 0 && width_factor_ <= 1,
        context(), ": height_factor and width_factor must be in [0, 1], got ", height_factor_, " and ",
        width_factor_);
}

std::shared_ptr<RandomTranslation> RandomTranslation::from_config(const Json& config) {
  ConfigReader reader(config, "RandomTranslation");
  const std::string name = reader.name();
  // Keras also allows a (lower, upper) pair; a single symmetric factor is what we support.
  const float h = reader.number_in("height_factor", 0.0f, 0.0f, 1.0f);
  const float w = reader.number_in("width_factor", 0.0f, 0.0f, 1.0f);
  check(reader.has("height_factor") && reader.has("width_factor"), reader.context(),
        ": options 'height_factor' and 'width_factor' are required");
  const std::string mode = reader.one_of("fill_mode", "reflect", {"constant", "reflect", "wrap", "nearest"});
  const Fill fill = mode == "constant" ? Fill::constant
                    : mode == "wrap"   ? Fill::wrap
                    : mode == "nearest" ? Fill::nearest
                                        : Fill::reflect;
  const float fill_value = reader.number("fill_value", 0.0f);
  const std::string interpolation = reader.one_of("interpolation", "bilinear", {"bilinear", "nearest"});
  reader.integer("seed", 0);  // masks come from the model's seeded stream
  check(reader.string("data_format", "channels_last") == "channels_last", reader.context(),
        ": only data_format 'channels_last' is supported");
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<RandomTranslation>(name, h, w, fill, fill_value, interpolation);
  layer->set_trainable(trainable);
  return layer;
}

Json RandomTranslation::config() const {
  Json c = base_config();
  c["height_factor"] = json_float(height_factor_);
  c["width_factor"] = json_float(width_factor_);
  c["fill_mode"] = fill_name(fill_);
  c["fill_value"] = json_float(fill_value_);
  c["interpolation"] = interpolation_;
  c["seed"] = nullptr;
  c["data_format"] = "channels_last";
  return c;
}

std::vector<Shape> RandomTranslation::do_build(const std::vector<Shape>& input_shapes, Rng&) {
  check(input_shapes[0].size() == 3, context(), ": expected images [?, height, width, channels], got ",
        batch_shape_text(input_shapes[0]));
  return {input_shapes[0]};
}

int RandomTranslation::source_index(int i, int shift, int n) const {
  int s = i - shift;
  if (s >= 0 && s < n) return s;
  switch (fill_) {
    case Fill::constant: return -1;
    case Fill::nearest: return s < 0 ? 0 : n - 1;
    case Fill::wrap: return ((s % n) + n) % n;
    case Fill::reflect: {  // Keras/scipy 'reflect': d c b a | a b c d | d c b a
      const int period = 2 * n;
      s = ((s % period) + period) % period;
      return s < n ? s : period - 1 - s;
    }
  }
  return -1;
}

void RandomTranslation::forward(LayerCall& call) {
  check_inputs(call);
  const Tensor& x = *call.inputs[0];
  call.outputs.resize(1);
  Tensor& y = call.outputs[0];
  y.resize(x.shape());
  if (!call.training || (height_factor_ == 0 && width_factor_ == 0)) {
    y.copy_from(x);
    return;
  }
  check(call.rng != nullptr, context(), ": training needs call.rng for the shifts");
  const int batch = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
  const int max_dy = static_cast<int>(std::floor(height_factor_ * h));
  const int max_dx = static_cast<int>(std::floor(width_factor_ * w));
  call.saved.resize(1);
  Tensor& shifts = call.saved[0];  // per image: dy, dx (kept for backward)
  shifts.resize({batch, 2});
  for (int b = 0; b < batch; ++b) {
    const int dy = static_cast<int>(call.rng->below(2 * max_dy + 1)) - max_dy;
    const int dx = static_cast<int>(call.rng->below(2 * max_dx + 1)) - max_dx;
    shifts[2 * b] = static_cast<float>(dy);
    shifts[2 * b + 1] = static_cast<float>(dx);
    const float* src = x.data() + static_cast<std::size_t>(b) * h * w * c;
    float* dst = y.data() + static_cast<std::size_t>(b) * h * w * c;
    for (int i = 0; i < h; ++i) {
      const int si = source_index(i, dy, h);
      for (int j = 0; j < w; ++j) {
        const int sj = source_index(j, dx, w);
        float* out = dst + (static_cast<std::size_t>(i) * w + j) * c;
        if (si < 0 || sj < 0) {
          for (int k = 0; k < c; ++k) out[k] = fill_value_;
        } else {
          const float* in = src + (static_cast<std::size_t>(si) * w + sj) * c;
          for (int k = 0; k < c; ++k) out[k] = in[k];
        }
      }
    }
  }
}

void RandomTranslation::backward(LayerCall& call) {
  check_grad_outputs(call);
  call.grad_inputs.resize(1);
  if (!call.need_input_grads) return;
  const Tensor& dy_all = *call.grad_outputs[0];
  Tensor& dx_all = call.grad_inputs[0];
  dx_all.resize(dy_all.shape());
  if (!call.training || (height_factor_ == 0 && width_factor_ == 0)) {
    dx_all.copy_from(dy_all);
    return;
  }
  dx_all.fill(0.0f);
  const int batch = dy_all.dim(0), h = dy_all.dim(1), w = dy_all.dim(2), c = dy_all.dim(3);
  const Tensor& shifts = call.saved[0];
  for (int b = 0; b < batch; ++b) {
    const int sy = static_cast<int>(shifts[2 * b]), sx = static_cast<int>(shifts[2 * b + 1]);
    const float* g = dy_all.data() + static_cast<std::size_t>(b) * h * w * c;
    float* d = dx_all.data() + static_cast<std::size_t>(b) * h * w * c;
    for (int i = 0; i < h; ++i) {
      const int si = source_index(i, sy, h);
      if (si < 0) continue;
      for (int j = 0; j < w; ++j) {
        const int sj = source_index(j, sx, w);
        if (sj < 0) continue;
        const float* in = g + (static_cast<std::size_t>(i) * w + j) * c;
        float* out = d + (static_cast<std::size_t>(si) * w + sj) * c;
        for (int k = 0; k < c; ++k) out[k] += in[k];  // reflect/wrap may map several cells here
      }
    }
  }
}

SIMDNN_REGISTER_LAYER(RandomTranslation)

}  // namespace simdnn
