// The golden checksum of freshly initialised weights in tests/data/determinism.json is
// shared by this suite (native and wasm), the Node tests and the browser test: the same
// seed gives the same weights bit for bit on every build.
#include <catch2/catch.hpp>
#include <cstdint>
#include <fstream>
#include <sstream>

#include "model/model.hpp"
#include "model_test_util.hpp"

using namespace simdnn;

namespace {
std::uint32_t fnv1a(const std::vector<Tensor>& tensors) {
  std::uint32_t h = 0x811c9dc5u;
  for (const Tensor& t : tensors) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(t.data());
    for (std::size_t i = 0; i < t.size() * sizeof(float); ++i) h = (h ^ bytes[i]) * 0x01000193u;
  }
  return h;
}

Json read_golden() {
  std::ifstream in(std::string(SIMDNN_TEST_DATA) + "/determinism.json");
  REQUIRE(in.good());
  std::stringstream s;
  s << in.rdbuf();
  return Json::parse(s.str());
}
}  // namespace

TEST_CASE("initial weights match the golden checksum", "[model][determinism]") {
  const Json golden = read_golden();
  set_global_seed(golden.at("seed").get<std::uint64_t>());
  auto model = Model::sequential({test::dense(16, "relu", {{"input_shape", {8}}}), test::dense(4, "softmax")});
  const std::uint32_t h = fnv1a(model->get_weights());
  INFO("fnv1a " << h);
  REQUIRE(h == golden.at("initialWeightsFnv1a").get<std::uint32_t>());
}
