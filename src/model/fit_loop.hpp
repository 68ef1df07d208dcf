#pragma once
// FitLoop: Model.fit as a resumable loop, so that a caller can drive it one batch at a time
// (the JS API does, to report progress, stay responsive and let V8 tier up per call) while
// the native Model::fit runs the same loop in one go.
#include <memory>
#include <optional>
#include <vector>

#include "model/callbacks.hpp"
#include "model/model.hpp"

namespace simdnn {

class FitLoop {
 public:
  FitLoop(Model& model, std::vector<Tensor> x, std::vector<Tensor> y, const FitOptions& options,
          std::vector<std::shared_ptr<Callback>> callbacks,
          const std::vector<Tensor>* validation_x = nullptr,
          const std::vector<Tensor>* validation_y = nullptr);

  // Continues a fit interrupted after last_epoch (BackupAndRestore): the next epoch is
  // last_epoch + 1 and the history starts with the epochs already run. Before begin().
  void resume_after(int last_epoch, const History& history);
  void begin();             // on_train_begin
  bool begin_epoch();       // false when all epochs ran or training was stopped
  int batches_per_epoch() const { return batches_; }
  int epoch() const { return epoch_; }
  int samples() const { return train_samples_; }
  Logs run_batch(int batch);  // trains one batch; logs are the epoch's running averages
  Logs end_epoch();           // validation, on_epoch_end, history
  void end();                 // on_train_end
  bool stopped() const;
  const History& history() const { return history_; }

 private:
  void gather(const std::vector<Tensor>& source, const int* rows, int count,
              std::vector<Tensor>& batch) const;
  Model& model_;
  FitOptions options_;
  std::vector<Tensor> x_, y_, val_x_, val_y_;
  std::vector<std::shared_ptr<Callback>> callbacks_;
  std::vector<int> order_;
  std::vector<Tensor> batch_x_, batch_y_;
  History history_;
  int train_samples_ = 0;
  int batches_ = 0;
  int epoch_ = -1;
  bool begun_ = false;
  Logs last_logs_;
};

}  // namespace simdnn
