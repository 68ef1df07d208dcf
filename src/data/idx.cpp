#include "data/idx.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <string>

#include "core/error.hpp"

namespace simdnn {
namespace {

constexpr std::size_t kMagicBytes = 4;
constexpr std::uint8_t kUnsignedByte = 0x08;

std::string hex_byte(std::uint8_t value) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02X", static_cast<unsigned>(value));
  return text;
}

// The element types the IDX format defines; only unsigned bytes are read here.
const char* idx_type_name(std::uint8_t type) {
  switch (type) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "int16";
    case 0x0C: return "int32";
    case 0x0D: return "float32";
    case 0x0E: return "float64";
    default: return nullptr;
  }
}

std::uint32_t big_endian_u32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

}  // namespace

IdxArray read_idx(std::span<const std::uint8_t> bytes) {
  check(bytes.size() >= kMagicBytes, "read_idx: truncated header: expected at least ",
        kMagicBytes, " bytes (the magic number), got ", bytes.size());
  check(bytes[0] == 0 && bytes[1] == 0, "read_idx: bad magic number: expected two zero bytes, got ",
        hex_byte(bytes[0]), " ", hex_byte(bytes[1]), " (not an IDX file, or still gzipped?)");
  const std::uint8_t type = bytes[2];
  if (type != kUnsignedByte) {
    const char* name = idx_type_name(type);
    if (name) fail("read_idx: unsupported element type ", hex_byte(type), " (", name,
                   "): expected 0x08 (unsigned byte)");
    fail("read_idx: unknown element type ", hex_byte(type), ": expected 0x08 (unsigned byte)");
  }
  const std::size_t rank = bytes[3];
  check(rank >= 1, "read_idx: expected at least 1 dimension, got 0");
  const std::size_t header = kMagicBytes + 4 * rank;
  check(bytes.size() >= header, "read_idx: truncated header: ", rank, " dimensions need ", header,
        " bytes, got ", bytes.size());

  IdxArray out;
  out.shape.reserve(rank);
  for (std::size_t d = 0; d < rank; ++d) {
    const std::uint32_t extent = big_endian_u32(bytes.data() + kMagicBytes + 4 * d);
    check(extent <= static_cast<std::uint32_t>(std::numeric_limits<int>::max()),
          "read_idx: dimension ", d, " is ", extent, ", larger than the supported maximum ",
          std::numeric_limits<int>::max());
    out.shape.push_back(static_cast<int>(extent));
  }
  // The element count, guarded against overflow: a crafted header can name up to 255
  // extents of 2^31 - 1 each.
  std::uint64_t count = 1;
  bool overflow = false;
  for (int extent : out.shape) {
    const auto e = static_cast<std::uint64_t>(extent);
    if (e != 0 && count > std::numeric_limits<std::uint64_t>::max() / e)
      overflow = true;
    else
      count *= e;
  }
  if (std::find(out.shape.begin(), out.shape.end(), 0) != out.shape.end()) {
    count = 0;  // an empty array, whatever the other extents
    overflow = false;
  }
  const std::size_t available = bytes.size() - header;
  check(!overflow && count <= available, "read_idx: truncated data: shape ", shape_text(out.shape),
        " needs ", overflow ? std::string("more than 2^64") : std::to_string(count),
        " bytes after the ", header, "-byte header, got ", available);
  check(count == available, "read_idx: shape ", shape_text(out.shape), " needs ", count,
        " bytes after the ", header, "-byte header, got ", available, " (", available - count,
        " trailing bytes)");
  out.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
  return out;
}

}  // namespace simdnn
