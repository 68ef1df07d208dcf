#pragma once
// MaxPooling1D/2D and AveragePooling1D/2D (Keras semantics, channels-last): pool_size
// (default 2), strides (default pool_size), padding 'valid' | 'same' with TensorFlow's
// arithmetic; 'same' windows ignore the padding (a max never sees it, an average divides by
// the number of inside cells). Max pooling routes gradients to the first maximum.
#include <memory>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "layers/config_reader.hpp"
#include "layers/pooling_base.hpp"

namespace simdnn {

struct PoolingOptions {
  std::vector<int> pool_size{2};  // one value (repeated) or one per spatial axis
  std::vector<int> strides;       // empty: pool_size
  std::string padding = "valid";
};

class Pooling : public PoolingBase {
 public:
  Json config() const override;
  const std::vector<int>& pool_size() const { return pool_size_; }
  const std::vector<int>& strides() const { return strides_; }

  static PoolingOptions read_options(ConfigReader& reader, int rank);

 protected:
  Pooling(std::string class_name, std::string name, int rank, PoolReduction reduction,
          const PoolingOptions& options);
  std::vector<Shape> do_build(const std::vector<Shape>& input_shapes, Rng& rng) override;

 private:
  std::vector<int> pool_size_, strides_;
  kernels::Padding padding_;
};

class MaxPooling2D : public Pooling {
 public:
  MaxPooling2D(std::string name, const PoolingOptions& options = {});
  static std::shared_ptr<MaxPooling2D> from_config(const Json& config);
};

class AveragePooling2D : public Pooling {
 public:
  AveragePooling2D(std::string name, const PoolingOptions& options = {});
  static std::shared_ptr<AveragePooling2D> from_config(const Json& config);
};

class MaxPooling1D : public Pooling {
 public:
  MaxPooling1D(std::string name, const PoolingOptions& options = {});
  static std::shared_ptr<MaxPooling1D> from_config(const Json& config);
};

class AveragePooling1D : public Pooling {
 public:
  AveragePooling1D(std::string name, const PoolingOptions& options = {});
  static std::shared_ptr<AveragePooling1D> from_config(const Json& config);
};

}  // namespace simdnn
