// Bindings: layers (through the one registry), symbolic tensors, model construction.
#include <emscripten/bind.h>

#include "core/error.hpp"
#include "guard.hpp"
#include "js_convert.hpp"
#include "layers/registry.hpp"
#include "model/model.hpp"
#include "model/model_io.hpp"

using namespace emscripten;

namespace simdnn::bindings {
namespace {

std::shared_ptr<Layer> create_layer(const std::string& class_name, const std::string& config) {
  return guarded([&] {
    check(class_name != "Sequential" && class_name != "Functional" && class_name != "Model",
          "use sequential() or model() to create models");
    return LayerRegistry::create(class_name, parse_json(config, class_name.c_str()));
  });
}

val layer_class_names() {
  val out = val::array();
  for (const auto& n : LayerRegistry::names()) out.call<void>("push", n);
  return out;
}

std::string layer_config(Layer& layer) {
  return guarded([&] { return Json{{"class_name", layer.class_name()}, {"config", layer.config()}}.dump(); });
}

val layer_weights(Layer& layer) {
  return guarded([&] {
    val out = val::array();
    for (const Param& p : layer.params()) {
      val w = val::object();
      w.set("name", p.name);
      w.set("tensor", p.value->clone());
      w.set("trainable", p.trainable && layer.trainable());
      out.call<void>("push", w);
    }
    return out;
  });
}

void set_layer_weights(Layer& layer, const val& list) {
  guarded([&] {
    const auto tensors = tensors_from_js(list, "setWeights");
    auto params = layer.params();
    check(tensors.size() == params.size(), layer.context(), ": setWeights expected ", params.size(),
          " tensors, got ", tensors.size());
    for (std::size_t i = 0; i < params.size(); ++i)
      check(tensors[i].shape() == params[i].value->shape(), layer.context(), ": weight '",
            params[i].name, "' expected shape ", shape_text(params[i].value->shape()), ", got ",
            shape_text(tensors[i].shape()));
    for (std::size_t i = 0; i < params.size(); ++i) params[i].value->copy_from(tensors[i]);
  });
}

val symbolic_list(const std::vector<SymbolicTensor>& list) {
  val out = val::array();
  for (const auto& t : list) out.call<void>("push", val(t));  // see tensors_to_js
  return out;
}

std::vector<SymbolicTensor> symbolic_from_js(const val& list) {
  std::vector<SymbolicTensor> out;
  const unsigned n = list["length"].as<unsigned>();
  for (unsigned i = 0; i < n; ++i) out.push_back(list[i].as<SymbolicTensor>());
  return out;
}

val apply(const std::shared_ptr<Layer>& layer, const val& inputs) {
  return guarded([&] { return symbolic_list(apply_layer(layer, symbolic_from_js(inputs))); });
}

SymbolicTensor input(const val& shape, const std::string& name) {
  return guarded([&] { return make_input(shape_from_js(shape, "input"), name); });
}

std::shared_ptr<Model> sequential(const val& layers, const std::string& name) {
  return guarded([&] {
    std::vector<std::shared_ptr<Layer>> list;
    const unsigned n = layers["length"].as<unsigned>();
    for (unsigned i = 0; i < n; ++i) list.push_back(layers[i].as<std::shared_ptr<Layer>>());
    return Model::sequential(list, name);
  });
}

std::shared_ptr<Model> functional(const val& inputs, const val& outputs, const std::string& name) {
  return guarded([&] {
    return std::make_shared<Model>(symbolic_from_js(inputs), symbolic_from_js(outputs), name);
  });
}

std::shared_ptr<Model> as_model(const std::shared_ptr<Layer>& layer) {
  return std::dynamic_pointer_cast<Model>(layer);
}

val model_layers(Model& model) {
  return guarded([&] {
    val out = val::array();
    for (const auto& l : model.layers()) out.call<void>("push", val(l));
    return out;
  });
}

val shapes_to_js(const std::vector<Shape>& shapes) {
  val out = val::array();
  for (const auto& s : shapes) out.call<void>("push", shape_to_js(s));
  return out;
}

}  // namespace
}  // namespace simdnn::bindings

EMSCRIPTEN_BINDINGS(simdnn_layers) {
  using namespace simdnn;
  using namespace simdnn::bindings;
  class_<SymbolicTensor>("SymbolicTensor")
      .function("shape", +[](const SymbolicTensor& t) { return shape_to_js(t.shape); })
      .function("layerName", +[](const SymbolicTensor& t) { return t.node->layer->name(); });
  class_<Layer>("Layer")
      .smart_ptr<std::shared_ptr<Layer>>("LayerPtr")
      .function("name", +[](const Layer& l) { return l.name(); })
      .function("className", +[](const Layer& l) { return l.class_name(); })
      .function("configJson", &layer_config)
      .function("trainable", +[](const Layer& l) { return l.trainable(); })
      .function("setTrainable", +[](Layer& l, bool v) { l.set_trainable(v); })
      .function("countParams", +[](Layer& l) { return static_cast<double>(l.param_count()); })
      .function("built", +[](const Layer& l) { return l.built(); })
      .function("inputShapes", +[](const Layer& l) { return shapes_to_js(l.input_shapes()); })
      .function("outputShapes", +[](const Layer& l) { return shapes_to_js(l.output_shapes()); })
      .function("weights", &layer_weights)
      .function("setWeights", &set_layer_weights);
  class_<Model, base<Layer>>("Model")
      .smart_ptr<std::shared_ptr<Model>>("ModelPtr")
      .function("add", +[](Model& m, const std::shared_ptr<Layer>& l) { guarded([&] { m.add(l); }); })
      .function("layers", &model_layers)
      .function("summary", +[](Model& m, int width) { return guarded([&] { return m.summary(width); }); })
      .function("inputShapes", +[](const Model& m) { return shapes_to_js(m.model_input_shapes()); })
      .function("outputShapes", +[](const Model& m) { return shapes_to_js(m.model_output_shapes()); })
      .function("getLayer", +[](const Model& m, std::string name) {
        return guarded([&] { return m.find_layer(name); });
      })
      .function("inputTensors", +[](const Model& m) { return symbolic_list(m.input_tensors()); })
      .function("outputTensors", +[](const Model& m) { return symbolic_list(m.output_tensors()); })
      .function("layerOutputs", +[](const Model& m, std::string name) {
        return guarded([&] { return symbolic_list(m.layer_outputs(name)); });
      })
      .function("topologyJson", +[](const Model& m) {
        return guarded([&] { return model_topology(m).dump(); });
      });
  function("layerClassNames", &layer_class_names);
  function("createLayer", &create_layer);
  function("apply", &apply);
  function("input", &input);
  function("sequential", &sequential);
  function("functional", &functional);
  function("asModel", &as_model);
}
