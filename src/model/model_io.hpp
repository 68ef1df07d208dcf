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
// Refuses a topology naming any layer class the registry lacks, listing all of them at once.
std::shared_ptr<Model> model_from_topology(const Json& topology);

// Weight names as TF.js writes them: "<layer name>/<weight name>", in params() order.
std::vector<std::string> weight_names(Model& model);

ModelArtifacts save_artifacts(Model& model, const std::string& weights_path = "weights.bin");

// One weightsManifest entry with the position of its bytes in the concatenated weight data.
struct ManifestEntry {
  std::string name;
  Shape shape;
  std::size_t count = 0;   // values
  std::string dtype;       // "float32" or "int32"
  std::string group;       // TF.js weight group: "model" (also when absent) or "optimizer"
  std::size_t offset = 0;  // bytes
  // TF.js weight quantization: "" (none), "uint8"/"uint16" (value = q * scale + min) or
  // "float16" (IEEE half floats).
  std::string quantization;
  float scale = 1.0f;
  float min = 0.0f;
  std::size_t byte_count() const;
};
// The entry's values as float32, dequantized; `bytes` is the whole concatenated weight data.
void read_weight_values(const ManifestEntry& entry, std::span<const std::uint8_t> bytes, float* out);
// Validates the manifest against the byte count; entries in file order.
std::vector<ManifestEntry> read_manifest(const Json& weights_manifest, std::size_t byte_count);
// Reads model.json (as JSON) and the concatenated bytes of its weight files.
std::shared_ptr<Model> load_artifacts(const Json& model_json, std::span<const std::uint8_t> weights);
// Assigns weights to an existing model by name; every model weight must be present.
// Optimizer weights (group "optimizer") are left to load_training_state.
void load_weights(Model& model, const Json& weights_manifest, std::span<const std::uint8_t> weights);

}  // namespace simdnn
