// Hostile input the engine must refuse with a clear simdnn::Error (found by the bad-input suite
// and the fuzz targets): shape products that overflow, JSON nested without bound, model files
// whose fields have the wrong JSON type, layer names that would cut error messages, layers
// whose output no batch could hold.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

#include "core/error.hpp"
#include "core/json_parse.hpp"
#include "core/shape.hpp"
#include "layers/registry.hpp"
#include "model/model_io.hpp"

using namespace simdnn;
using Catch::Matchers::Contains;

TEST_CASE("shape_size refuses products that overflow size_t", "[hardening]") {
  const int big = std::numeric_limits<int>::max();
  Shape shape{big, big};
  for (int i = 0; i < 3; ++i) shape.push_back(big);  // more than 64 bits of product
  CHECK_THROWS_WITH(shape_size(shape), Contains("more elements than this platform can address"));
  CHECK(shape_size(Shape{0, big, big, big}) == 0);
  CHECK(shape_size(Shape{3, 4}) == 12);
}

TEST_CASE("parse_json_text refuses invalid text and deep nesting", "[hardening]") {
  CHECK_THROWS_WITH(parse_json_text("{\"a\": ", "model.json"), "model.json: invalid JSON");
  const std::string deep = std::string(kMaxJsonDepth + 5, '[') + std::string(kMaxJsonDepth + 5, ']');
  CHECK_THROWS_WITH(parse_json_text(deep, "model.json"), Contains("nested deeper than"));
  const std::string ok = std::string(kMaxJsonDepth - 1, '[') + std::string(kMaxJsonDepth - 1, ']');
  CHECK(parse_json_text(ok, "model.json").is_array());
}

TEST_CASE("a model file with a wrongly typed field is a model-file Error", "[hardening]") {
  const Json dense_input = Json::array({nullptr, 3});
  Json model_json = {
      {"modelTopology",
       {{"class_name", "Sequential"},
        {"config",
         {{"layers", Json::array({{{"class_name", "Dense"},
                                   {"config", {{"units", 2}, {"batch_input_shape", dense_input}}}}})}}}}},
      {"weightsManifest", Json::array({{{"paths", {"weights.bin"}},
                                        {"weights", Json::array({{{"name", 7}, {"shape", {3, 2}}}})}}})}};
  CHECK_THROWS_WITH(load_artifacts(model_json, {}), Contains("model file: a field has the wrong type"));
  model_json["weightsManifest"][0]["weights"][0]["name"] = "dense/kernel";
  model_json["weightsManifest"][0]["weights"][0]["dtype"] = 32;
  CHECK_THROWS_WITH(load_artifacts(model_json, {}), Contains("model file:"));
}

TEST_CASE("layer names with control characters are refused, the message intact", "[hardening]") {
  const Json config = {{"units", 2}, {"name", std::string("a\0b", 3)}};
  CHECK_THROWS_WITH(LayerRegistry::create("Dense", config),
                    Contains("option 'name' must be a string without control characters") &&
                        Contains("\\u0000"));
}

TEST_CASE("a layer whose output no batch could hold is refused when built, naming it", "[hardening]") {
  const Json topology = {
      {"class_name", "Sequential"},
      {"config",
       {{"layers", Json::array({{{"class_name", "ZeroPadding2D"},
                                 {"config",
                                  {{"name", "pad"},
                                   {"padding", {{1000000000, 1000000000}, {1000000000, 1000000000}}},
                                   {"batch_input_shape", {nullptr, 4, 4, 1}}}}}})}}}};
  CHECK_THROWS_WITH(model_from_topology(topology), Contains("ZeroPadding2D 'pad'") && Contains("too large"));
}
