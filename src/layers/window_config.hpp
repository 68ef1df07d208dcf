#pragma once
// Config pieces shared by the convolution, pooling, padding and cropping layers: window
// extents given as an int or a list (Keras kernel_size, strides, pool_size, dilation_rate),
// the padding mode, and the 2-D margins of ZeroPadding2D / Cropping2D.
#include <array>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "kernels/conv.hpp"
#include "layers/config_reader.hpp"

namespace simdnn {

// `rank` positive integers from an int (repeated) or a list of `rank` ints. A missing key
// gives `fallback`; an empty fallback makes the key required.
std::vector<int> read_extents(ConfigReader& reader, const std::string& key, int rank,
                              const std::vector<int>& fallback);
// Validates extents passed from C++ (options structs): one value (repeated) or `rank` values,
// all positive. Errors start with `context` and name the option.
std::vector<int> checked_extents(const std::vector<int>& values, int rank, const std::string& what,
                                 const std::string& context);
Json extents_json(const std::vector<int>& values);

// "valid" | "same", plus "causal" when allowed (1-D convolutions).
kernels::Padding parse_padding(const std::string& name, bool allow_causal,
                               const std::string& context);

// Keras data_format: only channels_last (or null) is accepted.
void read_channels_last(ConfigReader& reader);

// {top, bottom, left, right} from an int, [h, w] (symmetric) or [[top, bottom], [left, right]],
// all >= 0 (Keras ZeroPadding2D padding, Cropping2D cropping).
using Margins2D = std::array<int, 4>;
Margins2D read_margins(ConfigReader& reader, const std::string& key, int fallback);
Margins2D parse_margins(const Json& value, const std::string& key, const std::string& context);
Json margins_json(const Margins2D& margins);  // [[top, bottom], [left, right]]

}  // namespace simdnn
