#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/tensor.hpp"
#include "core/workspace.hpp"

using namespace simdnn;

TEST_CASE("tensor storage is aligned and views share it", "[core]") {
  Tensor t({4, 3}, 1.5f);
  REQUIRE(reinterpret_cast<std::uintptr_t>(t.data()) % Tensor::kAlignment == 0);
  REQUIRE(t.size() == 12);
  Tensor rows = t.rows(1, 3);
  REQUIRE(rows.shape() == Shape{2, 3});
  rows[0] = 7.0f;
  REQUIRE(t[3] == 7.0f);
  Tensor flat = t.reshaped({12});
  REQUIRE(flat[3] == 7.0f);
  Tensor copy = t.clone();
  copy[3] = 0.0f;
  REQUIRE(t[3] == 7.0f);
}

TEST_CASE("tensor resize keeps its buffer when large enough", "[core]") {
  Tensor t({8, 8});
  const float* before = t.data();
  t.resize({4, 8});
  REQUIRE(t.data() == before);
  t.resize({16, 8});
  REQUIRE(t.size() == 128);
}

TEST_CASE("tensor errors name expected and actual", "[core]") {
  Tensor t({2, 3});
  REQUIRE_THROWS_WITH(t.reshaped({4, 2}), Catch::Contains("[2, 3]") && Catch::Contains("[4, 2]"));
  REQUIRE_THROWS_AS(t.rows(1, 5), Error);
  std::vector<float> five(5);
  REQUIRE_THROWS_WITH(Tensor::from({2, 3}, five), Catch::Contains("needs 6 values, got 5"));
}

TEST_CASE("rng is deterministic and has the right moments", "[core]") {
  Rng a(42), b(42), c(43);
  REQUIRE(a.next_u32() == b.next_u32());
  REQUIRE(a.next_u32() != c.next_u32());
  Rng r(7);
  double sum = 0, sq = 0, usum = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double z = r.normal();
    sum += z;
    sq += z * z;
    const float u = r.uniform();
    REQUIRE(u >= 0.0f);
    REQUIRE(u < 1.0f);
    usum += u;
  }
  REQUIRE(sum / n == Approx(0.0).margin(0.01));
  REQUIRE(sq / n == Approx(1.0).epsilon(0.01));
  REQUIRE(usum / n == Approx(0.5).epsilon(0.01));
  for (int i = 0; i < 1000; ++i) {
    const float t = r.truncated_normal(0.0f, 1.0f);
    REQUIRE(t > -2.0f);
    REQUIRE(t < 2.0f);
  }
}

TEST_CASE("rng streams are identical on every platform", "[core]") {
  // Golden values computed once; native and wasm builds must both reproduce them bit for bit.
  Rng r(2024);
  std::uint32_t x = 0;
  for (int i = 0; i < 1000; ++i) x ^= r.next_u32() * static_cast<std::uint32_t>(i + 1);
  float acc = 0.0f;
  for (int i = 0; i < 1000; ++i) acc += r.normal();
  std::uint32_t acc_bits = 0;
  std::memcpy(&acc_bits, &acc, sizeof acc_bits);
  INFO("xor " << x << " normal-sum bits " << acc_bits);
  CHECK(x == 401141023u);
  CHECK(acc_bits == 3250636792u);
}

TEST_CASE("portable_log matches std::log closely", "[core]") {
  for (double x : {1e-30, 1e-7, 0.1, 0.5, 0.7, 1.0, 1.5, 2.0, 10.0, 12345.678}) {
    REQUIRE(portable_log(x) == Approx(std::log(x)).epsilon(1e-14));
  }
}

TEST_CASE("shuffle is a permutation", "[core]") {
  Rng r(1);
  std::vector<int> v(101);
  for (int i = 0; i < 101; ++i) v[i] = i;
  r.shuffle(v);
  std::vector<int> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 101; ++i) REQUIRE(sorted[i] == i);
  REQUIRE(v != sorted);
}

TEST_CASE("workspace slices are aligned and reused after reset", "[core]") {
  Workspace ws;
  float* a = ws.take(3);
  float* b = ws.take(5);
  REQUIRE(reinterpret_cast<std::uintptr_t>(a) % 16 == 0);
  REQUIRE(reinterpret_cast<std::uintptr_t>(b) % 16 == 0);
  REQUIRE(b != a);
  ws.take(1 << 20);
  ws.reset();
  const std::size_t cap = ws.capacity_floats();
  ws.take(3);
  ws.take(5);
  ws.take(1 << 20);
  ws.reset();
  REQUIRE(ws.capacity_floats() == cap);
}
