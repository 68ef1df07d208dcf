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

// A shape in an error message, formatted only when the message is built. check()'s arguments
// are evaluated on every call, passing or not: shape_str() there formatted strings on every
// tensor resize and layer call (12% of a batch-1 LeNet-5 predict). Use it only as a check() or
// fail() argument: it refers to the shape, it does not copy it.
struct ShapeText {
  const Shape& shape;
  bool batch;  // the first entry is printed as "?": a layer-level shape without the batch axis
  void append_to(std::string& out) const;
};
inline ShapeText shape_text(const Shape& shape) { return {shape, false}; }
inline ShapeText batch_shape_text(const Shape& sample_shape) { return {sample_shape, true}; }
Shape with_batch(int batch, const Shape& sample_shape);
Shape without_batch(const Shape& shape);

}  // namespace simdnn
