#pragma once
// Word-level tokenizer with Keras Tokenizer(num_words, oov_token) semantics, on the words of
// text/words.hpp.
//
// Ids: 0 = padding (never produced for a word), 1 = out-of-vocabulary, 2.. = the kept words by
// rank. `num_words` is the id range, as in Keras: ids are always < num_words, so it is also the
// Embedding's input_dim, and at most num_words - 2 words are kept. Rank = count in the fitted
// texts, descending; ties go to the word seen first (deterministic, unlike a hash-map order).
//
// Vocabulary JSON (to_json/from_json, shipped next to a model):
//   {"format": "simdnn-vocabulary", "version": 1, "padding": 0, "oov": 1,
//    "num_words": N, "words": ["the", "and", ...]}          words[i] has id i + 2
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/json.hpp"
#include "text/sequences.hpp"

namespace simdnn::text {

class Tokenizer {
 public:
  static constexpr std::int32_t padding_id = 0;
  static constexpr std::int32_t oov_id = 1;
  static constexpr std::int32_t first_word_id = 2;

  explicit Tokenizer(int num_words);

  // Adds the words of `texts` to the counts (repeated calls accumulate, as in Keras) and
  // re-ranks the vocabulary.
  void fit_on_texts(std::span<const std::string> texts);

  std::int32_t word_id(std::string_view word) const;  // oov_id when not in the vocabulary
  std::vector<std::int32_t> text_to_sequence(std::string_view text) const;
  Sequences texts_to_sequences(std::span<const std::string> texts) const;

  int num_words() const { return num_words_; }
  // The kept words by rank: words()[i] has id i + first_word_id.
  const std::vector<std::string>& words() const { return words_; }
  // Distinct words counted by fit_on_texts (kept or not); 0 for a loaded vocabulary.
  std::size_t counted_words() const { return counts_.size(); }
  std::uint64_t document_count() const { return document_count_; }

  Json to_json() const;
  static Tokenizer from_json(const Json& json);

 private:
  struct Count {
    std::uint64_t count = 0;
    std::uint64_t first_seen = 0;  // order of first occurrence, the tie-break
  };
  void set_words(std::vector<std::string> words);

  int num_words_;
  bool loaded_ = false;  // from JSON: no counts to fit on top of
  std::uint64_t document_count_ = 0;
  std::unordered_map<std::string, Count> counts_;
  std::vector<std::string> words_;
  std::unordered_map<std::string, std::int32_t> ids_;
};

}  // namespace simdnn::text
