#include "core/rng.hpp"

#include <cmath>
#include <utility>

#include "core/error.hpp"

namespace simdnn {
namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::uint32_t rotl(std::uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

}  // namespace

void Rng::reseed(std::uint64_t seed) {
  std::uint64_t s = seed;
  const std::uint64_t a = splitmix64(s), b = splitmix64(s);
  state_ = {static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(a >> 32),
            static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(b >> 32)};
  if ((state_[0] | state_[1] | state_[2] | state_[3]) == 0) state_[0] = 1;
}

std::uint32_t Rng::next_u32() {
  const std::uint32_t result = rotl(state_[1] * 5, 7) * 9;
  const std::uint32_t t = state_[1] << 9;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl(state_[3], 11);
  return result;
}

float Rng::uniform() { return static_cast<float>(next_u32() >> 8) * (1.0f / 16777216.0f); }

float Rng::uniform(float low, float high) { return low + (high - low) * uniform(); }

double portable_log(double x) {
  check(x > 0.0, "portable_log of non-positive value");
  int exponent = 0;
  double m = std::frexp(x, &exponent);  // x = m * 2^e, m in [0.5, 1): exact
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    exponent -= 1;
  }
  // log(m) = 2 atanh(s), s = (m-1)/(m+1), |s| < 0.172: the series converges fast.
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double term = s, sum = 0.0;
  for (int k = 1; k < 40; k += 2) {
    sum += term / k;
    term *= s2;
  }
  return 2.0 * sum + exponent * 0.69314718055994530942;
}

float Rng::normal(float mean, float stddev) {
  // Marsaglia polar method; uses only +,*,/,sqrt (exactly rounded) and portable_log.
  double u, v, s;
  do {
    u = 2.0 * (next_u32() * (1.0 / 4294967296.0)) - 1.0;
    v = 2.0 * (next_u32() * (1.0 / 4294967296.0)) - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double z = u * std::sqrt(-2.0 * portable_log(s) / s);
  return static_cast<float>(mean + stddev * z);
}

float Rng::truncated_normal(float mean, float stddev) {
  for (;;) {
    const float z = normal(0.0f, 1.0f);
    if (z > -2.0f && z < 2.0f) return mean + stddev * z;
  }
}

std::uint32_t Rng::below(std::uint32_t bound) {
  check(bound > 0, "Rng::below needs a positive bound");
  const std::uint32_t limit = static_cast<std::uint32_t>(-bound) % bound;  // reject the biased tail
  for (;;) {
    const std::uint32_t r = next_u32();
    if (r >= limit) return r % bound;
  }
}

void Rng::shuffle(std::span<int> values) {
  for (std::size_t i = values.size(); i > 1; --i) {
    const std::size_t j = below(static_cast<std::uint32_t>(i));
    std::swap(values[i - 1], values[j]);
  }
}

Rng Rng::split() {
  const std::uint64_t hi = next_u32(), lo = next_u32();
  return Rng((hi << 32) | lo);
}

}  // namespace simdnn
