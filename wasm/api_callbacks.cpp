// Bindings: the engine's Keras callbacks, learning-rate schedules, checkpoint save/restore
// (model files with optimizer state) and the IO actions callbacks queue for the JS host.
#include <emscripten/bind.h>

#include "core/error.hpp"
#include "guard.hpp"
#include "js_convert.hpp"
#include "model/checkpoint_callbacks.hpp"
#include "model/lr_callbacks.hpp"
#include "model/training_state.hpp"
#include "optimizers/optimizer.hpp"
#include "optimizers/schedules.hpp"

using namespace emscripten;

namespace simdnn::bindings {
namespace {

template <typename T>
std::shared_ptr<Callback> from_config(const std::string& config, const char* what) {
  return guarded([&] { return std::static_pointer_cast<Callback>(T::from_config(parse_json(config, what))); });
}

std::vector<std::uint8_t> bytes_from_js(const val& data) {
  std::vector<std::uint8_t> bytes(data["length"].as<unsigned>());
  val(typed_memory_view(bytes.size(), bytes.data())).call<void>("set", data);
  return bytes;
}

val save_model_files(Model& model, bool include_optimizer, const std::string& metadata) {
  return guarded([&] {
    ModelArtifacts a = save_model_artifacts(model, include_optimizer, parse_json(metadata, "save metadata"));
    val out = val::object();
    out.set("modelJson", a.model_json.dump());
    // A copy: the vector dies with this call.
    out.set("weights", val::global("Uint8Array").new_(typed_memory_view(a.weights.size(), a.weights.data())));
    return out;
  });
}

}  // namespace
}  // namespace simdnn::bindings

EMSCRIPTEN_BINDINGS(simdnn_callbacks) {
  using namespace simdnn;
  using namespace simdnn::bindings;
  class_<LearningRateSchedule>("LearningRateSchedule")
      .smart_ptr<std::shared_ptr<LearningRateSchedule>>("LearningRateSchedulePtr")
      .function("className", +[](const LearningRateSchedule& s) { return s.class_name(); })
      .function("value", +[](const LearningRateSchedule& s, double step) {
        return guarded([&] {
          check(step >= 0 && step == static_cast<double>(static_cast<std::int64_t>(step)), s.class_name(),
                ": step must be an integer >= 0, got ", step);
          return s.value(static_cast<std::int64_t>(step));
        });
      })
      .function("specJson", +[](const LearningRateSchedule& s) { return s.to_json().dump(); });
  function("makeSchedule", +[](std::string name, std::string config) {
    return guarded([&] { return make_schedule(name, parse_json(config, name.c_str())); });
  });

  function("reduceLROnPlateau", +[](std::string c) { return from_config<ReduceLROnPlateau>(c, "reduceLROnPlateau"); });
  function("modelCheckpoint", +[](std::string c) { return from_config<ModelCheckpoint>(c, "modelCheckpoint"); });
  function("backupAndRestore", +[](std::string c) { return from_config<BackupAndRestore>(c, "backupAndRestore"); });
  function("csvLogger", +[](std::string c) { return from_config<CSVLogger>(c, "csvLogger"); });
  function("progressBar", +[](std::string c) { return from_config<ProgressBar>(c, "progressBar"); });
  function("terminateOnNaN", +[]() { return std::static_pointer_cast<Callback>(std::make_shared<TerminateOnNaN>()); });
  function("learningRateScheduler", +[](std::shared_ptr<LearningRateSchedule> s) {
    return guarded([&] { return std::static_pointer_cast<Callback>(std::make_shared<LearningRateScheduler>(s)); });
  });
  // Pending IO requests as a JSON list; "[]" when there are none (the common case per batch).
  function("callbackActions", +[](Callback& cb) {
    auto actions = cb.take_actions();
    return actions.empty() ? std::string("[]") : Json(actions).dump();
  });
  function("restoreBackup", +[](Callback& cb, Model& model, std::string model_json, val weights) {
    return guarded([&] {
      auto* backup = dynamic_cast<BackupAndRestore*>(&cb);
      check(backup != nullptr, "restoreBackup: not a BackupAndRestore callback");
      const auto bytes = bytes_from_js(weights);
      backup->restore(model, parse_json(model_json, "backup model.json"), bytes);
      return backup->restored_epoch();
    });
  });
  function("restoreModelFiles", +[](Model& model, std::string model_json, val weights) {
    guarded([&] {
      const auto bytes = bytes_from_js(weights);
      // Every refusal names the call: the file-level checks below do not know it.
      try {
        restore_model_files(model, parse_json(model_json, "model.json"), bytes, "the model.json");
      } catch (const std::exception& e) {
        fail(model.name(), ".loadWeights: ", e.what());
      }
    });
  });
  function("saveModelFiles", &save_model_files);
  function("modelOptimizer", +[](const Model& model) { return model.compiled() ? model.optimizer_handle() : nullptr; });
}
