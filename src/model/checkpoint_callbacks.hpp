#pragma once
// Callbacks that record training (Keras semantics and defaults): ModelCheckpoint,
// BackupAndRestore, CSVLogger and a progress bar. They decide what to write and when; the
// writing is queued as actions (Callback::take_actions) that the host performs:
//   {"kind": "save", "url", "include_optimizer"}             model files through the IO handlers
//   {"kind": "backup", "url", "metadata"}                   model + optimizer + fit state
//   {"kind": "delete", "url"}                               remove a backup
//   {"kind": "write" | "append", "path", "text", "only_if_empty"?}   text files (CSV)
//   {"kind": "progress", "text", "final"}                   a progress line (final: keep it)
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "model/callbacks.hpp"
#include "model/model.hpp"

namespace simdnn {

// Python str.format over the epoch (1-based, as Keras formats it) and the logs:
// "ckpt-{epoch:02d}-{val_loss:.2f}". Unknown names -> Error naming them.
// batch (0-based, as {batch} shows it 1-based, like Keras 3) only for batch-level saves.
std::string format_checkpoint_path(const std::string& pattern, int epoch, const Logs& logs,
                                   int batch = -1);
// Python's str(float): the shortest decimal that reads back as the same double.
std::string shortest_decimal(double value);

struct ModelCheckpointOptions {
  std::string filepath;
  std::string monitor = "val_loss";
  bool save_best_only = false;
  bool save_weights_only = false;
  std::string mode = "auto";
  bool has_initial_value_threshold = false;
  double initial_value_threshold = 0.0;
  int save_freq = 0;  // 0: 'epoch'; N: every N batches, counted across epochs (Keras)
};

class ModelCheckpoint : public Callback {
 public:
  explicit ModelCheckpoint(ModelCheckpointOptions options);
  static std::shared_ptr<ModelCheckpoint> from_config(const Json& config);
  void on_train_begin(const Logs&) override;
  void on_epoch_begin(int epoch, const Logs& logs) override;
  void on_batch_end(int batch, const Logs& logs) override;
  void on_epoch_end(int epoch, const Logs& logs) override;
  double best() const { return best_; }

 private:
  void save(int epoch, int batch, const Logs& logs);

  ModelCheckpointOptions options_;
  bool maximize_ = false;
  double best_ = 0.0;
  int epoch_ = 0;
  int batches_since_save_ = 0;
};

// Keras BackupAndRestore: a backup of the model, optimizer state, random state, epoch and
// history after every epoch; a fit that starts with a backup present resumes after the
// backed-up epoch; a fit that completes deletes the backup (delete_checkpoint).
class BackupAndRestore : public Callback {
 public:
  BackupAndRestore(std::string backup_dir, bool delete_checkpoint);
  static std::shared_ptr<BackupAndRestore> from_config(const Json& config);
  const std::string& backup_dir() const { return backup_dir_; }
  // Loads a backup (model.json + weight bytes) into a compiled model; fit then resumes.
  void restore(Model& model, const Json& model_json, std::span<const std::uint8_t> weights);
  bool restored() const { return restored_epoch_ >= 0; }
  int restored_epoch() const { return restored_epoch_; }  // the last completed epoch
  const History& restored_history() const { return history_; }
  void on_train_begin(const Logs&) override;
  void on_epoch_end(int epoch, const Logs& logs) override;
  void on_train_end(const Logs&) override;

 private:
  std::string backup_dir_;
  bool delete_checkpoint_ = true;
  int restored_epoch_ = -1;
  bool resuming_ = false;
  History history_;
};

class CSVLogger : public Callback {
 public:
  CSVLogger(std::string filename, std::string separator, bool append);
  static std::shared_ptr<CSVLogger> from_config(const Json& config);
  void on_train_begin(const Logs&) override;
  void on_epoch_end(int epoch, const Logs& logs) override;

 private:
  std::string filename_, separator_;
  bool append_ = false;
  std::vector<std::string> keys_;  // fixed at the first epoch, sorted (Keras)
};

// A Keras-style progress bar: "Epoch 2/5", then "12/40 [=====>......] - 3s - loss: 0.2761".
class ProgressBar : public Callback {
 public:
  explicit ProgressBar(int width = 30) : width_(width) {}
  static std::shared_ptr<ProgressBar> from_config(const Json& config);
  void set_params(int epochs, int steps) override {
    epochs_ = epochs;
    steps_ = steps;
  }
  void on_epoch_begin(int epoch, const Logs&) override;
  void on_batch_end(int batch, const Logs& logs) override;
  void on_epoch_end(int epoch, const Logs& logs) override;

 private:
  std::string line(int done, const Logs& logs) const;
  int width_;
  int epochs_ = 0, steps_ = 0;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace simdnn
