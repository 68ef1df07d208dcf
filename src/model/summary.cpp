// Model::summary(): the Keras table of layers, output shapes and parameter counts. Built with
// std::string, not a stream: an ostringstream links libc++'s locale code (~30 KB of wasm).
#include <set>

#include "model/model.hpp"

namespace simdnn {
namespace {
std::string keras_shape(const Shape& s) {
  std::string out = "(None";
  for (int d : s) out += ", " + std::to_string(d);
  return out + ")";
}

std::string pad(std::string text, std::size_t width) {
  if (text.size() + 1 > width) text = text.substr(0, width > 4 ? width - 4 : 0) + "...";
  text.resize(width, ' ');
  return text;
}
}  // namespace

std::string Model::summary(int line_length) {
  const std::size_t width = static_cast<std::size_t>(line_length < 40 ? 40 : line_length);
  const std::size_t c1 = width * 45 / 100, c2 = width * 33 / 100, c3 = width - c1 - c2;
  std::string out;
  const std::string rule(width, '_'), double_rule(width, '=');
  out += "Model: \"" + name() + "\"\n" + rule + "\n";
  out += pad(" Layer (type)", c1) + pad("Output Shape", c2) + pad("Param #", c3) + "\n";
  out += double_rule + "\n";
  auto row = [&](const std::shared_ptr<Layer>& layer, const std::vector<Shape>& shapes) {
    std::string shape_text;
    for (std::size_t i = 0; i < shapes.size(); ++i)
      shape_text += (i ? ", " : "") + keras_shape(shapes[i]);
    if (shapes.size() > 1) shape_text = "[" + shape_text + "]";
    out += pad(" " + layer->name() + " (" + layer->class_name() + ")", c1) + pad(shape_text, c2) +
           pad(std::to_string(layer->param_count()), c3) + "\n";
  };
  std::set<const Layer*> shown;
  if (!sequential_)
    for (const auto& n : input_nodes_) row(n->layer, n->output_shapes);
  for (const auto& n : order_)
    if (shown.insert(n->layer.get()).second) row(n->layer, n->output_shapes);
  for (const auto& l : pending_) row(l, {});
  std::size_t total = 0, trainable = 0;
  for (const Param& p : params()) {
    total += p.value->size();
    if (p.trainable) trainable += p.value->size();
  }
  out += double_rule + "\n";
  out += "Total params: " + std::to_string(total) + "\n";
  out += "Trainable params: " + std::to_string(trainable) + "\n";
  out += "Non-trainable params: " + std::to_string(total - trainable) + "\n";
  out += rule + "\n";
  return out;
}

}  // namespace simdnn
