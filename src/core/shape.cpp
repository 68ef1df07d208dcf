#include "core/shape.hpp"

#include "core/error.hpp"

#include <limits>

namespace simdnn {

std::size_t shape_size(const Shape& shape) {
  std::size_t n = 1;
  for (int d : shape) {
    check(d >= 0, "shape ", shape_text(shape), " has a negative extent");
    // size_t is 32 bits in wasm: a product that wraps would allocate a small buffer that
    // kernels then index with the real extents.
    check(d == 0 || n <= std::numeric_limits<std::size_t>::max() / static_cast<std::size_t>(d),
          "shape ", shape_text(shape), " has more elements than this platform can address");
    n *= static_cast<std::size_t>(d);
  }
  return n;
}

std::string shape_str(const Shape& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

std::string batch_shape_str(const Shape& sample_shape) {
  std::string s = "[?";
  for (int d : sample_shape) s += ", " + std::to_string(d);
  return s + "]";
}

void ShapeText::append_to(std::string& out) const {
  out += batch ? batch_shape_str(shape) : shape_str(shape);
}

Shape with_batch(int batch, const Shape& sample_shape) {
  Shape s;
  s.reserve(sample_shape.size() + 1);
  s.push_back(batch);
  s.insert(s.end(), sample_shape.begin(), sample_shape.end());
  return s;
}

Shape without_batch(const Shape& shape) {
  check(!shape.empty(), "expected a tensor with a batch axis, got a scalar");
  return Shape(shape.begin() + 1, shape.end());
}

}  // namespace simdnn
