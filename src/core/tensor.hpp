#pragma once
// Tensor: float32, row-major, 16-byte-aligned storage shared between views.
// A view (reshaped / rows) shares the buffer; clone() copies. resize() keeps the
// buffer when it is large enough, so per-batch buffers are allocated once.
#include <cstddef>
#include <memory>
#include <span>

#include "core/shape.hpp"

namespace simdnn {

class Tensor {
 public:
  static constexpr std::size_t kAlignment = 16;

  Tensor() = default;
  explicit Tensor(Shape shape, float fill = 0.0f);
  static Tensor from(Shape shape, std::span<const float> values);

  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int dim(int axis) const;
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  float* data() { return data_; }
  const float* data() const { return data_; }
  std::span<float> span() { return {data_, size_}; }
  std::span<const float> span() const { return {data_, size_}; }
  float& operator[](std::size_t i) { return data_[i]; }
  float operator[](std::size_t i) const { return data_[i]; }

  // Views sharing storage.
  Tensor reshaped(Shape shape) const;
  Tensor rows(int begin, int end) const;  // slice along axis 0

  Tensor clone() const;
  void fill(float value);
  void copy_from(const Tensor& other);  // same size required
  // Sets the shape, reallocating only if the current buffer is too small or shared.
  void resize(const Shape& shape);
  bool same_shape(const Tensor& other) const { return shape_ == other.shape_; }

 private:
  std::shared_ptr<float> storage_;
  std::size_t capacity_ = 0;
  float* data_ = nullptr;
  std::size_t size_ = 0;
  Shape shape_;
};

}  // namespace simdnn
