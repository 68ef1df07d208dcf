#pragma once
// Shared helpers for the kernel tests: the sizes that straddle the 4-lane SIMD width,
// seeded random buffers, and an elementwise closeness check that reports the first
// mismatch instead of flooding the log with one assertion per element.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "core/rng.hpp"

namespace simdnn::kernels::testing {

// Below, at, above and multiples of the 4-lane width, plus long buffers.
inline const std::vector<std::size_t> kSizes = {0, 1, 3, 4, 5, 7, 8, 15, 16, 17, 31, 33, 64, 100, 1000};

inline std::vector<float> random_vector(Rng& rng, std::size_t n, float low = -1.0f,
                                        float high = 1.0f) {
  std::vector<float> values(n);
  for (float& v : values) v = rng.uniform(low, high);
  return values;
}

inline bool close(float got, float want, float rel, float abs) {
  if (got == want) return true;  // also equal infinities
  if (std::isnan(got) || std::isnan(want)) return false;
  const float diff = std::fabs(got - want);
  return diff <= abs + rel * std::max(std::fabs(got), std::fabs(want));
}

// Every got[i] is close to want[i]; on failure names the first bad index and values.
inline void check_all_close(const std::vector<float>& got, const std::vector<float>& want,
                            float rel, float abs) {
  REQUIRE(got.size() == want.size());
  std::size_t mismatches = 0;
  std::size_t first = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (!close(got[i], want[i], rel, abs)) {
      if (mismatches == 0) first = i;
      ++mismatches;
    }
  }
  // INFO is only printed when the check below fails.
  INFO(mismatches << " mismatches; first at index " << first << " of " << got.size()
                  << ": got " << (got.empty() ? 0.0f : got[first]) << ", want "
                  << (want.empty() ? 0.0f : want[first]));
  CHECK(mismatches == 0);
}

}  // namespace simdnn::kernels::testing
