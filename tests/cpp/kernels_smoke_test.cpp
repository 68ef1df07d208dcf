// Placeholder until the full kernel tests land: checks the kernels link and agree on a
// trivial case.
#include <catch2/catch.hpp>

#include "kernels/activations.hpp"
#include "kernels/elementwise.hpp"
#include "kernels/gemm.hpp"
#include "kernels/reductions.hpp"

using namespace simdnn::kernels;

TEST_CASE("kernels link and compute a 2x2 product", "[kernels]") {
  const float a[4] = {1, 2, 3, 4};
  const float b[4] = {5, 6, 7, 8};
  float c[4] = {0, 0, 0, 0};
  gemm(false, false, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
  CHECK(c[0] == 19.0f);
  CHECK(c[3] == 50.0f);
  CHECK(sum(c, 4) == 19.0f + 22.0f + 43.0f + 50.0f);
  CHECK(activation_from_name("relu") == Activation::relu);
}
