// libFuzzer target: the IDX reader (MNIST / Fashion-MNIST files) on arbitrary bytes. A file
// it accepts must hold exactly as many elements as its shape says.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "data/idx.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  simdnn::fuzz::expect_clean([&] {
    const simdnn::IdxArray array = simdnn::read_idx(std::span<const std::uint8_t>(data, size));
    if (array.data.size() != simdnn::shape_size(array.shape)) std::abort();
  });
  return 0;
}
