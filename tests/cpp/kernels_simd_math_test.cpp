// simd::exp and simd::tanh (kernels/simd_math.hpp) against std::exp / std::tanh in ulps over
// a dense grid of their whole useful range (denormal results included), and their special
// values. Each lane is checked, at every position in the batch.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels/simd_math.hpp"

namespace simd = simdnn::kernels::simd;

namespace {

std::int64_t ulps_between(float a, float b) {
  std::int32_t ia, ib;
  std::memcpy(&ia, &a, sizeof ia);
  std::memcpy(&ib, &b, sizeof ib);
  // Map the sign-magnitude bit patterns onto one monotonic integer line.
  const std::int64_t la = ia < 0 ? std::int64_t(INT32_MIN) - ia : ia;
  const std::int64_t lb = ib < 0 ? std::int64_t(INT32_MIN) - ib : ib;
  return la > lb ? la - lb : lb - la;
}

template <typename Fast, typename Exact>
std::int64_t worst_ulps(float from, float to, int count, Fast fast, Exact exact, float& worst_at) {
  std::int64_t worst = 0;
  for (int i = 0; i < count; i += 4) {
    float in[4], out[4];
    for (int l = 0; l < 4; ++l) in[l] = from + (to - from) * float(i + l) / float(count);
    fast(simd::Batch::load_unaligned(in)).store_unaligned(out);
    for (int l = 0; l < 4; ++l) {
      const std::int64_t d = ulps_between(out[l], exact(in[l]));
      if (d > worst) worst = d, worst_at = in[l];
    }
  }
  return worst;
}

float lane0(simd::Batch b) {
  float out[4];
  b.store_unaligned(out);
  return out[0];
}

}  // namespace

TEST_CASE("simd::exp is within 2 ulp of std::exp from underflow to overflow", "[kernels]") {
  float at = 0.0f;
  const auto e = [](simd::Batch x) { return simd::exp(x); };
  const auto exact = [](float x) { return std::exp(x); };
  const std::int64_t worst = worst_ulps(-104.0f, 88.7f, 400000, e, exact, at);
  INFO("worst at x = " << at);
  CHECK(worst <= 2);
  CHECK(worst_ulps(-1.0f, 1.0f, 100000, e, exact, at) <= 1);
  const float inf = std::numeric_limits<float>::infinity();
  CHECK(lane0(simd::exp(simd::Batch(0.0f))) == 1.0f);
  CHECK(lane0(simd::exp(simd::Batch(89.0f))) == inf);
  CHECK(lane0(simd::exp(simd::Batch(inf))) == inf);
  CHECK(lane0(simd::exp(simd::Batch(-inf))) == 0.0f);
  CHECK(lane0(simd::exp(simd::Batch(-110.0f))) == 0.0f);
  CHECK(std::isnan(lane0(simd::exp(simd::Batch(std::numeric_limits<float>::quiet_NaN())))));
}

TEST_CASE("simd::tanh is within 4 ulp of std::tanh, small arguments included", "[kernels]") {
  float at = 0.0f;
  const auto t = [](simd::Batch x) { return simd::tanh(x); };
  const auto exact = [](float x) { return std::tanh(x); };
  std::int64_t worst = worst_ulps(-12.0f, 12.0f, 400000, t, exact, at);
  INFO("worst at x = " << at);
  CHECK(worst <= 4);
  worst = worst_ulps(-1e-3f, 1e-3f, 40000, t, exact, at);
  INFO("near zero, worst at x = " << at);
  CHECK(worst <= 2);
  const float inf = std::numeric_limits<float>::infinity();
  CHECK(lane0(simd::tanh(simd::Batch(inf))) == 1.0f);
  CHECK(lane0(simd::tanh(simd::Batch(-inf))) == -1.0f);
  CHECK(lane0(simd::tanh(simd::Batch(0.0f))) == 0.0f);
  CHECK(std::isnan(lane0(simd::tanh(simd::Batch(std::numeric_limits<float>::quiet_NaN())))));
}
