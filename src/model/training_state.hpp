#pragma once
// Training state in model files, as TF.js writes it with includeOptimizer: the optimizer's
// weights in the weights manifest (group "optimizer", TF.js names: "iter" as int32, then
// "<weight>/m", "<weight>/v", ... slot by slot) and the loss, metrics and optimizer config in
// model.json's "trainingConfig". simdnn adds what exact resumption needs and TF.js has no
// field for (the model's random state, a backup's epoch and history) under
// userDefinedMetadata.simdnn, which TF.js carries along untouched.
#include <cstdint>
#include <span>

#include "core/json.hpp"
#include "model/model_io.hpp"

namespace simdnn {

// model.json's userDefinedMetadata.simdnn, or null.
const Json* simdnn_metadata(const Json& model_json);

// save_artifacts plus, with include_optimizer and a compiled model, the training config,
// optimizer weights and random state; metadata (an object) goes into userDefinedMetadata.simdnn.
ModelArtifacts save_model_artifacts(Model& model, bool include_optimizer,
                                    const Json& metadata = Json::object());

// Compiles an uncompiled model from "trainingConfig" (Keras or TF.js spellings), then restores
// the optimizer weights (creating the optimizer's state if needed), the learning rate and the
// random state that the files hold. Weights must already be loaded (load_weights).
void load_training_state(Model& model, const Json& model_json, std::span<const std::uint8_t> weights);

// Loads model files into an existing model of the same architecture: weights matched by
// position (a re-created model may have other automatic layer names, as when Keras restores a
// backup), shapes checked; then, if the model is compiled, the optimizer and random state the
// files hold. `where` names the caller in errors. Used by BackupAndRestore and by
// model.loadWeights (a GAN page restores its three linked models this way).
void restore_model_files(Model& model, const Json& model_json, std::span<const std::uint8_t> weights,
                         const std::string& where);

// TF.js' name for an optimizer slot ("m" for Adam's "momentum"), else the Keras slot name.
std::string tfjs_slot_name(const std::string& optimizer, const std::string& keras_slot);

}  // namespace simdnn
