// Activation names as they appear in Keras configs and the TF.js-style JS API.
#include <array>
#include <utility>

#include "core/error.hpp"
#include "kernels/activations.hpp"

namespace simdnn::kernels {
namespace {

// Canonical Keras names first (activation_name returns these), then the aliases.
constexpr std::array<std::pair<std::string_view, Activation>, 12> canonical_names{{
    {"linear", Activation::linear},
    {"relu", Activation::relu},
    {"leaky_relu", Activation::leaky_relu},
    {"elu", Activation::elu},
    {"selu", Activation::selu},
    {"sigmoid", Activation::sigmoid},
    {"tanh", Activation::tanh},
    {"softmax", Activation::softmax},
    {"softplus", Activation::softplus},
    {"gelu", Activation::gelu},
    {"swish", Activation::swish},
    {"hard_sigmoid", Activation::hard_sigmoid},
}};

// Keras calls swish "silu" too; TF.js spells the two-word names in camelCase.
constexpr std::array<std::pair<std::string_view, Activation>, 3> alias_names{{
    {"silu", Activation::swish},
    {"leakyRelu", Activation::leaky_relu},
    {"hardSigmoid", Activation::hard_sigmoid},
}};

}  // namespace

Activation activation_from_name(std::string_view name) {
  for (const auto& [known, kind] : canonical_names)
    if (known == name) return kind;
  for (const auto& [known, kind] : alias_names)
    if (known == name) return kind;
  std::string known_list;
  for (const auto& entry : canonical_names) {
    if (!known_list.empty()) known_list += ", ";
    known_list += entry.first;
  }
  for (const auto& entry : alias_names) {
    known_list += ", ";
    known_list += entry.first;
  }
  fail("activation_from_name: unknown activation '", name, "'; known activations: ", known_list);
}

std::string activation_name(Activation a) {
  for (const auto& [known, kind] : canonical_names)
    if (kind == a) return std::string(known);
  fail("activation_name: invalid Activation value ", static_cast<int>(a));
}

}  // namespace simdnn::kernels
