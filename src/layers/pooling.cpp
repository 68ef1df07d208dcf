#include "layers/pooling.hpp"

#include "core/error.hpp"
#include "layers/registry.hpp"
#include "layers/window_config.hpp"

namespace simdnn {

Pooling::Pooling(std::string class_name, std::string name, int rank, PoolReduction reduction,
                 const PoolingOptions& options)
    : PoolingBase(std::move(class_name), std::move(name), rank, reduction),
      pool_size_(checked_extents(options.pool_size, rank, "pool_size", context())),
      strides_(options.strides.empty()
                   ? pool_size_
                   : checked_extents(options.strides, rank, "strides", context())),
      padding_(parse_padding(options.padding, false, context())) {}

PoolingOptions Pooling::read_options(ConfigReader& reader, int rank) {
  PoolingOptions options;
  options.pool_size = read_extents(reader, "pool_size", rank, std::vector<int>(rank, 2));
  // Keras: strides None (or absent) means strides = pool_size.
  options.strides = read_extents(reader, "strides", rank, options.pool_size);
  options.padding = reader.string("padding", "valid");
  parse_padding(options.padding, false, reader.context());
  read_channels_last(reader);
  return options;
}

Json Pooling::config() const {
  Json c = base_config();
  c["pool_size"] = extents_json(pool_size_);
  c["strides"] = extents_json(strides_);
  c["padding"] = kernels::padding_name(padding_);
  c["data_format"] = "channels_last";
  return c;
}

std::vector<Shape> Pooling::do_build(const std::vector<Shape>& input_shapes, Rng&) {
  const Shape& in = input_shapes[0];
  kernels::Window2D window = input_window(in);
  window.window_h = rank() == 2 ? pool_size_[0] : 1;
  window.window_w = pool_size_.back();
  window.stride_h = rank() == 2 ? strides_[0] : 1;
  window.stride_w = strides_.back();
  kernels::plan_window(window, padding_);
  check(window.out_h >= 1 && window.out_w >= 1, context(), ": input ", batch_shape_text(in),
        " is smaller than pool_size ", shape_text(pool_size_), " with padding '",
        kernels::padding_name(padding_), "': the output would be empty");
  set_window(window);
  if (rank() == 2) return {Shape{window.out_h, window.out_w, window.channels}};
  return {Shape{window.out_w, window.channels}};
}

namespace {
template <typename PoolLayer>
std::shared_ptr<PoolLayer> pooling_from_config(const Json& config, const char* class_name,
                                               int rank) {
  ConfigReader reader(config, class_name);
  const std::string name = reader.name();
  const PoolingOptions options = Pooling::read_options(reader, rank);
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<PoolLayer>(name, options);
  layer->set_trainable(trainable);
  return layer;
}
}  // namespace

MaxPooling2D::MaxPooling2D(std::string name, const PoolingOptions& options)
    : Pooling("MaxPooling2D", std::move(name), 2, PoolReduction::max, options) {}
std::shared_ptr<MaxPooling2D> MaxPooling2D::from_config(const Json& config) {
  return pooling_from_config<MaxPooling2D>(config, "MaxPooling2D", 2);
}

AveragePooling2D::AveragePooling2D(std::string name, const PoolingOptions& options)
    : Pooling("AveragePooling2D", std::move(name), 2, PoolReduction::average, options) {}
std::shared_ptr<AveragePooling2D> AveragePooling2D::from_config(const Json& config) {
  return pooling_from_config<AveragePooling2D>(config, "AveragePooling2D", 2);
}

MaxPooling1D::MaxPooling1D(std::string name, const PoolingOptions& options)
    : Pooling("MaxPooling1D", std::move(name), 1, PoolReduction::max, options) {}
std::shared_ptr<MaxPooling1D> MaxPooling1D::from_config(const Json& config) {
  return pooling_from_config<MaxPooling1D>(config, "MaxPooling1D", 1);
}

AveragePooling1D::AveragePooling1D(std::string name, const PoolingOptions& options)
    : Pooling("AveragePooling1D", std::move(name), 1, PoolReduction::average, options) {}
std::shared_ptr<AveragePooling1D> AveragePooling1D::from_config(const Json& config) {
  return pooling_from_config<AveragePooling1D>(config, "AveragePooling1D", 1);
}

SIMDNN_REGISTER_LAYER(MaxPooling2D)
SIMDNN_REGISTER_LAYER(AveragePooling2D)
SIMDNN_REGISTER_LAYER(MaxPooling1D)
SIMDNN_REGISTER_LAYER(AveragePooling1D)

}  // namespace simdnn
