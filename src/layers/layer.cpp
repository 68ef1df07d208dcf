#include "layers/layer.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <new>

#include "core/error.hpp"
#include "kernels/elementwise.hpp"

namespace simdnn {

void RowSparseGrad::clear(Tensor& grad) {
  const std::size_t width = touched.empty() ? 0 : grad.size() / touched.size();
  for (int row : rows) {
    std::fill_n(grad.data() + static_cast<std::size_t>(row) * width, width, 0.0f);
    touched[static_cast<std::size_t>(row)] = 0;
  }
  rows.clear();
}

Layer::Layer(std::string name) : name_(std::move(name)) {}
Layer::~Layer() = default;

const std::string& Layer::context() const {
  if (context_.empty()) context_ = class_name() + " '" + name_ + "'";
  return context_;
}

// An output no batch could hold (hostile configs: padding or units of 1e9) is refused here,
// with the layer named, instead of failing later in an allocation that cannot say whose it was.
namespace {
void check_output_size(const std::string& context, const Shape& sample_shape) {
  constexpr std::uint64_t kMaxValuesPerSample = std::uint64_t(1) << 30;
  std::uint64_t values = 1;
  for (int d : sample_shape) {
    check(d >= 0, context, ": output shape ", batch_shape_text(sample_shape), " has a negative extent");
    values = std::min(values * static_cast<std::uint64_t>(d), kMaxValuesPerSample + 1);
  }
  check(values <= kMaxValuesPerSample, context, ": output shape ", batch_shape_text(sample_shape),
        " is too large (more than 2^30 values per sample)");
}
}  // namespace

std::vector<Shape> Layer::build(const std::vector<Shape>& input_shapes, Rng& rng) {
  const int expected = expected_inputs();
  if (expected >= 0) {
    check(static_cast<int>(input_shapes.size()) == expected, context(), ": expected ", expected,
          " input(s), got ", input_shapes.size());
  } else {
    check(!input_shapes.empty(), context(), ": expected at least one input, got none");
  }
  if (built_) {
    check(input_shapes == input_shapes_, context(), ": already built for input shape ",
          batch_shape_text(input_shapes_.at(0)), ", cannot be called on ",
          batch_shape_text(input_shapes.at(0)));
    return output_shapes_;
  }
  try {
    output_shapes_ = do_build(input_shapes, rng);
  } catch (const Error& e) {
    // Allocation and shape helpers fail without knowing the layer: name it for them.
    const std::string message = e.what();
    if (message.find(context()) != std::string::npos) throw;
    fail(context(), ": ", message);
  } catch (const std::bad_alloc&) {
    fail(context(), ": out of memory allocating the weights for input ",
         batch_shape_str(input_shapes.at(0)));
  }
  for (const Shape& s : output_shapes_) check_output_size(context(), s);
  input_shapes_ = input_shapes;
  built_ = true;
  return output_shapes_;
}

std::size_t Layer::param_count() {
  std::size_t n = 0;
  for (const Param& p : params()) n += p.value->size();
  return n;
}

std::size_t Layer::trainable_param_count() {
  if (!trainable_) return 0;
  std::size_t n = 0;
  for (const Param& p : params())
    if (p.trainable) n += p.value->size();
  return n;
}

Json Layer::base_config() const {
  Json config{{"name", name_}, {"trainable", trainable_}};
  if (declared_input_shape_) {
    Json batch_shape = Json::array({nullptr});
    for (int d : *declared_input_shape_) batch_shape.push_back(d);
    config["batch_input_shape"] = batch_shape;
  }
  return config;
}

void Layer::check_inputs(const LayerCall& call) const {
  // Runs on every forward: the messages (context(), shape strings) are built only on
  // failure, as check() would build them eagerly on every call (visible in batch-1 profiles).
  if (!built_) fail(context(), ": called before it was built");
  if (call.inputs.size() != input_shapes_.size())
    fail(context(), ": expected ", input_shapes_.size(), " input(s), got ", call.inputs.size());
  int batch = -1;
  for (std::size_t i = 0; i < call.inputs.size(); ++i) {
    const Tensor* x = call.inputs[i];
    if (x == nullptr) fail(context(), ": input ", i, " is missing");
    const Shape& s = x->shape();
    const bool ok = s.size() == input_shapes_[i].size() + 1 &&
                    std::equal(input_shapes_[i].begin(), input_shapes_[i].end(), s.begin() + 1);
    if (!ok)
      fail(context(), ": expected input", (call.inputs.size() > 1 ? " " + std::to_string(i) : ""),
           " of shape ", batch_shape_str(input_shapes_[i]), ", got ", shape_str(s));
    if (batch < 0) batch = s[0];
    if (s[0] != batch)
      fail(context(), ": inputs disagree on batch size (", batch, " vs ", s[0], ")");
  }
}

const Tensor* first_input_mask(const LayerCall& call) {
  return call.input_masks.empty() ? nullptr : call.input_masks[0];
}

void Layer::compute_output_masks(LayerCall& call) const {
  call.output_masks.assign(call.outputs.size(), Tensor());
  const Tensor* mask = propagates_mask() ? first_input_mask(call) : nullptr;
  if (!mask) return;
  for (std::size_t k = 0; k < call.outputs.size(); ++k) {
    const Tensor& y = call.outputs[k];
    // Masks are read-only downstream, so outputs share the input's mask instead of copying it.
    if (y.rank() >= 3 && y.dim(0) == mask->dim(0) && y.dim(1) == mask->dim(1)) call.output_masks[k] = *mask;
  }
}

void intersect_input_masks(LayerCall& call) {
  call.output_masks.assign(call.outputs.size(), Tensor());
  const Tensor& y = call.outputs[0];
  Tensor* merged = nullptr;
  for (const Tensor* mask : call.input_masks) {
    if (!mask || y.rank() < 3 || mask->dim(0) != y.dim(0) || mask->dim(1) != y.dim(1)) continue;
    if (!merged) {
      merged = &call.output_masks[0];
      merged->resize(mask->shape());
      merged->copy_from(*mask);
    } else {
      kernels::mul(merged->data(), mask->data(), merged->data(), merged->size());
    }
  }
}

void Layer::check_grad_outputs(const LayerCall& call) const {
  // Messages built only on failure, as in check_inputs.
  if (call.grad_outputs.size() != call.outputs.size())
    fail(context(), ": expected ", call.outputs.size(), " output gradient(s), got ",
         call.grad_outputs.size());
  for (std::size_t i = 0; i < call.outputs.size(); ++i) {
    if (!call.grad_outputs[i] || call.grad_outputs[i]->shape() != call.outputs[i].shape())
      fail(context(), ": expected output gradient of shape ", shape_str(call.outputs[i].shape()),
           ", got ", call.grad_outputs[i] ? shape_str(call.grad_outputs[i]->shape()) : "none");
  }
}

std::string unique_layer_name(const std::string& prefix) {
  static std::map<std::string, int> counters;
  const int n = counters[prefix]++;
  return n == 0 ? prefix : prefix + "_" + std::to_string(n);
}

std::string snake_case(const std::string& class_name) {
  std::string out;
  for (std::size_t i = 0; i < class_name.size(); ++i) {
    const char c = class_name[i];
    if (std::isupper(static_cast<unsigned char>(c))) {
      const bool prev_lower = i > 0 && std::islower(static_cast<unsigned char>(class_name[i - 1]));
      const bool next_lower = i + 1 < class_name.size() &&
                              std::islower(static_cast<unsigned char>(class_name[i + 1]));
      // Keras' to_snake_case: '_' before Upper+lower and between lower and Upper.
      if (i > 0 && (prev_lower || next_lower))
        out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace simdnn
