// TF.js weight quantization in model files: uint8/uint16 affine (q * scale + min) and IEEE
// half floats, with values whose decoding is exact, so any slip in the byte layout shows.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "model/model.hpp"
#include "model/model_io.hpp"
#include "model_test_util.hpp"

using namespace simdnn;
using namespace simdnn::test;

namespace {
// Dense(3) on 2 inputs: kernel [2, 3] then bias [3], 9 values.
std::shared_ptr<Model> small_dense() { return Model::sequential({dense(3, "linear", {{"input_shape", {2}}})}); }

std::vector<float> all_weights(Model& m) {
  std::vector<float> out;
  for (const Param& p : m.params()) out.insert(out.end(), p.value->data(), p.value->data() + p.value->size());
  return out;
}

Json quantized(const Json& model_json, const Json& quantization) {
  Json j = model_json;
  for (Json& w : j["weightsManifest"][0]["weights"]) w["quantization"] = quantization;
  return j;
}
}  // namespace

TEST_CASE("uint8 and uint16 quantized weights decode as q * scale + min", "[model][io]") {
  set_global_seed(3);
  auto model = small_dense();
  const ModelArtifacts art = save_artifacts(*model);
  const std::vector<std::uint8_t> q8 = {0, 1, 2, 128, 255, 7, 9, 10, 100};
  auto loaded = load_artifacts(quantized(art.model_json, {{"dtype", "uint8"}, {"scale", 0.25}, {"min", -1.0}}), q8);
  const auto w8 = all_weights(*loaded);
  for (std::size_t i = 0; i < q8.size(); ++i) REQUIRE(w8[i] == static_cast<float>(q8[i]) * 0.25f - 1.0f);

  const std::vector<std::uint16_t> q16 = {0, 1, 65535, 300, 4096, 2, 3, 40000, 12345};
  std::vector<std::uint8_t> bytes(q16.size() * 2);
  for (std::size_t i = 0; i < q16.size(); ++i) {  // little-endian
    bytes[2 * i] = q16[i] & 0xff;
    bytes[2 * i + 1] = q16[i] >> 8;
  }
  loaded = load_artifacts(quantized(art.model_json, {{"dtype", "uint16"}, {"scale", 0.5}, {"min", 2.0}}), bytes);
  const auto w16 = all_weights(*loaded);
  for (std::size_t i = 0; i < q16.size(); ++i) REQUIRE(w16[i] == static_cast<float>(q16[i]) * 0.5f + 2.0f);
}

TEST_CASE("float16 weights decode normal, subnormal and signed half floats exactly", "[model][io]") {
  set_global_seed(4);
  auto model = small_dense();
  const ModelArtifacts art = save_artifacts(*model);
  // 1, -2, 0.5, 65504 (largest half), 2^-14 (smallest normal), 2^-24 (smallest subnormal),
  // -0, 1 + 2^-10, 3 * 2^-24.
  const std::vector<std::uint16_t> halves = {0x3c00, 0xc000, 0x3800, 0x7bff, 0x0400, 0x0001, 0x8000, 0x3c01, 0x0003};
  const std::vector<float> expected = {1.0f, -2.0f, 0.5f, 65504.0f, std::ldexp(1.0f, -14), std::ldexp(1.0f, -24),
                                       -0.0f, 1.0f + std::ldexp(1.0f, -10), 3 * std::ldexp(1.0f, -24)};
  std::vector<std::uint8_t> bytes(halves.size() * 2);
  for (std::size_t i = 0; i < halves.size(); ++i) {
    bytes[2 * i] = halves[i] & 0xff;
    bytes[2 * i + 1] = halves[i] >> 8;
  }
  auto loaded = load_artifacts(quantized(art.model_json, {{"dtype", "float16"}}), bytes);
  const auto w = all_weights(*loaded);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    REQUIRE(w[i] == expected[i]);
    REQUIRE(std::signbit(w[i]) == std::signbit(expected[i]));
  }
}

TEST_CASE("quantized manifests are checked: byte count, dtype and parameters", "[model][io]") {
  set_global_seed(5);
  auto model = small_dense();
  const ModelArtifacts art = save_artifacts(*model);
  const Json u8 = quantized(art.model_json, {{"dtype", "uint8"}, {"scale", 1.0}, {"min", 0.0}});
  REQUIRE_THROWS_WITH(load_artifacts(u8, art.weights), Catch::Contains("describes 9 bytes of weights, the weight data has 36"));
  REQUIRE_THROWS_WITH(load_artifacts(quantized(art.model_json, {{"dtype", "int8"}}), std::vector<std::uint8_t>(9)),
                      Catch::Contains("quantized as 'int8'; expected 'uint8', 'uint16' or 'float16'"));
  REQUIRE_THROWS_WITH(load_artifacts(quantized(art.model_json, {{"dtype", "uint8"}, {"min", 0.0}}), std::vector<std::uint8_t>(9)),
                      Catch::Contains("needs a finite 'scale'"));
}

TEST_CASE("a topology with unsupported classes names all of them in one error", "[model][io]") {
  set_global_seed(6);
  auto model = small_dense();
  ModelArtifacts art = save_artifacts(*model);
  Json& layers = art.model_json["modelTopology"]["config"]["layers"];
  layers.push_back({{"class_name", "LayerNormalization"}, {"config", Json::object()}});
  layers.push_back({{"class_name", "Bidirectional"},
                    {"config", {{"layer", {{"class_name", "ConvLSTM2D"}, {"config", Json::object()}}}}}});
  REQUIRE_THROWS_WITH(load_artifacts(art.model_json, art.weights),
                      Catch::Contains("unsupported layers: ConvLSTM2D, LayerNormalization (supported: Activation, Add"));
}
