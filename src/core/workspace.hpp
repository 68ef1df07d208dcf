#pragma once
// Workspace: a scratch arena for per-step temporaries (im2col columns, gate buffers).
// reset() at the start of each step; memory is kept and reused, so the steady-state
// training loop does not allocate once the largest step has been seen.
#include <cstddef>
#include <memory>
#include <vector>

namespace simdnn {

class Workspace {
 public:
  // Returns 16-byte-aligned scratch for `count` floats, valid until reset().
  float* take(std::size_t count);
  void reset();
  std::size_t capacity_floats() const;

 private:
  struct AlignedDelete {
    void operator()(float* p) const;
  };
  struct Block {
    std::unique_ptr<float[], AlignedDelete> data;
    std::size_t capacity = 0;
    std::size_t used = 0;
  };
  std::vector<Block> blocks_;
};

}  // namespace simdnn
