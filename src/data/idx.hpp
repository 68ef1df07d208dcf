#pragma once
// IDX files (the MNIST / Fashion-MNIST format), already gunzipped (the JS side inflates
// the .gz files; C++ only parses bytes):
//   bytes 0-1  zero
//   byte  2    element type; 0x08 = unsigned byte, the only type the image sets use
//   byte  3    number of dimensions n (>= 1)
//   4 * n      dimensions, big-endian uint32
//   then       the elements, row-major, exactly as many as the dimensions give
// read_idx validates all of it against the buffer and throws simdnn::Error messages that
// say what was expected and what was found (truncated header or data, trailing bytes,
// a wrong magic number, an unsupported element type).
#include <cstdint>
#include <span>
#include <vector>

#include "core/shape.hpp"

namespace simdnn {

struct IdxArray {
  Shape shape;                     // e.g. [60000, 28, 28] or [60000]
  std::vector<std::uint8_t> data;  // shape_size(shape) values, row-major
};

IdxArray read_idx(std::span<const std::uint8_t> bytes);

}  // namespace simdnn
