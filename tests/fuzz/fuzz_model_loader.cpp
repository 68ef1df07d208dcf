// libFuzzer target: the model loader on hostile files. Input = model.json text, one NUL byte,
// then the weight bytes (no NUL: all of it is JSON and the weights are empty). A model that
// loads is also run once on a zero batch, so fuzzed layer configs reach build and forward.
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "core/json_parse.hpp"
#include "core/tensor.hpp"
#include "fuzz_support.hpp"
#include "model/model_io.hpp"

namespace {

// Bounds the forward pass: the loader's job is to refuse, running big models is not.
constexpr std::size_t kMaxInputFloats = 1 << 16;

void run_once(simdnn::Model& model) {
  std::vector<simdnn::Tensor> inputs;
  for (const auto& shape : model.model_input_shapes()) {
    simdnn::Shape batch = simdnn::with_batch(1, shape);
    if (simdnn::shape_size(batch) > kMaxInputFloats) return;
    inputs.emplace_back(batch, 0.0f);
  }
  model.predict_on_batch(inputs);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto* nul = static_cast<const std::uint8_t*>(std::memchr(data, 0, size));
  const std::size_t json_size = nul ? static_cast<std::size_t>(nul - data) : size;
  const std::string_view text(reinterpret_cast<const char*>(data), json_size);
  const std::span<const std::uint8_t> weights =
      nul ? std::span<const std::uint8_t>(nul + 1, data + size) : std::span<const std::uint8_t>();
  simdnn::fuzz::expect_clean([&] {
    // The same parse the JS binding uses, with its nesting limit.
    const simdnn::Json model_json = simdnn::parse_json_text(text, "model.json");
    auto model = simdnn::load_artifacts(model_json, weights);
    run_once(*model);
  });
  return 0;
}
