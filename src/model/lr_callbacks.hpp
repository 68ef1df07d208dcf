#pragma once
// Callbacks that steer training rather than record it (Keras semantics and defaults):
// ReduceLROnPlateau, LearningRateScheduler (with a built-in schedule evaluated per epoch;
// the JS API also accepts a JS function, run as a JS callback), TerminateOnNaN.
#include <memory>
#include <string>

#include "model/callbacks.hpp"
#include "optimizers/schedules.hpp"

namespace simdnn {

// "auto" -> maximise when the monitored name looks like an accuracy (Keras' rule).
bool monitor_maximizes(const std::string& mode, const std::string& monitor);

struct ReduceLROnPlateauOptions {
  std::string monitor = "val_loss";
  double factor = 0.1;
  int patience = 10;
  std::string mode = "auto";
  double min_delta = 1e-4;
  int cooldown = 0;
  double min_lr = 0.0;
};

class ReduceLROnPlateau : public Callback {
 public:
  explicit ReduceLROnPlateau(ReduceLROnPlateauOptions options);
  static std::shared_ptr<ReduceLROnPlateau> from_config(const Json& config);
  void on_train_begin(const Logs&) override;
  void on_epoch_end(int epoch, const Logs& logs) override;
  int wait() const { return wait_; }
  int cooldown_counter() const { return cooldown_counter_; }

 private:
  ReduceLROnPlateauOptions options_;
  bool maximize_ = false;
  double best_ = 0.0;
  int wait_ = 0;
  int cooldown_counter_ = 0;
};

// Sets the optimizer's rate to schedule(epoch) at the start of every epoch (Keras passes the
// epoch as the schedule's step when a LearningRateSchedule serves as the scheduler function).
class LearningRateScheduler : public Callback {
 public:
  explicit LearningRateScheduler(std::shared_ptr<LearningRateSchedule> schedule);
  void on_epoch_begin(int epoch, const Logs&) override;

 private:
  std::shared_ptr<LearningRateSchedule> schedule_;
};

// Stops training after the first batch whose loss is NaN or infinite.
class TerminateOnNaN : public Callback {
 public:
  void on_batch_end(int batch, const Logs& logs) override;
  int stopped_batch() const { return stopped_batch_; }
  int stopped_epoch() const { return stopped_epoch_; }
  void on_epoch_begin(int epoch, const Logs&) override { epoch_ = epoch; }

 private:
  int epoch_ = 0;
  int stopped_batch_ = -1;
  int stopped_epoch_ = -1;
};

}  // namespace simdnn
