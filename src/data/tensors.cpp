#include "data/tensors.hpp"

#include <cmath>

#include "core/error.hpp"

namespace simdnn {
namespace {

template <typename Label>
Tensor one_hot_rows(std::span<const Label> labels, int classes) {
  check(classes >= 1, "one_hot: classes must be a positive integer, got ", classes);
  const int rows = static_cast<int>(labels.size());
  check(labels.size() == static_cast<std::size_t>(rows), "one_hot: too many labels (",
        labels.size(), ")");
  Tensor out({rows, classes}, 0.0f);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const long long label = labels[i];
    check(label >= 0 && label < classes, "one_hot: label ", label, " at index ", i,
          " is out of range: expected 0..", classes - 1);
    out[i * static_cast<std::size_t>(classes) + static_cast<std::size_t>(label)] = 1.0f;
  }
  return out;
}

}  // namespace

Tensor one_hot(std::span<const std::uint8_t> labels, int classes) {
  return one_hot_rows(labels, classes);
}

Tensor one_hot(std::span<const std::int32_t> labels, int classes) {
  return one_hot_rows(labels, classes);
}

Tensor images_to_float(std::span<const std::uint8_t> pixels, const Shape& shape, float scale) {
  for (int extent : shape)
    check(extent >= 0, "images_to_float: shape ", shape_text(shape), " has a negative extent");
  check(shape_size(shape) == pixels.size(), "images_to_float: shape ", shape_text(shape), " holds ",
        shape_size(shape), " values, got ", pixels.size(), " pixels");
  check(std::isfinite(scale), "images_to_float: scale must be finite, got ", scale);
  Tensor out(shape);
  for (std::size_t i = 0; i < pixels.size(); ++i) out[i] = static_cast<float>(pixels[i]) * scale;
  return out;
}

}  // namespace simdnn
