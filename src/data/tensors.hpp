#pragma once
// Turning raw data set arrays into training tensors: class ids into one-hot rows, and
// uint8 pixels into float32 (scaled, by default to [0, 1] as Keras examples do with x / 255).
#include <cstdint>
#include <span>

#include "core/shape.hpp"
#include "core/tensor.hpp"

namespace simdnn {

// [labels.size(), classes] with a 1 in column labels[i] of row i. Every label must be in
// [0, classes); an Error names the first one that is not, and its index.
Tensor one_hot(std::span<const std::uint8_t> labels, int classes);
Tensor one_hot(std::span<const std::int32_t> labels, int classes);

// float(pixels[i]) * scale, shaped `shape` (e.g. [n, 28, 28, 1] for a Conv2D input);
// shape_size(shape) must equal pixels.size().
Tensor images_to_float(std::span<const std::uint8_t> pixels, const Shape& shape,
                       float scale = 1.0f / 255.0f);

}  // namespace simdnn
