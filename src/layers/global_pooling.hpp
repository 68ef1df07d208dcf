#pragma once
// GlobalMaxPooling1D/2D and GlobalAveragePooling1D/2D (Keras, channels-last): the maximum or
// mean of each channel over all steps / all pixels. [batch, ..., channels] -> [batch, channels],
// or with keepdims [batch, 1, channels] / [batch, 1, 1, channels]. A pooling window covering
// the whole input, so the pooling kernels do the work.
#include <memory>
#include <string>

#include "core/json.hpp"
#include "layers/pooling_base.hpp"

namespace simdnn {

class GlobalPooling : public PoolingBase {
 public:
  Json config() const override;
  bool keepdims() const { return keepdims_; }

 protected:
  GlobalPooling(std::string class_name, std::string name, int rank, PoolReduction reduction,
                bool keepdims);
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  bool keepdims_;
};

class GlobalMaxPooling2D : public GlobalPooling {
 public:
  explicit GlobalMaxPooling2D(std::string name, bool keepdims = false);
  static std::shared_ptr<GlobalMaxPooling2D> from_config(const Json& config);
};

class GlobalAveragePooling2D : public GlobalPooling {
 public:
  explicit GlobalAveragePooling2D(std::string name, bool keepdims = false);
  static std::shared_ptr<GlobalAveragePooling2D> from_config(const Json& config);
};

class GlobalMaxPooling1D : public GlobalPooling {
 public:
  explicit GlobalMaxPooling1D(std::string name, bool keepdims = false);
  static std::shared_ptr<GlobalMaxPooling1D> from_config(const Json& config);
};

class GlobalAveragePooling1D : public GlobalPooling {
 public:
  explicit GlobalAveragePooling1D(std::string name, bool keepdims = false);
  static std::shared_ptr<GlobalAveragePooling1D> from_config(const Json& config);
};

}  // namespace simdnn
