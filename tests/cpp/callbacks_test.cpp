// Keras callbacks (trigger conditions), learning-rate schedules (Keras formulas) and exact
// resumption from model files with optimizer state.
#include <catch2/catch.hpp>
#include <cmath>

#include "core/error.hpp"
#include "model/checkpoint_callbacks.hpp"
#include "model/fit_loop.hpp"
#include "model/lr_callbacks.hpp"
#include "model/model_io.hpp"
#include "model/training_state.hpp"
#include "model_test_util.hpp"
#include "optimizers/schedules.hpp"

using namespace simdnn;
using namespace simdnn::test;

namespace {

Logs logs_of(std::initializer_list<std::pair<const char*, double>> entries) {
  Logs l;
  for (const auto& [k, v] : entries) l.set(k, v);
  return l;
}

std::shared_ptr<Model> tiny_model(const char* optimizer = "sgd", Json config = {{"learning_rate", 1.0}}) {
  auto model = Model::sequential({dense(1, "linear", {{"input_shape", {1}}})});
  model->compile(compile_options("mse", optimizer, config));
  return model;
}

// A small classifier with dropout, so resumption must restore the random state as well.
std::shared_ptr<Model> dropout_net(const char* optimizer, const Json& config) {
  auto model = Model::sequential({dense(8, "relu", {{"input_shape", {4}}}),
                                  LayerRegistry::create("Dropout", {{"rate", 0.3}}),
                                  dense(3, "softmax")});
  model->compile(compile_options("categorical_crossentropy", optimizer, config, {"accuracy"}));
  return model;
}

std::pair<Tensor, Tensor> blobs(int n) {
  Tensor x({n, 4}), y({n, 3}, 0.0f);
  Rng rng(11);
  for (int i = 0; i < n; ++i) {
    const int c = i % 3;
    for (int j = 0; j < 4; ++j) x.data()[i * 4 + j] = rng.normal(j == c ? 1.5f : 0.0f, 1.0f);
    y.data()[i * 3 + c] = 1.0f;
  }
  return {x, y};
}

void require_bitwise_equal(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    REQUIRE(a[i].size() == b[i].size());
    for (std::size_t k = 0; k < a[i].size(); ++k) REQUIRE(a[i][k] == b[i][k]);
  }
}

}  // namespace

TEST_CASE("schedules match the Keras formulas", "[callbacks]") {
  auto exp = make_schedule("ExponentialDecay", {{"initial_learning_rate", 0.1}, {"decay_steps", 10}, {"decay_rate", 0.5}});
  REQUIRE(exp->value(0) == Approx(0.1).epsilon(1e-12));
  REQUIRE(exp->value(5) == Approx(0.1 * std::sqrt(0.5)).epsilon(1e-12));
  REQUIRE(exp->value(20) == Approx(0.025).epsilon(1e-12));
  auto stair = make_schedule("exponentialDecay", {{"initial_learning_rate", 0.1}, {"decay_steps", 10},
                                                  {"decay_rate", 0.5}, {"staircase", true}});
  REQUIRE(stair->value(19) == Approx(0.05).epsilon(1e-12));
  REQUIRE(stair->value(20) == Approx(0.025).epsilon(1e-12));

  auto piece = make_schedule("PiecewiseConstantDecay", {{"boundaries", {100, 200}}, {"values", {1.0, 0.5, 0.1}}});
  REQUIRE(piece->value(0) == 1.0);
  REQUIRE(piece->value(100) == 1.0);  // Keras: step <= boundary keeps the earlier value
  REQUIRE(piece->value(101) == 0.5);
  REQUIRE(piece->value(200) == 0.5);
  REQUIRE(piece->value(201) == 0.1);

  auto cosine = make_schedule("CosineDecay", {{"initial_learning_rate", 1.0}, {"decay_steps", 100}, {"alpha", 0.1}});
  REQUIRE(cosine->value(0) == Approx(1.0));
  REQUIRE(cosine->value(50) == Approx(0.55));
  REQUIRE(cosine->value(25) == Approx(0.9 * 0.5 * (1 + std::cos(M_PI / 4)) + 0.1));
  REQUIRE(cosine->value(100) == Approx(0.1));
  REQUIRE(cosine->value(150) == Approx(0.1));  // held at alpha after decay_steps
  auto warm = make_schedule("CosineDecay", {{"initial_learning_rate", 0.0}, {"decay_steps", 100},
                                            {"warmup_target", 1.0}, {"warmup_steps", 10}});
  REQUIRE(warm->value(5) == Approx(0.5));
  REQUIRE(warm->value(10) == Approx(1.0));
  REQUIRE(warm->value(60) == Approx(0.5).margin(1e-12));

  REQUIRE_THROWS_WITH(make_schedule("PiecewiseConstantDecay", {{"boundaries", {1}}, {"values", {1}}}),
                      Catch::Contains("one more value than boundaries"));
  REQUIRE_THROWS_WITH(make_schedule("ExponentialDecay", {{"initial_learning_rate", 0.1}, {"decay_steps", 0},
                                                         {"decay_rate", 0.5}}),
                      Catch::Contains("decay_steps"));
}

TEST_CASE("an optimizer with a schedule uses its value at every step", "[callbacks]") {
  Json spec{{"class_name", "PiecewiseConstantDecay"}, {"config", {{"boundaries", {1}}, {"values", {0.5, 0.25}}}}};
  auto opt = make_optimizer("sgd", {{"learning_rate", spec}});
  Tensor w({1}, 0.0f), g({1}, 1.0f);
  std::vector<Param> params{{"w", &w, &g, true}};
  const float expected[] = {0.5f, 0.5f, 0.25f, 0.25f};  // steps 0 and 1 <= boundary 1
  float sum = 0.0f;
  for (float lr : expected) {
    REQUIRE(opt->learning_rate() == lr);
    opt->step(params);
    sum += lr;
    REQUIRE(w[0] == -sum);
  }
  REQUIRE(opt->config()["learning_rate"]["class_name"] == "PiecewiseConstantDecay");
  REQUIRE_THROWS_WITH(opt->set_learning_rate(0.1f), Catch::Contains("cannot be set"));
  // The config round-trips through make_optimizer.
  auto again = make_optimizer("sgd", opt->config());
  REQUIRE(again->schedule()->value(2) == 0.25);
}

TEST_CASE("ReduceLROnPlateau: patience, cooldown and the min_lr floor", "[callbacks]") {
  auto model = tiny_model();
  ReduceLROnPlateauOptions o;
  o.monitor = "loss";
  o.factor = 0.5;
  o.patience = 2;
  o.cooldown = 1;
  o.min_lr = 0.3;
  ReduceLROnPlateau cb(o);
  cb.model = model.get();
  cb.on_train_begin({});
  // A flat loss: reduce after 2 epochs without improvement, wait out one cooldown epoch
  // (which does not count), reduce again but not below min_lr, then stay at the floor.
  const float expected[] = {1.0f, 1.0f, 0.5f, 0.5f, 0.3f, 0.3f, 0.3f, 0.3f};
  for (int e = 0; e < 8; ++e) {
    cb.on_epoch_end(e, logs_of({{"loss", 1.0}}));
    INFO("epoch " << e);
    REQUIRE(model->optimizer().learning_rate() == expected[e]);
  }
  // An improvement larger than min_delta resets the wait.
  ReduceLROnPlateau cb2(o);
  auto model2 = tiny_model();
  cb2.model = model2.get();
  cb2.on_train_begin({});
  for (double loss : {1.0, 1.0, 0.9, 0.9}) cb2.on_epoch_end(0, logs_of({{"loss", loss}}));
  REQUIRE(model2->optimizer().learning_rate() == 1.0f);
  REQUIRE(cb2.wait() == 1);
  // mode max for accuracy-like names.
  ReduceLROnPlateauOptions acc;
  acc.monitor = "val_accuracy";
  acc.patience = 1;
  ReduceLROnPlateau cb3(acc);
  auto model3 = tiny_model();
  cb3.model = model3.get();
  cb3.on_train_begin({});
  cb3.on_epoch_end(0, logs_of({{"val_accuracy", 0.5}}));
  cb3.on_epoch_end(1, logs_of({{"val_accuracy", 0.6}}));
  REQUIRE(model3->optimizer().learning_rate() == 1.0f);
  cb3.on_epoch_end(2, logs_of({{"val_accuracy", 0.55}}));
  REQUIRE(model3->optimizer().learning_rate() == Approx(0.1f));
  REQUIRE_THROWS_WITH(cb3.on_epoch_end(3, logs_of({{"loss", 1}})), Catch::Contains("val_accuracy"));
  REQUIRE_THROWS_WITH(ReduceLROnPlateau::from_config({{"factor", 1.0}}), Catch::Contains("factor"));
}

TEST_CASE("LearningRateScheduler sets schedule(epoch) at every epoch", "[callbacks]") {
  auto model = tiny_model();
  auto schedule = make_schedule("ExponentialDecay", {{"initial_learning_rate", 0.1}, {"decay_steps", 1}, {"decay_rate", 0.5}});
  auto cb = std::make_shared<LearningRateScheduler>(schedule);
  struct Probe : Callback {
    std::vector<float> rates;
    void on_epoch_end(int, const Logs&) override { rates.push_back(model->optimizer().learning_rate()); }
  };
  auto probe = std::make_shared<Probe>();
  Tensor x({4, 1}, 1.0f), y({4, 1}, 0.5f);
  FitOptions fo;
  fo.epochs = 3;
  model->fit({x}, {y}, fo, {cb, probe});
  REQUIRE(probe->rates == std::vector<float>{0.1f, 0.05f, 0.025f});
}

TEST_CASE("TerminateOnNaN stops in the middle of the epoch with a NaN loss", "[callbacks]") {
  // Inputs of 1e6 with a learning rate of 1: the weight grows ~1e12-fold per step, so the loss
  // is finite for batches 0 and 1 and overflows to infinity in batch 2 (of 5).
  set_global_seed(2);
  auto model = tiny_model("sgd", {{"learning_rate", 1.0}});
  Tensor x({10, 1}, 1e6f), y({10, 1}, 0.0f);
  auto nan = std::make_shared<TerminateOnNaN>();
  struct Count : Callback {
    int batches = 0;
    std::vector<double> losses;
    void on_batch_end(int, const Logs& logs) override {
      ++batches;
      losses.push_back(*logs.get("loss"));
    }
  };
  auto count = std::make_shared<Count>();
  FitOptions fo;
  fo.epochs = 3;
  fo.batch_size = 2;
  fo.shuffle = false;
  History h = model->fit({x}, {y}, fo, {nan, count});
  REQUIRE(nan->stopped_epoch() == 0);
  REQUIRE(nan->stopped_batch() == 2);
  REQUIRE(count->batches == 3);
  REQUIRE(std::isfinite(count->losses[1]));
  REQUIRE_FALSE(std::isfinite(count->losses[2]));
  REQUIRE(h.logs.size() == 1);
}

TEST_CASE("ModelCheckpoint saves the best epochs by monitor and mode", "[callbacks]") {
  ModelCheckpointOptions o;
  o.filepath = "file:///ckpt/m-{epoch:02d}-{val_loss:.2f}";
  o.save_best_only = true;
  ModelCheckpoint cb(o);
  cb.on_train_begin({});
  std::vector<std::string> saved;
  const double losses[] = {0.5, 0.4, 0.45, NAN, 0.3};
  for (int e = 0; e < 5; ++e) {
    cb.on_epoch_end(e, logs_of({{"loss", 1.0}, {"val_loss", losses[e]}}));
    for (const Json& a : cb.take_actions()) {
      REQUIRE(a["kind"] == "save");
      REQUIRE(a["include_optimizer"] == true);
      saved.push_back(a["url"]);
    }
  }
  REQUIRE(saved == std::vector<std::string>{"file:///ckpt/m-01-0.50", "file:///ckpt/m-02-0.40", "file:///ckpt/m-05-0.30"});

  ModelCheckpointOptions m;
  m.filepath = "best";
  m.monitor = "val_accuracy";  // auto -> max
  m.save_best_only = true;
  m.save_weights_only = true;
  ModelCheckpoint acc(m);
  acc.on_train_begin({});
  int saves = 0;
  for (double v : {0.5, 0.6, 0.55, 0.6, 0.7}) {
    acc.on_epoch_end(0, logs_of({{"val_accuracy", v}}));
    for (const Json& a : acc.take_actions()) {
      REQUIRE(a["include_optimizer"] == false);
      ++saves;
    }
  }
  REQUIRE(saves == 3);  // 0.5, 0.6, 0.7: equal is not better
  m.mode = "min";
  ModelCheckpoint as_min(m);
  as_min.on_train_begin({});
  as_min.on_epoch_end(0, logs_of({{"val_accuracy", 0.5}}));
  as_min.on_epoch_end(1, logs_of({{"val_accuracy", 0.6}}));
  REQUIRE(as_min.take_actions().size() == 1);

  ModelCheckpointOptions every;
  every.filepath = "e{epoch}-{loss}";
  ModelCheckpoint all(every);
  all.on_train_begin({});
  all.on_epoch_end(2, logs_of({{"loss", 0.25}}));
  REQUIRE(all.take_actions().at(0)["url"] == "e3-0.25");
  REQUIRE_THROWS_WITH(format_checkpoint_path("x-{val_acc}", 0, logs_of({{"loss", 1}})),
                      Catch::Contains("val_acc") && Catch::Contains("not in the logs"));
  for (const Json& bad : {Json(0), Json(-3), Json(2.5), Json("batch")})
    REQUIRE_THROWS_WITH(ModelCheckpoint::from_config({{"filepath", "x"}, {"save_freq", bad}}),
                        Catch::Contains("save_freq") && Catch::Contains("positive integer"));

  // save_freq N: after every N-th batch, the count running on across epochs; {batch} is 1-based.
  auto by_batches = ModelCheckpoint::from_config({{"filepath", "e{epoch}-b{batch}"}, {"save_freq", 3}});
  by_batches->on_train_begin({});
  std::vector<std::string> urls;
  for (int epoch = 0; epoch < 2; ++epoch) {
    by_batches->on_epoch_begin(epoch, {});
    for (int batch = 0; batch < 4; ++batch) by_batches->on_batch_end(batch, logs_of({{"loss", 1.0}}));
    by_batches->on_epoch_end(epoch, logs_of({{"loss", 1.0}}));
    for (const Json& action : by_batches->take_actions()) urls.push_back(action["url"]);
  }
  REQUIRE(urls == std::vector<std::string>{"e1-b3", "e2-b2"});
}

TEST_CASE("CSVLogger writes a sorted header and one row per epoch", "[callbacks]") {
  CSVLogger cb("log.csv", ";", false);
  cb.on_train_begin({});
  cb.on_epoch_end(0, logs_of({{"loss", 0.5}, {"accuracy", 0.25}}));
  cb.on_epoch_end(1, logs_of({{"loss", 0.125}, {"accuracy", 1.0}}));
  const auto actions = cb.take_actions();
  REQUIRE(actions.size() == 4);
  REQUIRE(actions[0]["kind"] == "write");
  REQUIRE(actions[0]["text"] == "");
  REQUIRE(actions[1]["text"] == "epoch;accuracy;loss\n");
  REQUIRE(actions[1]["only_if_empty"] == false);
  REQUIRE(actions[2]["text"] == "0;0.25;0.5\n");
  REQUIRE(actions[3]["text"] == "1;1.0;0.125\n");
  CSVLogger appending("log.csv", ",", true);
  appending.on_train_begin({});
  appending.on_epoch_end(0, logs_of({{"loss", 0.5}}));
  const auto more = appending.take_actions();
  REQUIRE(more.size() == 2);  // no truncation; a header only into an empty file
  REQUIRE(more[0]["only_if_empty"] == true);
}

TEST_CASE("resuming from saved model files with optimizer state is bitwise exact", "[callbacks]") {
  const auto [x, y] = blobs(40);
  struct Case {
    const char* optimizer;
    Json config;
  };
  const std::vector<Case> cases = {
      {"adam", {{"learning_rate", 0.01}}},
      {"rmsprop", {{"learning_rate", 0.01}, {"momentum", 0.5}, {"centered", true}}},
      {"sgd", {{"learning_rate", 0.05}, {"momentum", 0.9}, {"nesterov", true}}},
      {"adagrad", {{"learning_rate", 0.05}}}};
  for (const auto& c : cases) {
    INFO(c.optimizer);
    FitOptions all;
    all.epochs = 4;
    all.batch_size = 8;
    set_global_seed(21);
    auto straight = dropout_net(c.optimizer, c.config);
    straight->fit({x}, {y}, all);

    set_global_seed(21);
    auto first = dropout_net(c.optimizer, c.config);
    FitOptions part = all;
    part.epochs = 2;
    first->fit({x}, {y}, part);
    ModelArtifacts files = save_model_artifacts(*first, true);
    REQUIRE(files.model_json["trainingConfig"]["optimizer_config"]["class_name"] == first->optimizer().name());

    set_global_seed(999);  // a different fresh model: everything must come from the files
    auto resumed = load_artifacts(files.model_json, files.weights);
    REQUIRE(resumed->compiled());
    REQUIRE(resumed->optimizer().iterations() == first->optimizer().iterations());
    FitOptions rest = all;
    rest.initial_epoch = 2;
    resumed->fit({x}, {y}, rest);
    require_bitwise_equal(resumed->get_weights(), straight->get_weights());
  }
}

TEST_CASE("optimizer weights use the TF.js names and layout", "[callbacks]") {
  set_global_seed(3);
  auto model = dropout_net("adam", {{"learning_rate", 0.01}});
  const auto [x, y] = blobs(8);
  FitOptions fo;
  fo.batch_size = 4;
  model->fit({x}, {y}, fo);
  ModelArtifacts files = save_model_artifacts(*model, true);
  const auto entries = read_manifest(files.model_json["weightsManifest"], files.weights.size());
  std::vector<std::string> optimizer_names;
  for (const auto& e : entries)
    if (e.group == "optimizer") optimizer_names.push_back(e.name);
  const auto names = weight_names(*model);
  // iter, then every first moment, then every second moment (TF.js Adam.getWeights order).
  REQUIRE(optimizer_names.size() == 1 + 2 * names.size());
  REQUIRE(optimizer_names[0] == "iter");
  REQUIRE(optimizer_names[1] == names[0] + "/m");
  REQUIRE(optimizer_names[1 + names.size()] == names[0] + "/v");
  std::int32_t iter = 0;
  std::memcpy(&iter, files.weights.data() + entries[names.size()].offset, 4);
  REQUIRE(iter == 2);
  // Without include_optimizer the files are the plain model and load uncompiled.
  ModelArtifacts plain = save_model_artifacts(*model, false);
  REQUIRE_FALSE(plain.model_json.contains("trainingConfig"));
  REQUIRE_FALSE(load_artifacts(plain.model_json, plain.weights)->compiled());
  // A TF.js training config (camelCase, RMSProp) compiles the loaded model.
  Json tfjs = plain.model_json;
  tfjs["trainingConfig"] = {{"loss", "categoricalCrossentropy"}, {"metrics", {"accuracy"}},
                            {"optimizer_config", {{"class_name", "RMSProp"},
                                                  {"config", {{"learningRate", 0.01}, {"decay", 0.8}, {"momentum", 0},
                                                              {"epsilon", nullptr}, {"centered", false}}}}}};
  auto compiled = load_artifacts(tfjs, plain.weights);
  REQUIRE(compiled->optimizer().name() == "RMSprop");
  REQUIRE(compiled->optimizer().config()["rho"] == 0.8);
}

TEST_CASE("BackupAndRestore resumes a crashed fit from its last completed epoch", "[callbacks]") {
  const auto [x, y] = blobs(30);
  FitOptions fo;
  fo.epochs = 5;
  fo.batch_size = 8;
  fo.validation_split = 0.2f;
  set_global_seed(8);
  auto straight = dropout_net("adam", {{"learning_rate", 0.01}});
  History expected = straight->fit({x}, {y}, fo);

  // The host: performs the backup's actions as the JS API does, and crashes after epoch 2.
  struct Host : Callback {
    std::shared_ptr<BackupAndRestore> backup;
    ModelArtifacts files;
    bool deleted = false;
    int crash_after = -1;
    void drain() {
      for (const Json& a : backup->take_actions()) {
        if (a["kind"] == "backup") files = save_model_artifacts(*model, true, a["metadata"]);
        if (a["kind"] == "delete") deleted = true;
      }
    }
    void on_epoch_end(int epoch, const Logs&) override {
      drain();
      if (epoch == crash_after) fail("simulated crash after epoch ", epoch);
    }
    void on_train_end(const Logs&) override { drain(); }
  };
  auto host = std::make_shared<Host>();
  host->backup = std::make_shared<BackupAndRestore>("file:///backup", true);
  host->crash_after = 2;
  set_global_seed(8);
  auto crashed = dropout_net("adam", {{"learning_rate", 0.01}});
  REQUIRE_THROWS_WITH(crashed->fit({x}, {y}, fo, {host->backup, host}), Catch::Contains("simulated crash"));
  REQUIRE(simdnn_metadata(host->files.model_json)->at("backup")["epoch"] == 2);

  set_global_seed(77);
  auto fresh = dropout_net("adam", {{"learning_rate", 0.01}});  // a new process: new weights
  auto backup = std::make_shared<BackupAndRestore>("file:///backup", true);
  backup->restore(*fresh, host->files.model_json, host->files.weights);
  REQUIRE(backup->restored_epoch() == 2);
  host->backup = backup;
  host->crash_after = -1;
  struct Epochs : Callback {
    std::vector<int> seen;
    void on_epoch_begin(int e, const Logs&) override { seen.push_back(e); }
  };
  auto epochs = std::make_shared<Epochs>();
  History h = fresh->fit({x}, {y}, fo, {backup, host, epochs});
  REQUIRE(epochs->seen == std::vector<int>{3, 4});
  REQUIRE(h.epochs == std::vector<int>{0, 1, 2, 3, 4});
  for (std::size_t e = 0; e < 5; ++e) REQUIRE(*h.logs[e].get("val_loss") == *expected.logs[e].get("val_loss"));
  require_bitwise_equal(fresh->get_weights(), straight->get_weights());
  REQUIRE(host->deleted);
  REQUIRE_FALSE(backup->restored());
}
