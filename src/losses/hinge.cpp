// Hinge and squared hinge, as in keras/src/losses/losses.py (Keras 3): labels are expected
// in {-1, 1}; when every label of the batch is 0 or 1 they are mapped to -1/1 first.
#include <cmath>

#include "losses/loss_support.hpp"

namespace simdnn::losses {
namespace {

// Keras' convert_binary_labels_to_hinge decides for the whole y_true tensor at once.
bool labels_are_binary(const Tensor& y_true) {
  for (float t : y_true.span())
    if (t != 0.0f && t != 1.0f) return false;
  return true;
}

template <bool kSquared>
class HingeLoss final : public Loss {
 public:
  std::string name() const override { return kSquared ? "squared_hinge" : "hinge"; }
  float compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const override {
    // label -> scale * label + shift maps {0, 1} to {-1, 1}, or leaves labels unchanged.
    const bool binary = labels_are_binary(y_true);
    const float label_scale = binary ? 2.0f : 1.0f;
    const float label_shift = binary ? -1.0f : 0.0f;
    return mean_of_elementwise(
        name(), y_pred, y_true, grad, [label_scale, label_shift](float p, float t, float& dp) {
          const float y = t * label_scale + label_shift;
          const float margin = 1.0f - y * p;
          // TensorFlow routes maximum(a, 0)'s gradient to a when a >= 0.
          const bool active = margin >= 0.0f;
          if constexpr (kSquared) {
            dp = active ? -2.0f * margin * y : 0.0f;
            return active ? margin * margin : 0.0f;
          } else {
            dp = active ? -y : 0.0f;
            return active ? margin : 0.0f;
          }
        });
  }
};

}  // namespace

std::unique_ptr<Loss> make_hinge(ConfigReader&) { return std::make_unique<HingeLoss<false>>(); }
std::unique_ptr<Loss> make_squared_hinge(ConfigReader&) {
  return std::make_unique<HingeLoss<true>>();
}

}  // namespace simdnn::losses
