#pragma once
// Model files in the TF.js Layers format: a model.json holding the Keras topology and a
// weights manifest, plus one binary file of little-endian float32 weights. Keras users
// produce the same format with tensorflowjs_converter.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "model/model.hpp"

namespace simdnn {

struct ModelArtifacts {
  Json model_json;                   // {"format", "modelTopology", "weightsManifest", ...}
  std::vector<std::uint8_t> weights;  // the bytes of "weights.bin"
};

// Keras topology: {"class_name": "Sequential" | "Functional", "config": {...}}.
Json model_topology(const Model& model);
// Rebuilds a model (or any layer) from a Keras {"class_name", "config"} object.
std::shared_ptr<Layer> layer_from_json(const Json& spec);
std::shared_ptr<Model> model_from_topology(const Json& topology);

// Weight names as TF.js writes them: "<layer name>/<weight name>", in params() order.
std::vector<std::string> weight_names(Model& model);

ModelArtifacts save_artifacts(Model& model, const std::string& weights_path = "weights.bin");
// Reads model.json (as JSON) and the concatenated bytes of its weight files.
std::shared_ptr<Model> load_artifacts(const Json& model_json, std::span<const std::uint8_t> weights);
// Assigns weights to an existing model by name; every model weight must be present.
void load_weights(Model& model, const Json& weights_manifest, std::span<const std::uint8_t> weights);

}  // namespace simdnn
