#include "core/workspace.hpp"

#include <algorithm>
#include <new>

namespace simdnn {
namespace {
constexpr std::align_val_t kAlign{16};  // wasm's plain operator new only guarantees 8
float* allocate_aligned(std::size_t count) {
  return static_cast<float*>(::operator new(count * sizeof(float), kAlign));
}
}  // namespace

void Workspace::AlignedDelete::operator()(float* p) const { ::operator delete(p, kAlign); }

float* Workspace::take(std::size_t count) {
  const std::size_t padded = (count + 3) & ~std::size_t(3);  // keep every slice 16-byte aligned
  for (Block& b : blocks_) {
    if (b.capacity - b.used >= padded) {
      float* p = b.data.get() + b.used;
      b.used += padded;
      return p;
    }
  }
  const std::size_t capacity = std::max<std::size_t>(padded, std::size_t(1) << 16);
  Block b;
  b.data.reset(allocate_aligned(capacity));
  b.capacity = capacity;
  b.used = padded;
  blocks_.push_back(std::move(b));
  return blocks_.back().data.get();
}

void Workspace::reset() {
  // Fragmented blocks merge into one on the next growth, so steady state is one block.
  if (blocks_.size() > 1) {
    std::size_t total = 0;
    for (const Block& b : blocks_) total += b.capacity;
    blocks_.clear();
    Block b;
    b.data.reset(allocate_aligned(total));
    b.capacity = total;
    blocks_.push_back(std::move(b));
  }
  for (Block& b : blocks_) b.used = 0;
}

std::size_t Workspace::capacity_floats() const {
  std::size_t total = 0;
  for (const Block& b : blocks_) total += b.capacity;
  return total;
}

}  // namespace simdnn
