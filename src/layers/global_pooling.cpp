#include "layers/global_pooling.hpp"

#include "layers/config_reader.hpp"
#include "layers/registry.hpp"
#include "layers/window_config.hpp"

namespace simdnn {

GlobalPooling::GlobalPooling(std::string class_name, std::string name, int rank,
                             PoolReduction reduction, bool keepdims)
    : PoolingBase(std::move(class_name), std::move(name), rank, reduction), keepdims_(keepdims) {}

Json GlobalPooling::config() const {
  Json c = base_config();
  c["data_format"] = "channels_last";
  c["keepdims"] = keepdims_;
  return c;
}

std::vector<Shape> GlobalPooling::do_build(const std::vector<Shape>& input_shapes, Rng&) {
  kernels::Window2D window = input_window(input_shapes[0]);
  window.window_h = window.in_h;
  window.window_w = window.in_w;
  window.out_h = window.out_w = 1;
  set_window(window);
  if (!keepdims_) return {Shape{window.channels}};
  return {rank() == 2 ? Shape{1, 1, window.channels} : Shape{1, window.channels}};
}

namespace {
template <typename PoolLayer>
std::shared_ptr<PoolLayer> global_pooling_from_config(const Json& config, const char* class_name) {
  ConfigReader reader(config, class_name);
  const std::string name = reader.name();
  read_channels_last(reader);
  const bool keepdims = reader.boolean("keepdims", false);
  const bool trainable = reader.trainable();
  reader.finish();
  auto layer = std::make_shared<PoolLayer>(name, keepdims);
  layer->set_trainable(trainable);
  return layer;
}
}  // namespace

GlobalMaxPooling2D::GlobalMaxPooling2D(std::string name, bool keepdims)
    : GlobalPooling("GlobalMaxPooling2D", std::move(name), 2, PoolReduction::max, keepdims) {}
std::shared_ptr<GlobalMaxPooling2D> GlobalMaxPooling2D::from_config(const Json& config) {
  return global_pooling_from_config<GlobalMaxPooling2D>(config, "GlobalMaxPooling2D");
}

GlobalAveragePooling2D::GlobalAveragePooling2D(std::string name, bool keepdims)
    : GlobalPooling("GlobalAveragePooling2D", std::move(name), 2, PoolReduction::average,
                    keepdims) {}
std::shared_ptr<GlobalAveragePooling2D> GlobalAveragePooling2D::from_config(const Json& config) {
  return global_pooling_from_config<GlobalAveragePooling2D>(config, "GlobalAveragePooling2D");
}

GlobalMaxPooling1D::GlobalMaxPooling1D(std::string name, bool keepdims)
    : GlobalPooling("GlobalMaxPooling1D", std::move(name), 1, PoolReduction::max, keepdims) {}
std::shared_ptr<GlobalMaxPooling1D> GlobalMaxPooling1D::from_config(const Json& config) {
  return global_pooling_from_config<GlobalMaxPooling1D>(config, "GlobalMaxPooling1D");
}

GlobalAveragePooling1D::GlobalAveragePooling1D(std::string name, bool keepdims)
    : GlobalPooling("GlobalAveragePooling1D", std::move(name), 1, PoolReduction::average,
                    keepdims) {}
std::shared_ptr<GlobalAveragePooling1D> GlobalAveragePooling1D::from_config(const Json& config) {
  return global_pooling_from_config<GlobalAveragePooling1D>(config, "GlobalAveragePooling1D");
}

SIMDNN_REGISTER_LAYER(GlobalMaxPooling2D)
SIMDNN_REGISTER_LAYER(GlobalAveragePooling2D)
SIMDNN_REGISTER_LAYER(GlobalMaxPooling1D)
SIMDNN_REGISTER_LAYER(GlobalAveragePooling1D)

}  // namespace simdnn
