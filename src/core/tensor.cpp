#include "core/tensor.hpp"

#include <algorithm>
#include <cstring>
#include <new>

#include "core/error.hpp"

namespace simdnn {
namespace {

std::shared_ptr<float> allocate(std::size_t count) {
  if (count == 0) return {};
  constexpr std::size_t kMaxFloats = std::size_t(1) << 30;  // 4 GiB: beyond any wasm heap
  check(count <= kMaxFloats, "tensor of ", count, " floats is too large to allocate");
  void* p = ::operator new(count * sizeof(float), std::align_val_t(Tensor::kAlignment),
                           std::nothrow);
  check(p != nullptr, "out of memory allocating a tensor of ", count, " floats (",
        count * sizeof(float) / (1024 * 1024), " MiB)");
  return std::shared_ptr<float>(static_cast<float*>(p), [](float* q) {
    ::operator delete(q, std::align_val_t(Tensor::kAlignment));
  });
}

}  // namespace

Tensor::Tensor(Shape shape, float fill_value) {
  resize(shape);
  fill(fill_value);
}

Tensor Tensor::from(Shape shape, std::span<const float> values) {
  Tensor t;
  t.resize(shape);
  check(values.size() == t.size(), "tensor of shape ", shape_text(shape), " needs ", t.size(),
        " values, got ", values.size());
  std::copy(values.begin(), values.end(), t.data_);
  return t;
}

int Tensor::dim(int axis) const {
  if (axis < 0) axis += rank();
  check(axis >= 0 && axis < rank(), "axis ", axis, " out of range for shape ", shape_text(shape_));
  return shape_[axis];
}

Tensor Tensor::reshaped(Shape shape) const {
  check(shape_size(shape) == size_, "cannot reshape ", shape_text(shape_), " (", size_,
        " values) to ", shape_text(shape));
  Tensor view = *this;
  view.shape_ = std::move(shape);
  return view;
}

Tensor Tensor::rows(int begin, int end) const {
  check(rank() >= 1, "rows() needs a tensor with a batch axis");
  check(0 <= begin && begin <= end && end <= shape_[0], "rows [", begin, ", ", end,
        ") out of range for shape ", shape_text(shape_));
  const std::size_t row = shape_[0] ? size_ / shape_[0] : 0;
  Tensor view = *this;
  view.shape_[0] = end - begin;
  view.data_ = data_ + row * begin;
  view.size_ = row * (end - begin);
  return view;
}

Tensor Tensor::clone() const {
  Tensor copy;
  copy.resize(shape_);
  if (size_) std::memcpy(copy.data_, data_, size_ * sizeof(float));
  return copy;
}

void Tensor::fill(float value) { std::fill(data_, data_ + size_, value); }

void Tensor::copy_from(const Tensor& other) {
  check(other.size_ == size_, "copy of ", other.size_, " values into a tensor of ", size_);
  if (size_ && other.data_ != data_) std::memmove(data_, other.data_, size_ * sizeof(float));
}

void Tensor::resize(const Shape& shape) {
  const std::size_t n = shape_size(shape);
  const bool owns_whole_buffer = storage_ && storage_.use_count() == 1 && data_ == storage_.get();
  if (!(owns_whole_buffer && n <= capacity_)) {
    storage_ = allocate(n);
    capacity_ = n;
    data_ = storage_.get();
  }
  size_ = n;
  shape_ = shape;
}

}  // namespace simdnn
