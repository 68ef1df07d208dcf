#include "model/training_state.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "losses/loss.hpp"
#include "optimizers/optimizer.hpp"

namespace simdnn {
namespace {

void append_bytes(std::vector<std::uint8_t>& out, const void* data, std::size_t n) {
  const auto* p = static_cast<const std::uint8_t*>(data);
  out.insert(out.end(), p, p + n);
}

// Optimizer names and config keys as TF.js writes them, mapped to the Keras ones.
Json keras_optimizer_config(std::string& class_name, const Json& config) {
  static const std::map<std::string, std::string> classes = {{"RMSProp", "RMSprop"}, {"Momentum", "SGD"}};
  static const std::map<std::string, std::string> keys = {
      {"learningRate", "learning_rate"}, {"beta1", "beta_1"}, {"beta2", "beta_2"},
      {"initialAccumulatorValue", "initial_accumulator_value"}, {"useNesterov", "nesterov"}};
  const bool tfjs = classes.count(class_name) > 0 || (config.is_object() && config.contains("learningRate"));
  if (auto it = classes.find(class_name); it != classes.end()) class_name = it->second;
  if (!tfjs || !config.is_object()) return config;
  Json out = Json::object();
  for (const auto& [k, v] : config.items()) {
    if (v.is_null()) continue;  // TF.js writes epsilon: null for "the backend's default"
    std::string key = k;
    if (auto it = keys.find(k); it != keys.end()) key = it->second;
    if (class_name == "RMSprop" && k == "decay") key = "rho";
    out[key] = v;
  }
  return out;
}

std::vector<std::string> string_list(const Json& j, const char* what) {
  std::vector<std::string> out;
  if (j.is_string()) return {j.get<std::string>()};
  if (j.is_array()) {
    for (const Json& x : j) {
      check(x.is_string(), "model file: trainingConfig ", what, " must be names, got ", x.dump());
      out.push_back(x.get<std::string>());
    }
    return out;
  }
  if (j.is_object()) {  // per output name, as Keras writes dicts
    for (const auto& [k, v] : j.items()) {
      auto inner = string_list(v, what);
      out.insert(out.end(), inner.begin(), inner.end());
    }
    return out;
  }
  check(j.is_null(), "model file: trainingConfig ", what, " must be a name or a list, got ", j.dump());
  return out;
}

void compile_from_training_config(Model& model, const Json& tc) {
  check(tc.contains("optimizer_config") && tc["optimizer_config"].is_object(),
        "model file: trainingConfig has no optimizer_config");
  const Json& oc = tc["optimizer_config"];
  check(oc.contains("class_name") && oc["class_name"].is_string(),
        "model file: optimizer_config needs a class_name");
  std::string cls = oc["class_name"].get<std::string>();
  const Json config = keras_optimizer_config(cls, oc.value("config", Json::object()));
  CompileOptions o;
  o.optimizer = std::shared_ptr<Optimizer>(make_optimizer(cls, config));
  for (const auto& name : string_list(tc.value("loss", Json(nullptr)), "loss"))
    o.losses.push_back(std::shared_ptr<Loss>(make_loss(name)));
  check(!o.losses.empty(), "model file: trainingConfig has no loss");
  // Keras writes metrics per output; the engine applies one list to every output.
  std::vector<std::string> metrics = string_list(tc.value("metrics", Json(nullptr)), "metrics");
  for (const auto& m : metrics)
    if (std::find(o.metrics.begin(), o.metrics.end(), m) == o.metrics.end()) o.metrics.push_back(m);
  if (tc.contains("loss_weights") && tc["loss_weights"].is_array())
    for (const Json& w : tc["loss_weights"]) o.loss_weights.push_back(w.get<float>());
  model.compile(o);
}

// Weight names ("dense_1/kernel") of the params compile() snapshotted, in its order.
std::vector<std::string> trainable_names(Model& model) {
  std::map<const Tensor*, std::string> by_value;
  const auto names = weight_names(model);
  const auto params = model.params();
  for (std::size_t i = 0; i < params.size(); ++i) by_value[params[i].value] = names[i];
  std::vector<std::string> out;
  for (const Param& p : model.trainable_params()) out.push_back(by_value.at(p.value));
  return out;
}

}  // namespace

std::string tfjs_slot_name(const std::string& optimizer, const std::string& slot) {
  static const std::map<std::pair<std::string, std::string>, std::string> names = {
      {{"Adam", "momentum"}, "m"},          {{"Adam", "velocity"}, "v"},
      {{"AdamW", "momentum"}, "m"},         {{"AdamW", "velocity"}, "v"},
      {{"RMSprop", "velocity"}, "rms"},     {{"RMSprop", "average_gradient"}, "mg"},
      {{"Adadelta", "accumulated_grad"}, "accum_grad"},
      {{"Adadelta", "accumulated_delta_var"}, "accum_var"}};
  auto it = names.find({optimizer, slot});
  return it == names.end() ? slot : it->second;
}

const Json* simdnn_metadata(const Json& model_json) {
  if (!model_json.is_object() || !model_json.contains("userDefinedMetadata")) return nullptr;
  const Json& meta = model_json["userDefinedMetadata"];
  if (!meta.is_object() || !meta.contains("simdnn") || !meta["simdnn"].is_object()) return nullptr;
  return &meta["simdnn"];
}

ModelArtifacts save_model_artifacts(Model& model, bool include_optimizer, const Json& metadata) {
  ModelArtifacts a = save_artifacts(model);
  check(metadata.is_object(), "save: metadata must be an object");
  Json simdnn = metadata;
  if (include_optimizer && model.compiled()) {
    const CompileOptions& c = model.compile_options();
    Optimizer& opt = model.optimizer();
    Json loss = Json::array();
    for (const auto& l : c.losses) loss.push_back(l->name());
    Json tc{{"loss", loss.size() == 1 ? loss[0] : loss},
            {"metrics", c.metrics},
            {"optimizer_config", Json{{"class_name", opt.name()}, {"config", opt.config()}}}};
    if (!c.loss_weights.empty()) tc["loss_weights"] = c.loss_weights;
    a.model_json["trainingConfig"] = tc;

    Json& specs = a.model_json["weightsManifest"][0]["weights"];
    const auto iterations = static_cast<std::int32_t>(opt.iterations());
    specs.push_back(Json{{"name", "iter"}, {"shape", Json::array()}, {"dtype", "int32"}, {"group", "optimizer"}});
    append_bytes(a.weights, &iterations, sizeof iterations);
    if (opt.built()) {
      const auto names = trainable_names(model);
      check(opt.updated_count() == names.size(), model.context(), ": the optimizer updates ",
            opt.updated_count(), " weights but compile() chose ", names.size());
      const auto slots = opt.slot_names();
      for (std::size_t s = 0; s < slots.size(); ++s)
        for (std::size_t k = 0; k < names.size(); ++k) {
          const Tensor& t = opt.state_slot(k, s);
          specs.push_back(Json{{"name", names[k] + "/" + tfjs_slot_name(opt.name(), slots[s])},
                               {"shape", t.shape()}, {"dtype", "float32"}, {"group", "optimizer"}});
          append_bytes(a.weights, t.data(), t.size() * sizeof(float));
        }
    }
    const auto rng = model.rng().state();
    simdnn["rng_state"] = Json::array({rng[0], rng[1], rng[2], rng[3]});
  }
  if (!simdnn.empty()) a.model_json["userDefinedMetadata"] = Json{{"simdnn", simdnn}};
  return a;
}

void load_training_state(Model& model, const Json& model_json, std::span<const std::uint8_t> bytes) {
  const bool has_config = model_json.contains("trainingConfig") && model_json["trainingConfig"].is_object();
  if (has_config && !model.compiled()) compile_from_training_config(model, model_json["trainingConfig"]);
  if (!model.compiled()) return;
  Optimizer& opt = model.optimizer();
  if (has_config) {
    const Json& oc = model_json["trainingConfig"].value("optimizer_config", Json::object());
    std::string cls = oc.value("class_name", opt.name());
    const Json config = keras_optimizer_config(cls, oc.value("config", Json::object()));
    check(cls == opt.name(), model.context(), ": the model files hold ", cls,
          " optimizer state, the model is compiled with ", opt.name());
    // The rate in force when the files were written (ReduceLROnPlateau may have changed it).
    if (!opt.schedule() && config.contains("learning_rate") && config["learning_rate"].is_number())
      opt.set_learning_rate(config["learning_rate"].get<float>());
  }
  std::map<std::string, ManifestEntry> entries;
  for (auto& e : read_manifest(model_json.at("weightsManifest"), bytes.size()))
    if (e.group == "optimizer") entries[e.name] = e;
  if (!entries.empty()) {
    auto iter = entries.find("iter");
    check(iter != entries.end() && iter->second.count == 1, model.context(),
          ": the optimizer weights have no scalar 'iter'");
    std::int32_t iterations = 0;
    if (iter->second.dtype == "int32") {
      std::memcpy(&iterations, bytes.data() + iter->second.offset, 4);
    } else {
      float f = 0;
      std::memcpy(&f, bytes.data() + iter->second.offset, 4);
      iterations = static_cast<std::int32_t>(f);
    }
    if (!opt.built()) opt.build(model.trainable_params());
    const auto names = trainable_names(model);
    const auto slots = opt.slot_names();
    // Check every slot before writing any, so a mismatched file leaves the optimizer as it was.
    std::vector<std::pair<Tensor*, const ManifestEntry*>> plan;
    for (std::size_t s = 0; s < slots.size(); ++s)
      for (std::size_t k = 0; k < names.size(); ++k) {
        const std::string name = names[k] + "/" + tfjs_slot_name(opt.name(), slots[s]);
        auto it = entries.find(name);
        check(it != entries.end(), model.context(), ": optimizer weight '", name, "' is missing from the model files");
        Tensor& t = opt.state_slot(k, s);
        check(it->second.dtype == "float32" && it->second.count == t.size(), model.context(),
              ": optimizer weight '", name, "' expected shape ", shape_text(t.shape()), ", got ",
              shape_text(it->second.shape));
        plan.emplace_back(&t, &it->second);
      }
    // Extra entries are allowed: TF.js RMSProp and Adagrad-style optimizers write accumulators
    // (e.g. RMSProp's momentum at momentum 0) that the Keras rule never reads.
    for (auto& [t, e] : plan) read_weight_values(*e, bytes, t->data());
    opt.set_iterations(iterations);
  }
  if (const Json* meta = simdnn_metadata(model_json); meta && meta->contains("rng_state")) {
    const Json& s = (*meta)["rng_state"];
    check(s.is_array() && s.size() == 4, model.context(), ": userDefinedMetadata.simdnn.rng_state must be 4 integers");
    model.rng().set_state({s[0].get<std::uint32_t>(), s[1].get<std::uint32_t>(), s[2].get<std::uint32_t>(),
                           s[3].get<std::uint32_t>()});
  }
}

void restore_model_files(Model& model, const Json& model_json, std::span<const std::uint8_t> weights,
                         const std::string& where) {
  check(model_json.is_object() && model_json.contains("weightsManifest"), where, " has no weightsManifest");
  Json files = model_json;
  const auto current = weight_names(model);
  std::vector<std::string> saved;
  for (const auto& e : read_manifest(files["weightsManifest"], weights.size()))
    if (e.group != "optimizer") saved.push_back(e.name);
  check(saved.size() == current.size(), where, " holds ", saved.size(), " weights, the model '", model.name(),
        "' has ", current.size(), " (a different architecture?)");
  std::map<std::string, std::string> renamed;
  for (std::size_t i = 0; i < saved.size(); ++i) renamed[saved[i]] = current[i];
  for (Json& group : files["weightsManifest"])
    for (Json& w : group["weights"]) {
      const std::string name = w["name"].get<std::string>();
      const bool optimizer_slot = w.value("group", "") == "optimizer";
      const std::size_t cut = optimizer_slot ? name.rfind('/') : std::string::npos;
      const std::string weight = cut == std::string::npos ? name : name.substr(0, cut);
      if (auto it = renamed.find(weight); it != renamed.end())
        w["name"] = it->second + (cut == std::string::npos ? "" : name.substr(cut));
    }
  load_weights(model, files["weightsManifest"], weights);
  // An uncompiled model takes the weights only: loading weights must not compile it.
  if (model.compiled()) load_training_state(model, files, weights);
}

}  // namespace simdnn
