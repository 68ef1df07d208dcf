// Bindings: optimizers, losses, compile, the per-batch fit loop, predict/evaluate,
// callbacks and model files.
#include <emscripten/bind.h>

#include "core/error.hpp"
#include "guard.hpp"
#include "js_convert.hpp"
#include "losses/loss.hpp"
#include "model/callbacks.hpp"
#include "model/fit_loop.hpp"
#include "model/model_io.hpp"
#include "optimizers/optimizer.hpp"

using namespace emscripten;

namespace simdnn::bindings {
namespace {

std::shared_ptr<Optimizer> make_optimizer_js(const std::string& name, const std::string& config) {
  return guarded([&] {
    return std::shared_ptr<Optimizer>(make_optimizer(name, parse_json(config, "optimizer")));
  });
}

// losses: [{"name": ..., "config": {...}}], metrics: ["accuracy", ...], loss_weights: [..] or null
void compile(Model& model, const std::shared_ptr<Optimizer>& optimizer, const std::string& options_json) {
  guarded([&] {
    const Json options = parse_json(options_json, "compile");
    CompileOptions o;
    o.optimizer = optimizer;
    try {
      for (const Json& l : options.at("losses"))
        o.losses.push_back(std::shared_ptr<Loss>(make_loss(l.at("name").get<std::string>(),
                                                           l.value("config", Json::object()))));
    } catch (const Error& e) {
      fail(model.context(), ".compile: ", e.what());  // the loss factory does not know the model
    }
    for (const Json& m : options.at("metrics")) o.metrics.push_back(m.get<std::string>());
    if (options.contains("loss_weights")) {
      const Json& weights = options["loss_weights"];
      check(weights.is_array(), model.context(), ".compile: lossWeights must be a list of numbers, got ",
            weights.dump());
      for (const Json& w : weights) {
        check(w.is_number(), model.context(), ".compile: lossWeights must be numbers, got ", w.dump());
        o.loss_weights.push_back(w.get<float>());
      }
    }
    model.compile(o);
  });
}

// The fit loop keeps its model alive for as long as JS holds the loop.
struct JsFitLoop {
  std::shared_ptr<Model> model;
  std::unique_ptr<FitLoop> loop;
};

std::shared_ptr<JsFitLoop> start_fit(const std::shared_ptr<Model>& model, const val& x, const val& y,
                                     const std::string& options_json, const val& val_x, const val& val_y,
                                     const val& callbacks) {
  return guarded([&] {
    const Json options = parse_json(options_json, "fit");
    FitOptions o;
    o.epochs = options.value("epochs", 1);
    o.batch_size = options.value("batch_size", 32);
    o.shuffle = options.value("shuffle", true);
    o.validation_split = options.value("validation_split", 0.0f);
    o.initial_epoch = options.value("initial_epoch", 0);
    std::vector<std::shared_ptr<Callback>> cbs;
    const unsigned n = callbacks["length"].as<unsigned>();
    for (unsigned i = 0; i < n; ++i) cbs.push_back(callbacks[i].as<std::shared_ptr<Callback>>());
    auto xs = tensors_from_js(x, "fit inputs"), ys = tensors_from_js(y, "fit targets");
    std::vector<Tensor> vx, vy;
    const bool has_val = !val_x.isNull() && !val_x.isUndefined();
    if (has_val) {
      vx = tensors_from_js(val_x, "validation inputs");
      vy = tensors_from_js(val_y, "validation targets");
    }
    auto handle = std::make_shared<JsFitLoop>();
    handle->model = model;
    handle->loop = std::make_unique<FitLoop>(*model, xs, ys, o, cbs, has_val ? &vx : nullptr,
                                             has_val ? &vy : nullptr);
    handle->loop->begin();
    return handle;
  });
}

val history_to_js(const History& h) {
  val epochs = val::array();
  val series = val::object();
  for (std::size_t i = 0; i < h.logs.size(); ++i) {
    epochs.call<void>("push", h.epochs[i]);
    for (const auto& [k, v] : h.logs[i].entries()) {
      if (series[k].isUndefined()) series.set(k, val::array());
      series[k].call<void>("push", v);
    }
  }
  val out = val::object();
  out.set("epoch", epochs);
  out.set("history", series);
  return out;
}

val save_model(Model& model) {
  return guarded([&] {
    ModelArtifacts a = save_artifacts(model);
    val out = val::object();
    out.set("modelJson", a.model_json.dump());
    out.set("weights", val::global("Uint8Array").new_(typed_memory_view(a.weights.size(), a.weights.data())));
    return out;
  });
}

std::shared_ptr<Model> load_model(const std::string& model_json, const val& weights) {
  return guarded([&] {
    const Json j = parse_json(model_json, "model.json");
    const unsigned n = weights["length"].as<unsigned>();
    std::vector<std::uint8_t> bytes(n);
    val(typed_memory_view(bytes.size(), bytes.data())).call<void>("set", weights);
    return load_artifacts(j, bytes);
  });
}

}  // namespace
}  // namespace simdnn::bindings

EMSCRIPTEN_BINDINGS(simdnn_training) {
  using namespace simdnn;
  using namespace simdnn::bindings;
  class_<Optimizer>("Optimizer")
      .smart_ptr<std::shared_ptr<Optimizer>>("OptimizerPtr")
      .function("name", +[](const Optimizer& o) { return o.name(); })
      .function("learningRate", +[](const Optimizer& o) { return o.learning_rate(); })
      .function("setLearningRate", +[](Optimizer& o, float lr) { guarded([&] { o.set_learning_rate(lr); }); })
      .function("iterations", +[](const Optimizer& o) { return static_cast<double>(o.iterations()); })
      .function("configJson", +[](const Optimizer& o) { return guarded([&] { return o.config().dump(); }); });
  function("makeOptimizer", &make_optimizer_js);
  function("compile", &compile);

  class_<Callback>("Callback").smart_ptr<std::shared_ptr<Callback>>("CallbackPtr");
  function("earlyStopping", +[](std::string config) {
    return guarded([&] {
      return std::static_pointer_cast<Callback>(EarlyStopping::from_config(parse_json(config, "earlyStopping")));
    });
  });

  class_<JsFitLoop>("FitLoop")
      .smart_ptr<std::shared_ptr<JsFitLoop>>("FitLoopPtr")
      .function("beginEpoch", +[](JsFitLoop& f) { return guarded([&] { return f.loop->begin_epoch(); }); })
      .function("epoch", +[](const JsFitLoop& f) { return f.loop->epoch(); })
      .function("batchesPerEpoch", +[](const JsFitLoop& f) { return f.loop->batches_per_epoch(); })
      .function("samples", +[](const JsFitLoop& f) { return f.loop->samples(); })
      .function("runBatch", +[](JsFitLoop& f, int b) { return guarded([&] { return logs_to_js(f.loop->run_batch(b)); }); })
      .function("endEpoch", +[](JsFitLoop& f) { return guarded([&] { return logs_to_js(f.loop->end_epoch()); }); })
      .function("end", +[](JsFitLoop& f) { guarded([&] { f.loop->end(); }); })
      .function("stopped", +[](const JsFitLoop& f) { return f.loop->stopped(); })
      .function("history", +[](const JsFitLoop& f) { return history_to_js(f.loop->history()); });
  function("startFit", &start_fit);

  function("trainOnBatch", +[](Model& m, val x, val y) {
    return guarded([&] {
      m.reset_metrics();
      return logs_to_js(m.train_on_batch(tensors_from_js(x, "inputs"), tensors_from_js(y, "targets")));
    });
  });
  function("predict", +[](Model& m, val x, int batch_size) {
    return guarded([&] { return tensors_to_js(m.predict(tensors_from_js(x, "inputs"), batch_size)); });
  });
  function("predictOnBatch", +[](Model& m, val x) {
    return guarded([&] { return tensors_to_js(m.predict_on_batch(tensors_from_js(x, "inputs"))); });
  });
  function("evaluate", +[](Model& m, val x, val y, int batch_size) {
    return guarded([&] {
      return logs_to_js(m.evaluate(tensors_from_js(x, "inputs"), tensors_from_js(y, "targets"), batch_size));
    });
  });
  function("setStopTraining", +[](Model& m, bool v) { m.stop_training = v; });
  function("compiled", +[](const Model& m) { return m.compiled(); });
  function("getModelWeights", +[](Model& m) { return guarded([&] { return tensors_to_js(m.get_weights()); }); });
  function("setModelWeights", +[](Model& m, val w) {
    guarded([&] { m.set_weights(tensors_from_js(w, "setWeights")); });
  });
  function("saveModel", &save_model);
  function("loadModel", &load_model);
}
