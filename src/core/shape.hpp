#pragma once
// Shapes are plain vectors of extents. Layer-level shapes exclude the batch axis
// (Keras' `None`); tensor shapes include it.
#include <cstddef>
#include <string>
#include <vector>

namespace simdnn {

using Shape = std::vector<int>;

std::size_t shape_size(const Shape& shape);
std::string shape_str(const Shape& shape);            // "[32, 4]"
std::string batch_shape_str(const Shape& sample_shape);  // "[?, 4]"
Shape with_batch(int batch, const Shape& sample_shape);
Shape without_batch(const Shape& shape);

}  // namespace simdnn
