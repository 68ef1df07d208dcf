#pragma once
// The part every pooling layer shares: given a window (set by the subclass at build time),
// forward reduces each window to its maximum or average and backward routes the gradient
// back (max: to the argmax saved by forward; average: evenly over the window's inside cells).
// MaxPooling1D/2D, AveragePooling1D/2D (pooling.hpp) and the global poolings
// (global_pooling.hpp) differ only in how they choose the window and the output shape.
#include <string>

#include "kernels/conv.hpp"
#include "layers/layer.hpp"

namespace simdnn {

enum class PoolReduction { max, average };

class PoolingBase : public Layer {
 public:
  std::string class_name() const override { return class_name_; }
  void forward(LayerCall& call) override;
  void backward(LayerCall& call) override;
  PoolReduction reduction() const { return reduction_; }

 protected:
  PoolingBase(std::string class_name, std::string name, int rank, PoolReduction reduction);
  int rank() const { return rank_; }
  // Subclasses' do_build: checks the per-sample input is [steps, channels] (rank 1) or
  // [height, width, channels] (rank 2) and returns it as a batch-1 window over the whole
  // input (window 1x1, stride 1, no padding) for the caller to adjust.
  kernels::Window2D input_window(const Shape& input_shape) const;
  void set_window(const kernels::Window2D& window) { window_ = window; }

 private:
  std::string class_name_;  // first: context() reads it while the other members initialise
  int rank_;
  PoolReduction reduction_;
  kernels::Window2D window_;  // for batch 1; forward sets the batch
};

}  // namespace simdnn
