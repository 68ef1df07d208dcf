#include "model/model_io.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <set>

#include "core/error.hpp"
#include "layers/registry.hpp"
#include "model/training_state.hpp"

namespace simdnn {
namespace {

Json layer_spec(const Layer& layer) {
  return Json{{"class_name", layer.class_name()}, {"config", layer.config()}};
}

Json batch_shape_json(const Shape& s) {
  Json j = Json::array({nullptr});
  for (int d : s) j.push_back(d);
  return j;
}

const Json& field(const Json& j, const char* key, const char* where) {
  check(j.is_object() && j.contains(key), "model file: ", where, " is missing '", key, "'");
  return j.at(key);
}

// [layer_name, node_index, tensor_index] as Keras writes them in input/output lists.
struct TensorRef {
  std::string layer;
  int node = 0;
  int tensor = 0;
};

bool is_ref(const Json& j) {
  return j.is_array() && j.size() >= 3 && j[0].is_string() && j[1].is_number_integer() &&
         j[2].is_number_integer();
}

TensorRef read_ref(const Json& j, const char* where) {
  check(is_ref(j), "model file: ", where, " entries must be [layer_name, node_index, tensor_index], got ",
        j.dump());
  return TensorRef{j[0].get<std::string>(), j[1].get<int>(), j[2].get<int>()};
}

// input_layers / output_layers: a list of refs, or (Keras 3, one tensor) the ref itself.
std::vector<TensorRef> read_ref_list(const Json& j, const char* where) {
  if (is_ref(j)) return {read_ref(j, where)};
  check(j.is_array() && !j.empty(), "model file: '", where, "' must be a non-empty list, got ", j.dump());
  std::vector<TensorRef> refs;
  for (const Json& entry : j) refs.push_back(read_ref(entry, where));
  return refs;
}

bool is_keras3_tensor(const Json& j) {
  return j.is_object() && j.value("class_name", "") == "__keras_tensor__";
}

// Keras 3 writes a call's arguments as they were passed: tensors as {"class_name":
// "__keras_tensor__", "config": {"keras_history": [layer, node, tensor], ...}}, possibly in a
// list (Concatenate, Add); other arguments are plain values.
void collect_keras3_tensors(const Json& j, std::vector<TensorRef>& refs) {
  if (is_keras3_tensor(j)) {
    const Json* config = j.contains("config") ? &j["config"] : nullptr;
    check(config && config->is_object() && config->contains("keras_history"),
          "model file: a Keras 3 tensor without keras_history: ", j.dump());
    refs.push_back(read_ref((*config)["keras_history"], "keras_history"));
  } else if (j.is_array()) {
    for (const Json& item : j) collect_keras3_tensors(item, refs);
  }
}

// One inbound node of a layer: tf.keras 2.x / TF.js write the list of input refs
// [[layer, node, tensor, kwargs], ...]; Keras 3 an object {"args": [...], "kwargs": {...}}.
std::vector<TensorRef> read_node(const Json& node, const std::string& layer) {
  std::vector<TensorRef> refs;
  if (node.is_object()) {
    check(node.contains("args") && node["args"].is_array(), "model file: a node of '", layer,
          "' must have a list 'args', got ", node.dump());
    collect_keras3_tensors(node["args"], refs);
    if (node.contains("kwargs") && node["kwargs"].is_object()) {
      for (const auto& [key, value] : node["kwargs"].items()) {
        std::vector<TensorRef> found;
        collect_keras3_tensors(value, found);
        check(found.empty(), "model file: '", layer, "' takes a tensor as keyword argument '", key,
              "' (e.g. a mask or an initial state), which is not supported");
      }
    }
    check(!refs.empty(), "model file: a node of '", layer, "' has no input tensors: ", node.dump());
    return refs;
  }
  check(node.is_array(), "model file: a node of '", layer, "' must be a list of inputs");
  for (const Json& ref_json : node) refs.push_back(read_ref(ref_json, "inbound_nodes"));
  return refs;
}

std::shared_ptr<Layer> sequential_from_config(const Json& config) {
  const Json& layers = field(config, "layers", "Sequential config");
  check(layers.is_array(), "model file: Sequential 'layers' must be a list");
  std::vector<std::shared_ptr<Layer>> built;
  std::optional<Shape> input_shape;
  for (const Json& spec : layers) {
    // tf.keras 2.x and Keras 3 open a Sequential with an InputLayer entry: its shape is the
    // first real layer's input shape.
    if (spec.is_object() && spec.value("class_name", "") == "InputLayer" && built.empty()) {
      input_shape = declared_input_shape("InputLayer", field(spec, "config", "InputLayer"));
      check(input_shape.has_value(), "model file: the Sequential's InputLayer has no input shape");
      continue;
    }
    built.push_back(layer_from_json(spec));
    if (input_shape && built.size() == 1) built[0]->set_declared_input_shape(*input_shape);
  }
  std::string name = config.contains("name") && config["name"].is_string() ? config["name"].get<std::string>() : "";
  return Model::sequential(built, name);
}

std::shared_ptr<Layer> functional_from_config(const Json& config) {
  const Json& layers = field(config, "layers", "Functional config");
  check(layers.is_array(), "model file: Functional 'layers' must be a list");
  std::map<std::string, std::shared_ptr<Layer>> by_name;
  std::map<std::pair<std::string, int>, std::vector<SymbolicTensor>> node_outputs;
  struct Pending {
    std::string layer;
    int node_index;
    const Json* inbound;
  };
  std::vector<Pending> pending;
  for (const Json& entry : layers) {
    const std::string cls = field(entry, "class_name", "layer entry").get<std::string>();
    const Json& cfg = field(entry, "config", "layer entry");
    const std::string name = entry.contains("name") ? entry["name"].get<std::string>()
                                                    : field(cfg, "name", "layer config").get<std::string>();
    check(!by_name.count(name), "model file: duplicate layer name '", name, "'");
    if (cls == "InputLayer") {
      auto shape = declared_input_shape(cls, cfg);
      check(shape.has_value(), "model file: InputLayer '", name, "' has no input shape");
      auto t = make_input(*shape, name);
      by_name[name] = t.node->layer;
      node_outputs[{name, 0}] = {t};
      continue;
    }
    by_name[name] = layer_from_json(Json{{"class_name", cls}, {"config", cfg}});
    const Json& inbound = field(entry, "inbound_nodes", "layer entry");
    check(inbound.is_array(), "model file: inbound_nodes of '", name, "' must be a list");
    for (std::size_t k = 0; k < inbound.size(); ++k)
      pending.push_back(Pending{name, static_cast<int>(k), &inbound[k]});
  }
  // Apply layers once all their inputs exist (Keras processes nodes in dependency order).
  while (!pending.empty()) {
    bool progress = false;
    for (auto it = pending.begin(); it != pending.end();) {
      std::vector<SymbolicTensor> inputs;
      bool ready = true;
      for (const TensorRef& ref : read_node(*it->inbound, it->layer)) {
        auto found = node_outputs.find({ref.layer, ref.node});
        if (found == node_outputs.end()) {
          check(by_name.count(ref.layer), "model file: '", it->layer, "' takes input from unknown layer '",
                ref.layer, "'");
          ready = false;
          break;
        }
        check(ref.tensor >= 0 && ref.tensor < static_cast<int>(found->second.size()),
              "model file: '", ref.layer, "' has no output ", ref.tensor);
        inputs.push_back(found->second[ref.tensor]);
      }
      if (!ready) {
        ++it;
        continue;
      }
      node_outputs[{it->layer, it->node_index}] = apply_layer(by_name[it->layer], inputs);
      it = pending.erase(it);
      progress = true;
    }
    check(progress, "model file: layer graph cannot be resolved (a cycle or a missing node)");
  }
  auto refs = [&](const char* key) {
    std::vector<SymbolicTensor> out;
    for (const TensorRef& ref : read_ref_list(field(config, key, "Functional config"), key)) {
      auto found = node_outputs.find({ref.layer, ref.node});
      check(found != node_outputs.end() && ref.tensor >= 0 &&
                ref.tensor < static_cast<int>(found->second.size()),
            "model file: '", key, "' refers to missing tensor ['", ref.layer, "', ", ref.node, ", ",
            ref.tensor, "]");
      out.push_back(found->second[ref.tensor]);
    }
    return out;
  };
  std::string name = config.contains("name") && config["name"].is_string() ? config["name"].get<std::string>() : "";
  return std::make_shared<Model>(refs("input_layers"), refs("output_layers"), name);
}

// TF.js manifest quantization: {"dtype": "uint8"|"uint16", "scale", "min"} or {"dtype": "float16"}.
void read_quantization(const Json& q, ManifestEntry& e) {
  check(q.is_object() && q.contains("dtype") && q["dtype"].is_string(), "model file: weight '", e.name,
        "' has a bad quantization ", q.dump());
  e.quantization = q["dtype"].get<std::string>();
  check(e.quantization == "uint8" || e.quantization == "uint16" || e.quantization == "float16",
        "model file: weight '", e.name, "' is quantized as '", e.quantization,
        "'; expected 'uint8', 'uint16' or 'float16'");
  check(e.dtype == "float32", "model file: weight '", e.name, "' is a quantized ", e.dtype,
        "; only float32 weights may be quantized");
  if (e.quantization == "float16") return;
  for (const char* key : {"scale", "min"})
    check(q.contains(key) && q[key].is_number() && std::isfinite(q[key].get<double>()), "model file: weight '",
          e.name, "' quantized as ", e.quantization, " needs a finite '", key, "', got ", q.dump());
  e.scale = q["scale"].get<float>();
  e.min = q["min"].get<float>();
}

// Every class in a topology (nested models and wrapped layers included) the registry lacks.
void collect_unsupported(const Json& spec, std::set<std::string>& out) {
  if (!spec.is_object() || !spec.contains("class_name") || !spec["class_name"].is_string()) return;
  const std::string cls = spec["class_name"].get<std::string>();
  if (cls != "InputLayer" && !LayerRegistry::contains(cls)) out.insert(cls);
  if (!spec.contains("config") || !spec["config"].is_object()) return;
  const Json& config = spec["config"];
  if (config.contains("layers") && config["layers"].is_array())
    for (const Json& inner : config["layers"]) collect_unsupported(inner, out);
  if (config.contains("layer")) collect_unsupported(config["layer"], out);
}

const bool registered_models = LayerRegistry::add("Sequential", sequential_from_config) &&
                               LayerRegistry::add("Functional", functional_from_config) &&
                               LayerRegistry::add("Model", functional_from_config);

void collect_weight_names(Layer& layer, std::vector<std::string>& names) {
  if (auto* model = dynamic_cast<Model*>(&layer)) {
    for (const auto& inner : model->layers()) collect_weight_names(*inner, names);
    return;
  }
  for (const Param& p : layer.params()) names.push_back(layer.name() + "/" + p.name);
}

}  // namespace

Json Model::config() const {
  Json config{{"name", name()}, {"trainable", trainable()}};
  Json layers_json = Json::array();
  if (sequential_) {
    bool first = true;
    for (const auto& n : order_) {
      Json spec = layer_spec(*n->layer);
      if (first && !inputs_.empty()) spec["config"]["batch_input_shape"] = batch_shape_json(inputs_[0].shape);
      first = false;
      layers_json.push_back(spec);
    }
    for (const auto& l : pending_) layers_json.push_back(layer_spec(*l));
    config["layers"] = layers_json;
    return config;
  }
  // Keras node_index: a layer's nodes within this model, numbered in creation order.
  std::map<const Node*, int> node_index;
  std::map<const Layer*, std::vector<const Node*>> nodes_of;
  for (const auto& n : input_nodes_) nodes_of[n->layer.get()].push_back(n.get());
  for (const auto& n : order_) nodes_of[n->layer.get()].push_back(n.get());
  for (auto& [layer, nodes] : nodes_of) {
    std::sort(nodes.begin(), nodes.end(), [](const Node* a, const Node* b) { return a->serial < b->serial; });
    for (std::size_t i = 0; i < nodes.size(); ++i) node_index[nodes[i]] = static_cast<int>(i);
  }
  auto ref = [&](const SymbolicTensor& t) {
    return Json::array({t.node->layer->name(), node_index.at(t.node.get()), t.index});
  };
  for (const auto& layer : layers()) {
    Json entry = layer_spec(*layer);
    entry["name"] = layer->name();
    Json inbound = Json::array();
    for (const Node* n : nodes_of[layer.get()]) {
      if (n->is_input()) continue;
      Json node_json = Json::array();
      for (const auto& in : n->inputs) {
        Json r = ref(in);
        r.push_back(Json::object());
        node_json.push_back(r);
      }
      inbound.push_back(node_json);
    }
    entry["inbound_nodes"] = inbound;
    layers_json.push_back(entry);
  }
  config["layers"] = layers_json;
  config["input_layers"] = Json::array();
  for (const auto& t : inputs_) config["input_layers"].push_back(ref(t));
  config["output_layers"] = Json::array();
  for (const auto& t : outputs_) config["output_layers"].push_back(ref(t));
  return config;
}

Json model_topology(const Model& model) { return layer_spec(model); }

std::shared_ptr<Layer> layer_from_json(const Json& spec) {
  check(spec.is_object(), "model file: a layer must be an object, got ", spec.dump().substr(0, 80));
  const Json& cls = field(spec, "class_name", "layer");
  check(cls.is_string(), "model file: class_name must be a string");
  const Json& config = field(spec, "config", "layer");
  return LayerRegistry::create(cls.get<std::string>(), config);
}

std::shared_ptr<Model> model_from_topology(const Json& topology) {
  std::set<std::string> unsupported;
  collect_unsupported(topology, unsupported);
  if (!unsupported.empty()) {
    std::string names;
    for (const auto& n : unsupported) names += (names.empty() ? "" : ", ") + n;
    std::string known;
    for (const auto& n : LayerRegistry::names()) known += (known.empty() ? "" : ", ") + n;
    fail("model file: unsupported layers: ", names, " (supported: ", known, ")");
  }
  auto layer = layer_from_json(topology);
  auto model = std::dynamic_pointer_cast<Model>(layer);
  check(model != nullptr, "model file: topology is a ", layer->class_name(),
        " layer, not a Sequential or Functional model");
  return model;
}

std::vector<std::string> weight_names(Model& model) {
  std::vector<std::string> names;
  for (const auto& layer : model.layers()) collect_weight_names(*layer, names);
  return names;
}

ModelArtifacts save_artifacts(Model& model, const std::string& weights_path) {
  ModelArtifacts out;
  const auto names = weight_names(model);
  const auto params = model.params();
  Json weights = Json::array();
  std::size_t bytes = 0;
  for (const Param& p : params) bytes += p.value->size() * sizeof(float);
  out.weights.resize(bytes);
  std::size_t offset = 0;
  for (std::size_t i = 0; i < params.size(); ++i) {
    weights.push_back({{"name", names[i]}, {"shape", params[i].value->shape()}, {"dtype", "float32"}});
    // wasm and x86 are little-endian, as the format requires.
    std::memcpy(out.weights.data() + offset, params[i].value->data(), params[i].value->size() * sizeof(float));
    offset += params[i].value->size() * sizeof(float);
  }
  out.model_json = {
      {"format", "layers-model"},
      {"generatedBy", "simdnn"},
      {"convertedBy", nullptr},
      {"modelTopology", model_topology(model)},
      {"weightsManifest", Json::array({{{"paths", Json::array({weights_path})}, {"weights", weights}}})}};
  return out;
}

std::vector<ManifestEntry> read_manifest(const Json& manifest, std::size_t byte_count) {
  check(manifest.is_array(), "model file: weightsManifest must be a list");
  std::vector<ManifestEntry> out;
  std::size_t offset = 0;
  for (const Json& group : manifest) {
    const Json& weights = field(group, "weights", "weightsManifest group");
    check(weights.is_array(), "model file: weightsManifest 'weights' must be a list");
    for (const Json& w : weights) {
      ManifestEntry e;
      e.name = field(w, "name", "weight").get<std::string>();
      e.dtype = w.contains("dtype") ? w["dtype"].get<std::string>() : "float32";
      e.group = w.contains("group") && w["group"].is_string() ? w["group"].get<std::string>() : "model";
      // TF.js stores the optimizer's iteration count as int32; model weights are float32.
      check(e.dtype == "float32" || (e.dtype == "int32" && e.group == "optimizer"), "model file: weight '",
            e.name, "' has dtype '", e.dtype, "'; only float32 weights are supported");
      if (w.contains("quantization") && !w["quantization"].is_null()) read_quantization(w["quantization"], e);
      const Json& shape_json = field(w, "shape", "weight");
      check(shape_json.is_array() && shape_json.size() <= 8, "model file: weight '", e.name, "' has a bad shape");
      std::size_t count = 1;
      for (const Json& d : shape_json) {
        check(d.is_number_integer() && d.get<long long>() >= 0 && d.get<long long>() <= (1 << 28),
              "model file: weight '", e.name, "' has a bad shape ", shape_json.dump());
        e.shape.push_back(d.get<int>());
        count *= static_cast<std::size_t>(d.get<int>());
        check(count <= (std::size_t(1) << 28), "model file: weight '", e.name, "' is too large");
      }
      e.count = count;
      e.offset = offset;
      offset += e.byte_count();
      out.push_back(std::move(e));
    }
  }
  check(offset == byte_count, "model file: the manifest describes ", offset,
        " bytes of weights, the weight data has ", byte_count);
  return out;
}

void load_weights(Model& model, const Json& manifest, std::span<const std::uint8_t> bytes) {
  std::map<std::string, ManifestEntry> entries;
  for (ManifestEntry& e : read_manifest(manifest, bytes.size())) {
    if (e.group == "optimizer") continue;
    check(!entries.count(e.name), "model file: duplicate weight '", e.name, "'");
    entries[e.name] = std::move(e);
  }
  const auto names = weight_names(model);
  const auto params = model.params();
  // Validate everything before writing anything, so a bad file leaves the model untouched.
  for (std::size_t i = 0; i < params.size(); ++i) {
    auto it = entries.find(names[i]);
    check(it != entries.end(), "model file: weight '", names[i], "' is missing");
    check(it->second.shape == params[i].value->shape(), "model file: weight '", names[i],
          "' expected shape ", shape_text(params[i].value->shape()), ", got ", shape_text(it->second.shape));
  }
  check(entries.size() == params.size(), "model file: has ", entries.size(), " weights, the model has ",
        params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    read_weight_values(entries.at(names[i]), bytes, params[i].value->data());
  }
}

std::shared_ptr<Model> load_artifacts(const Json& model_json, std::span<const std::uint8_t> weights) {
  try {
    check(model_json.is_object(), "model file: model.json must be an object");
    // tensorflowjs_converter --input_format keras nests the Keras model config, as
    // {"keras_version", "backend", "model_config": {...}, "training_config"}; TF.js unwraps it
    // and leaves that training_config unused, and so do we.
    const Json& topology = field(model_json, "modelTopology", "model.json");
    auto model = model_from_topology(topology.is_object() && topology.contains("model_config")
                                         ? field(topology, "model_config", "modelTopology")
                                         : topology);
    load_weights(*model, field(model_json, "weightsManifest", "model.json"), weights);
    // TF.js loadLayersModel compiles a model saved with its training config (and optimizer).
    if (model_json.contains("trainingConfig") && model_json["trainingConfig"].is_object())
      load_training_state(*model, model_json, weights);
    return model;
  } catch (const Json::exception& e) {
    // A typed read (get<std::string>() on a number, ...) of a field no check covered: still a
    // bad file, reported as one rather than as a JSON library error.
    std::string detail = e.what();
    if (const auto end = detail.find("] "); end != std::string::npos) detail.erase(0, end + 2);
    fail("model file: a field has the wrong type: ", detail);
  }
}

}  // namespace simdnn
