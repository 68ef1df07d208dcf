#pragma once
// Seeded random numbers that are bit-identical across native and wasm builds:
// integer xoshiro128** for the stream, and only exactly-rounded arithmetic (plus
// our own log) for the float distributions, never the platform's <random>.
#include <array>
#include <cstdint>
#include <span>

namespace simdnn {

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) { reseed(seed); }
  void reseed(std::uint64_t seed);

  std::uint32_t next_u32();
  float uniform();                      // [0, 1)
  float uniform(float low, float high);  // [low, high)
  float normal(float mean = 0.0f, float stddev = 1.0f);
  // Keras truncated normal: redraw values further than two stddevs from the mean.
  float truncated_normal(float mean, float stddev);
  std::uint32_t below(std::uint32_t bound);  // uniform integer in [0, bound)
  void shuffle(std::span<int> values);
  // A new independent generator derived from this one (e.g. one per layer).
  Rng split();

  std::array<std::uint32_t, 4> state() const { return state_; }
  void set_state(const std::array<std::uint32_t, 4>& s) { state_ = s; }

 private:
  std::array<std::uint32_t, 4> state_{};
};

// Natural log computed with IEEE double arithmetic only, so it matches across libms.
double portable_log(double x);

}  // namespace simdnn
