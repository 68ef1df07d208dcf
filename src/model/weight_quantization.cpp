// Dequantizing weights stored the way TF.js's converter quantizes them
// (tensorflowjs_converter --quantize_uint8 / --quantize_uint16 / --quantize_float16).
#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "model/model_io.hpp"

namespace simdnn {
namespace {

// IEEE 754 binary16 -> binary32, subnormals, infinities and NaN included.
float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exponent = (h >> 10) & 0x1fu;
  const std::uint32_t mantissa = h & 0x3ffu;
  float magnitude;
  if (exponent == 0) {
    magnitude = std::ldexp(static_cast<float>(mantissa), -24);
  } else if (exponent == 31) {
    magnitude = mantissa == 0 ? INFINITY : NAN;
  } else {
    magnitude = std::ldexp(static_cast<float>(mantissa | 0x400u), static_cast<int>(exponent) - 25);
  }
  std::uint32_t bits;
  std::memcpy(&bits, &magnitude, 4);
  bits |= sign;
  float out;
  std::memcpy(&out, &bits, 4);
  return out;
}

// The format is little-endian; read bytewise so no alignment is assumed.
std::uint16_t read_u16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }

}  // namespace

std::size_t ManifestEntry::byte_count() const {
  if (quantization == "uint8") return count;
  if (quantization == "uint16" || quantization == "float16") return count * 2;
  return count * 4;  // float32 and int32 alike
}

void read_weight_values(const ManifestEntry& e, std::span<const std::uint8_t> bytes, float* out) {
  check(e.offset + e.byte_count() <= bytes.size(), "model file: weight '", e.name, "' runs past the weight data");
  const std::uint8_t* p = bytes.data() + e.offset;
  if (e.quantization.empty()) {
    std::memcpy(out, p, e.count * sizeof(float));
  } else if (e.quantization == "uint8") {
    for (std::size_t i = 0; i < e.count; ++i) out[i] = static_cast<float>(p[i]) * e.scale + e.min;
  } else if (e.quantization == "uint16") {
    for (std::size_t i = 0; i < e.count; ++i) out[i] = static_cast<float>(read_u16(p + 2 * i)) * e.scale + e.min;
  } else {
    for (std::size_t i = 0; i < e.count; ++i) out[i] = half_to_float(read_u16(p + 2 * i));
  }
}

}  // namespace simdnn
