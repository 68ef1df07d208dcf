#pragma once
// Keras-style callbacks. The FitLoop calls them; the JS API drives the same loop and
// calls its JS callbacks alongside, so EarlyStopping behaves the same from both sides.
// Callbacks that need IO (checkpoints, CSV files, progress output) decide here what to
// write and when, and queue it as actions the host performs: the JS API drains them after
// every loop step and writes through its IO handlers, so the engine never does file IO.
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/json.hpp"
#include "core/tensor.hpp"
#include "model/logs.hpp"

namespace simdnn {

class Model;

class Callback {
 public:
  virtual ~Callback() = default;
  Model* model = nullptr;  // set by the FitLoop
  virtual void on_train_begin(const Logs&) {}
  virtual void on_train_end(const Logs&) {}
  virtual void on_epoch_begin(int /*epoch*/, const Logs&) {}
  virtual void on_epoch_end(int /*epoch*/, const Logs&) {}
  virtual void on_batch_begin(int /*batch*/, const Logs&) {}
  virtual void on_batch_end(int /*batch*/, const Logs&) {}
  // Keras set_params: the fit's epoch count and batches per epoch, before on_train_begin.
  virtual void set_params(int /*epochs*/, int /*steps*/) {}

  // Queued IO requests, each {"kind": ..., ...} (see checkpoint_callbacks.hpp), oldest first.
  std::vector<Json> take_actions() { return std::exchange(actions_, {}); }

 protected:
  void request(Json action) { actions_.push_back(std::move(action)); }

 private:
  std::vector<Json> actions_;
};

struct EarlyStoppingOptions {
  std::string monitor = "val_loss";
  double min_delta = 0.0;
  int patience = 0;
  std::string mode = "auto";  // "min", "max", or "auto" (max for accuracy-like names)
  bool restore_best_weights = false;
  int start_from_epoch = 0;
  bool has_baseline = false;
  double baseline = 0.0;
};

class EarlyStopping : public Callback {
 public:
  explicit EarlyStopping(EarlyStoppingOptions options);
  static std::shared_ptr<EarlyStopping> from_config(const Json& config);  // Keras snake_case keys
  void on_train_begin(const Logs&) override;
  void on_epoch_end(int epoch, const Logs& logs) override;
  void on_train_end(const Logs&) override;
  int stopped_epoch() const { return stopped_epoch_; }
  int best_epoch() const { return best_epoch_; }
  double best() const { return best_; }

 private:
  bool improved(double value, double reference) const;
  EarlyStoppingOptions options_;
  bool maximize_ = false;
  double best_ = 0.0;
  int wait_ = 0;
  int best_epoch_ = -1;
  int stopped_epoch_ = -1;
  std::vector<Tensor> best_weights_;
};

}  // namespace simdnn
