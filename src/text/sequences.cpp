#include "text/sequences.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "core/error.hpp"

namespace simdnn::text {

void Sequences::push_back(std::span<const std::int32_t> sequence) {
  check(ids.size() + sequence.size() <= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()),
        "Sequences: more than 2^31 - 1 ids in total");
  ids.insert(ids.end(), sequence.begin(), sequence.end());
  offsets.push_back(static_cast<std::int32_t>(ids.size()));
}

Sequences Sequences::from_flat(std::vector<std::int32_t> ids, std::vector<std::int32_t> offsets) {
  check(!offsets.empty() && offsets.front() == 0, "Sequences: offsets must start with 0, got ",
        offsets.empty() ? std::string("no offsets") : std::to_string(offsets.front()));
  for (std::size_t i = 1; i < offsets.size(); ++i)
    check(offsets[i] >= offsets[i - 1], "Sequences: offsets must not decrease, got ", offsets[i - 1],
          " then ", offsets[i], " at position ", i);
  check(static_cast<std::size_t>(offsets.back()) == ids.size(), "Sequences: the last offset must be the id count ",
        ids.size(), ", got ", offsets.back());
  Sequences out;
  out.ids = std::move(ids);
  out.offsets = std::move(offsets);
  return out;
}

Sequences Sequences::from_nested(const std::vector<std::vector<std::int32_t>>& nested) {
  Sequences out;
  for (const auto& s : nested) out.push_back(s);
  return out;
}

PaddedSequences pad_sequences(const Sequences& sequences, const PadOptions& options) {
  const auto check_end = [](std::string_view which, std::string_view got) {
    check(got == "pre" || got == "post", "pad_sequences: ", which, " must be 'pre' or 'post', got '", got, "'");
  };
  check_end("padding", options.padding);
  check_end("truncating", options.truncating);
  std::size_t cols = 0;
  if (options.maxlen) {
    // Keras accepts maxlen 0 only by accident (s[-0:] keeps everything, then fails to fit it).
    check(*options.maxlen > 0, "pad_sequences: maxlen must be a positive integer, got ", *options.maxlen);
    cols = static_cast<std::size_t>(*options.maxlen);
  } else {
    for (std::size_t i = 0; i < sequences.size(); ++i) cols = std::max(cols, sequences[i].size());
  }
  check(sequences.size() == 0 || cols <= std::numeric_limits<std::int32_t>::max() / sequences.size(),
        "pad_sequences: ", sequences.size(), " rows of ", cols, " values do not fit in one int32-indexed buffer");

  PaddedSequences out;
  out.rows = sequences.size();
  out.cols = cols;
  out.values.assign(out.rows * cols, options.value);
  const bool cut_front = options.truncating == "pre";
  const bool pad_front = options.padding == "pre";
  for (std::size_t r = 0; r < out.rows; ++r) {
    const auto s = sequences[r];
    const std::size_t kept = std::min(s.size(), cols);
    const auto first = cut_front ? s.end() - static_cast<std::ptrdiff_t>(kept) : s.begin();
    auto* row = out.values.data() + r * cols;
    std::copy(first, first + static_cast<std::ptrdiff_t>(kept), pad_front ? row + (cols - kept) : row);
  }
  return out;
}

}  // namespace simdnn::text
