#pragma once
// Test support for layers: run a layer on its own (no model), check its gradients by
// central differences, and round-trip it through its config.
//
// The gradient check uses the loss L = sum_j r_j * output_j with a fixed random r, so
// dL/doutput = r is what backward receives, and compares backward's dL/dinput and every
// trainable parameter gradient with (L(v + h) - L(v - h)) / 2h on each element (or a fixed
// random subset of large tensors). It also checks the LayerCall contract: parameter
// gradients accumulate (+=), grad_inputs are overwritten, and repeated calls reuse buffers.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "core/shape.hpp"
#include "core/tensor.hpp"
#include "layers/layer.hpp"
#include "layers/registry.hpp"

namespace simdnn::test {

inline Tensor random_tensor(const Shape& shape, Rng& rng, float low = -1.0f, float high = 1.0f) {
  Tensor t(shape);
  for (float& v : t.span()) v = rng.uniform(low, high);
  return t;
}

inline std::vector<Shape> sample_shapes(const std::vector<Tensor>& inputs) {
  std::vector<Shape> shapes;
  for (const Tensor& x : inputs) shapes.push_back(without_batch(x.shape()));
  return shapes;
}

// Builds the layer for these inputs on first use (weights from Rng(seed)).
inline void build_for(Layer& layer, const std::vector<Tensor>& inputs, std::uint64_t seed = 1) {
  Rng rng(seed);
  layer.build(sample_shapes(inputs), rng);
}

// The call keeps pointers into `inputs`, so a temporary vector is refused.
inline void set_inputs(LayerCall& call, const std::vector<Tensor>& inputs) {
  call.inputs.clear();
  for (const Tensor& x : inputs) call.inputs.push_back(&x);
}
void set_inputs(LayerCall& call, std::vector<Tensor>&& inputs) = delete;

// One forward pass of a layer on its own; returns copies of the outputs.
inline std::vector<Tensor> run_forward(Layer& layer, const std::vector<Tensor>& inputs,
                                       bool training = false, std::uint64_t rng_seed = 7,
                                       const Tensor* mask = nullptr) {
  if (!layer.built()) build_for(layer, inputs);
  Rng rng(rng_seed);
  LayerCall call;
  set_inputs(call, inputs);
  if (mask) call.input_masks = {mask};
  call.training = training;
  call.rng = &rng;
  layer.forward(call);
  std::vector<Tensor> outputs;
  for (const Tensor& y : call.outputs) outputs.push_back(y.clone());
  return outputs;
}

inline float max_abs_difference(const Tensor& a, const Tensor& b) {
  REQUIRE(a.shape() == b.shape());
  float worst = 0.0f;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(a[i] - b[i]));
  return worst;
}

struct GradCheckOptions {
  bool training = false;
  std::uint64_t rng_seed = 7;  // call.rng is reset to this state before every forward
  std::uint64_t projection_seed = 99;
  float step = 1e-3f;
  float tolerance = 2e-3f;  // |analytic - numeric| <= tolerance * max(1, |a|, |n|)
  std::size_t max_elements_per_tensor = 96;
  const Tensor* mask = nullptr;  // a [batch, time] mask on the first input
};

namespace detail {

// Indices to probe: all of them, or a fixed random subset of large tensors.
inline std::vector<std::size_t> probe_indices(std::size_t size, std::size_t cap, Rng& rng) {
  std::vector<std::size_t> indices;
  if (size <= cap) {
    for (std::size_t i = 0; i < size; ++i) indices.push_back(i);
  } else {
    for (std::size_t i = 0; i < cap; ++i) indices.push_back(rng.below(static_cast<std::uint32_t>(size)));
  }
  return indices;
}

class Prober {
 public:
  Prober(Layer& layer, std::vector<Tensor>& inputs, const std::vector<Tensor>& projections,
         const GradCheckOptions& options)
      : layer_(layer), projections_(projections), options_(options) {
    set_inputs(call_, inputs);
    if (options.mask) call_.input_masks = {options.mask};
    call_.training = options.training;
    call_.rng = &rng_;
  }

  double loss() {
    rng_.reseed(options_.rng_seed);
    layer_.forward(call_);
    double total = 0.0;
    for (std::size_t o = 0; o < projections_.size(); ++o)
      for (std::size_t i = 0; i < projections_[o].size(); ++i)
        total += static_cast<double>(projections_[o][i]) * call_.outputs[o][i];
    return total;
  }

  // Compares `analytic` with central differences of the loss in the values of `target`.
  void compare(const std::string& what, Tensor& target, const Tensor& analytic,
               Rng& index_rng, std::ostringstream& report, int& failures) {
    REQUIRE(analytic.shape() == target.shape());
    for (std::size_t i : probe_indices(target.size(), options_.max_elements_per_tensor, index_rng)) {
      const float original = target[i];
      const float plus = original + options_.step, minus = original - options_.step;
      target[i] = plus;
      const double loss_plus = loss();
      target[i] = minus;
      const double loss_minus = loss();
      target[i] = original;
      // Divide by the step actually taken after float rounding.
      const double numeric = (loss_plus - loss_minus) / (double(plus) - double(minus));
      const double a = analytic[i];
      const double allowed = options_.tolerance * std::max({1.0, std::fabs(a), std::fabs(numeric)});
      if (!(std::fabs(a - numeric) <= allowed)) {
        if (++failures <= 12)
          report << what << "[" << i << "]: analytic " << a << ", numeric " << numeric << "\n";
      }
    }
  }

 private:
  Layer& layer_;
  const std::vector<Tensor>& projections_;
  const GradCheckOptions& options_;
  Rng rng_;
  LayerCall call_;
};

}  // namespace detail

inline void check_gradients(Layer& layer, const std::vector<Tensor>& original_inputs,
                            const GradCheckOptions& options = {}) {
  INFO(layer.context() << (options.training ? " (training)" : " (inference)"));
  if (!layer.built()) build_for(layer, original_inputs);
  std::vector<Tensor> inputs;
  for (const Tensor& x : original_inputs) inputs.push_back(x.clone());

  Rng rng(options.rng_seed);
  LayerCall call;
  set_inputs(call, inputs);
  if (options.mask) call.input_masks = {options.mask};
  call.training = options.training;
  call.rng = &rng;
  call.need_input_grads = true;
  layer.forward(call);

  Rng projection_rng(options.projection_seed);
  std::vector<Tensor> projections;
  for (const Tensor& y : call.outputs) projections.push_back(random_tensor(y.shape(), projection_rng));
  call.grad_outputs.clear();
  for (const Tensor& r : projections) call.grad_outputs.push_back(&r);

  // Analytic gradients from zeroed parameter gradients.
  std::vector<Param> params = layer.params();
  for (Param& p : params)
    if (p.grad) p.grad->fill(0.0f);
  layer.backward(call);
  REQUIRE(call.grad_inputs.size() == inputs.size());
  std::vector<Tensor> input_grads, param_grads;
  for (const Tensor& g : call.grad_inputs) input_grads.push_back(g.clone());
  for (Param& p : params) param_grads.push_back(p.grad ? p.grad->clone() : Tensor());

  // Contract: a second forward/backward on the same call reuses its buffers, overwrites
  // grad_inputs (filled with junk first) and adds into the parameter gradients.
  std::vector<const float*> output_buffers;
  for (const Tensor& y : call.outputs) output_buffers.push_back(y.data());
  std::vector<Tensor> preset;
  Rng preset_rng(options.projection_seed + 1);
  for (Param& p : params) {
    preset.push_back(p.grad ? random_tensor(p.grad->shape(), preset_rng) : Tensor());
    if (p.grad) p.grad->copy_from(preset.back());
  }
  for (Tensor& g : call.grad_inputs) g.fill(12345.0f);
  rng.reseed(options.rng_seed);
  layer.forward(call);
  for (std::size_t o = 0; o < call.outputs.size(); ++o)
    CHECK(call.outputs[o].data() == output_buffers[o]);
  layer.backward(call);
  for (std::size_t i = 0; i < inputs.size(); ++i)
    CHECK(max_abs_difference(call.grad_inputs[i], input_grads[i]) == 0.0f);
  for (std::size_t k = 0; k < params.size(); ++k) {
    if (!params[k].grad) continue;
    INFO("gradient of " << params[k].name << " must accumulate");
    for (std::size_t i = 0; i < preset[k].size(); ++i) {
      const float expected = preset[k][i] + param_grads[k][i];
      REQUIRE((*params[k].grad)[i] == Approx(expected).margin(1e-6).epsilon(1e-5));
    }
  }

  // Central differences.
  detail::Prober prober(layer, inputs, projections, options);
  std::ostringstream report;
  int failures = 0;
  Rng index_rng(options.projection_seed + 2);
  for (std::size_t i = 0; i < inputs.size(); ++i)
    prober.compare("input " + std::to_string(i), inputs[i], input_grads[i], index_rng, report,
                   failures);
  for (std::size_t k = 0; k < params.size(); ++k)
    if (params[k].grad && params[k].trainable)
      prober.compare(params[k].name, *params[k].value, param_grads[k], index_rng, report, failures);
  INFO(failures << " mismatches; first ones:\n" << report.str());
  CHECK(failures == 0);
}

// config() -> JSON text -> LayerRegistry::create: same class and config; a built layer's
// copy is built for the same input shapes and gets the same weights.
inline std::shared_ptr<Layer> round_trip(Layer& layer) {
  const Json config = layer.config();
  const Json reparsed = Json::parse(config.dump());
  std::shared_ptr<Layer> copy = LayerRegistry::create(layer.class_name(), reparsed);
  REQUIRE(copy->class_name() == layer.class_name());
  CHECK(copy->config() == config);
  if (layer.built()) {
    Rng rng(4242);  // different from the original's seed: the weights must come from the copy
    copy->build(layer.input_shapes(), rng);
    std::vector<Param> from = layer.params(), to = copy->params();
    REQUIRE(from.size() == to.size());
    for (std::size_t k = 0; k < from.size(); ++k) {
      REQUIRE(from[k].name == to[k].name);
      REQUIRE(from[k].value->shape() == to[k].value->shape());
      to[k].value->copy_from(*from[k].value);
    }
  }
  return copy;
}

}  // namespace simdnn::test
