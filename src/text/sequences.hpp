#pragma once
// Ragged integer sequences (token ids per text) and Keras' pad_sequences.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace simdnn::text {

// Many sequences in one flat buffer: sequence i is ids[offsets[i] .. offsets[i + 1]).
// One allocation for 25,000 reviews, and the layout the JS side receives as two Int32Arrays.
struct Sequences {
  std::vector<std::int32_t> ids;
  std::vector<std::int32_t> offsets{0};

  std::size_t size() const { return offsets.size() - 1; }
  std::span<const std::int32_t> operator[](std::size_t i) const {
    return {ids.data() + offsets[i], static_cast<std::size_t>(offsets[i + 1] - offsets[i])};
  }
  void push_back(std::span<const std::int32_t> sequence);
  // From JS or a file: checks that the offsets start at 0, never decrease and end at ids.size().
  static Sequences from_flat(std::vector<std::int32_t> ids, std::vector<std::int32_t> offsets);
  static Sequences from_nested(const std::vector<std::vector<std::int32_t>>& nested);
};

// A [rows, cols] int32 matrix, row-major.
struct PaddedSequences {
  std::vector<std::int32_t> values;
  std::size_t rows = 0;
  std::size_t cols = 0;
};

struct PadOptions {
  std::optional<int> maxlen;        // none: the longest sequence's length
  std::string_view padding = "pre";     // where `value` goes: "pre" (left) or "post" (right)
  std::string_view truncating = "pre";  // which end of a long sequence is cut: "pre" or "post"
  std::int32_t value = 0;
};

// Keras pad_sequences: every row has exactly `maxlen` entries. Errors name the function,
// the expected and the received value.
PaddedSequences pad_sequences(const Sequences& sequences, const PadOptions& options = {});

}  // namespace simdnn::text
