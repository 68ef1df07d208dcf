// Keras 3 functional topologies: inbound nodes written as call arguments ({"args": [...],
// "kwargs": {...}} with "__keras_tensor__" entries), single refs for input_layers /
// output_layers, module / registered_name / build_config fields and DTypePolicy dtypes.
// The fixture is written by hand from Keras 3's get_config output (no Python here); the
// same graph in tf.keras 2 form must load to the same model.
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "model/model.hpp"
#include "model/model_io.hpp"

using namespace simdnn;

namespace {

Json tensor(const char* layer, int node = 0, int index = 0) {
  return {{"class_name", "__keras_tensor__"},
          {"config", {{"shape", {nullptr, 3}}, {"dtype", "float32"}, {"keras_history", {layer, node, index}}}}};
}

Json keras3_layer(const char* cls, const char* name, Json config, Json args) {
  config["name"] = name;
  config["trainable"] = true;
  config["dtype"] = {{"module", "keras"}, {"class_name", "DTypePolicy"}, {"config", {{"name", "float32"}}},
                     {"registered_name", nullptr}};
  Json entry = {{"module", "keras.layers"}, {"class_name", cls}, {"config", config},
                {"registered_name", nullptr}, {"name", name},
                {"build_config", {{"input_shape", {nullptr, 4}}}}};
  entry["inbound_nodes"] = Json::array({{{"args", args}, {"kwargs", Json::object()}}});
  return entry;
}

Json dense_config(int units, const char* activation) {
  return {{"units", units}, {"activation", activation}, {"use_bias", true},
          {"kernel_initializer", {{"module", "keras.initializers"}, {"class_name", "GlorotUniform"},
                                  {"config", {{"seed", nullptr}}}, {"registered_name", nullptr}}},
          {"bias_initializer", {{"module", "keras.initializers"}, {"class_name", "Zeros"},
                                {"config", Json::object()}, {"registered_name", nullptr}}},
          {"kernel_regularizer", nullptr}, {"bias_regularizer", nullptr}, {"activity_regularizer", nullptr},
          {"kernel_constraint", nullptr}, {"bias_constraint", nullptr}};
}

// input (4) -> a: Dense 3 relu, b: Dense 3 tanh -> Concatenate -> out: Dense 2 softmax
Json keras3_topology(Json input_layers, Json output_layers) {
  Json layers = Json::array();
  layers.push_back({{"module", "keras.layers"}, {"class_name", "InputLayer"},
                    {"config", {{"batch_shape", {nullptr, 4}}, {"dtype", "float32"}, {"sparse", false},
                                {"name", "input_layer"}}},
                    {"registered_name", nullptr}, {"name", "input_layer"}, {"inbound_nodes", Json::array()}});
  layers.push_back(keras3_layer("Dense", "a", dense_config(3, "relu"), Json::array({tensor("input_layer")})));
  layers.push_back(keras3_layer("Dense", "b", dense_config(3, "tanh"), Json::array({tensor("input_layer")})));
  layers.push_back(keras3_layer("Concatenate", "concatenate", {{"axis", -1}},
                                Json::array({Json::array({tensor("a"), tensor("b")})})));
  layers.push_back(keras3_layer("Dense", "out", dense_config(2, "softmax"), Json::array({tensor("concatenate")})));
  return {{"module", "keras"}, {"class_name", "Functional"}, {"registered_name", "Functional"},
          {"config", {{"name", "functional"}, {"trainable", true}, {"layers", layers},
                      {"input_layers", input_layers}, {"output_layers", output_layers}}}};
}

Json keras2_topology() {
  auto ref = [](const char* layer) { return Json::array({layer, 0, 0, Json::object()}); };
  auto entry = [](const char* cls, const char* name, Json config, Json node) {
    config["name"] = name;
    return Json{{"class_name", cls}, {"name", name}, {"config", config},
                {"inbound_nodes", Json::array({node})}};
  };
  Json layers = Json::array();
  layers.push_back({{"class_name", "InputLayer"}, {"name", "input_layer"},
                    {"config", {{"batch_input_shape", {nullptr, 4}}, {"name", "input_layer"}}},
                    {"inbound_nodes", Json::array()}});
  layers.push_back(entry("Dense", "a", {{"units", 3}, {"activation", "relu"}}, Json::array({ref("input_layer")})));
  layers.push_back(entry("Dense", "b", {{"units", 3}, {"activation", "tanh"}}, Json::array({ref("input_layer")})));
  layers.push_back(entry("Concatenate", "concatenate", {{"axis", -1}}, Json::array({ref("a"), ref("b")})));
  layers.push_back(entry("Dense", "out", {{"units", 2}, {"activation", "softmax"}}, Json::array({ref("concatenate")})));
  return {{"class_name", "Functional"},
          {"config", {{"name", "functional"}, {"layers", layers},
                      {"input_layers", {{"input_layer", 0, 0}}}, {"output_layers", {{"out", 0, 0}}}}}};
}

}  // namespace

TEST_CASE("Keras 3 functional topologies load like their tf.keras 2 form", "[model][io]") {
  set_global_seed(5);
  auto legacy = model_from_topology(keras2_topology());
  for (const Json& ends : {Json::array({Json::array({"input_layer", 0, 0}), Json::array({"out", 0, 0})}),
                           Json::array({Json::array({Json::array({"input_layer", 0, 0})}),
                                        Json::array({Json::array({"out", 0, 0})})})}) {
    INFO("input_layers " << ends[0].dump() << ", output_layers " << ends[1].dump());
    auto keras3 = model_from_topology(keras3_topology(ends[0], ends[1]));
    REQUIRE(weight_names(*keras3) == weight_names(*legacy));
    keras3->set_weights(legacy->get_weights());
    const Tensor x = Tensor::from({3, 4}, std::vector<float>{0.5f, -1, 2, 0, 1, 1, -0.5f, 0.25f, -2, 0.1f, 0.3f, 0.7f});
    const Tensor expected = legacy->predict({x})[0];
    const Tensor got = keras3->predict({x})[0];
    REQUIRE(got.shape() == expected.shape());
    for (std::size_t i = 0; i < got.size(); ++i) CHECK(got.data()[i] == expected.data()[i]);
  }
}

TEST_CASE("Keras 3 nodes with tensor keyword arguments or no tensors are refused clearly",
          "[model][io]") {
  Json topology = keras3_topology(Json::array({"input_layer", 0, 0}), Json::array({"out", 0, 0}));
  Json& node_b = topology["config"]["layers"][2]["inbound_nodes"][0];
  SECTION("a mask passed as a keyword") {
    node_b["kwargs"]["mask"] = tensor("a");
    CHECK_THROWS_WITH(model_from_topology(topology),
                      Catch::Contains("'b'") && Catch::Contains("keyword argument 'mask'"));
  }
  SECTION("no tensor among the arguments") {
    node_b["args"] = Json::array({1, 2});
    CHECK_THROWS_WITH(model_from_topology(topology),
                      Catch::Contains("'b'") && Catch::Contains("no input tensors"));
  }
  SECTION("a tensor without its history") {
    node_b["args"][0]["config"].erase("keras_history");
    CHECK_THROWS_WITH(model_from_topology(topology), Catch::Contains("keras_history"));
  }
  SECTION("an output ref naming a missing layer") {
    topology["config"]["output_layers"] = Json::array({"nope", 0, 0});
    CHECK_THROWS_WITH(model_from_topology(topology), Catch::Contains("output_layers") && Catch::Contains("nope"));
  }
}
