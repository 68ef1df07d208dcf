#include "text/tokenizer.hpp"

#include <algorithm>
#include <unordered_set>

#include "core/error.hpp"
#include "text/words.hpp"

namespace simdnn::text {
namespace {
constexpr const char* format_name = "simdnn-vocabulary";
constexpr int format_version = 1;
}  // namespace

Tokenizer::Tokenizer(int num_words) : num_words_(num_words) {
  check(num_words >= 3, "Tokenizer: num_words must be at least 3 (ids 0 = padding, 1 = OOV, then words), got ",
        num_words);
}

void Tokenizer::fit_on_texts(std::span<const std::string> texts) {
  check(!loaded_, "Tokenizer.fit_on_texts: this vocabulary was loaded from JSON and has no word counts; "
                  "fit a new Tokenizer instead");
  std::uint64_t seen = counts_.size();
  for (const std::string& text : texts) {
    for_each_word(standardize(text), [&](std::string_view word) {
      auto [it, inserted] = counts_.try_emplace(std::string(word));
      if (inserted) it->second.first_seen = seen++;
      ++it->second.count;
    });
    ++document_count_;
  }
  std::vector<const std::pair<const std::string, Count>*> ranked;
  ranked.reserve(counts_.size());
  for (const auto& entry : counts_) ranked.push_back(&entry);
  const std::size_t kept = std::min(ranked.size(), static_cast<std::size_t>(num_words_ - first_word_id));
  const auto by_rank = [](const auto* a, const auto* b) {
    if (a->second.count != b->second.count) return a->second.count > b->second.count;
    return a->second.first_seen < b->second.first_seen;
  };
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(kept), ranked.end(), by_rank);
  std::vector<std::string> words;
  words.reserve(kept);
  for (std::size_t i = 0; i < kept; ++i) words.push_back(ranked[i]->first);
  set_words(std::move(words));
}

void Tokenizer::set_words(std::vector<std::string> words) {
  words_ = std::move(words);
  ids_.clear();
  ids_.reserve(words_.size());
  for (std::size_t i = 0; i < words_.size(); ++i)
    ids_.emplace(words_[i], static_cast<std::int32_t>(i) + first_word_id);
}

std::int32_t Tokenizer::word_id(std::string_view word) const {
  const auto it = ids_.find(std::string(word));
  return it == ids_.end() ? oov_id : it->second;
}

std::vector<std::int32_t> Tokenizer::text_to_sequence(std::string_view text) const {
  std::vector<std::int32_t> out;
  for_each_word(standardize(text), [&](std::string_view word) { out.push_back(word_id(word)); });
  return out;
}

Sequences Tokenizer::texts_to_sequences(std::span<const std::string> texts) const {
  Sequences out;
  out.offsets.reserve(texts.size() + 1);
  for (const std::string& text : texts) out.push_back(text_to_sequence(text));
  return out;
}

Json Tokenizer::to_json() const {
  return Json{{"format", format_name}, {"version", format_version}, {"padding", padding_id},
              {"oov", oov_id},         {"num_words", num_words_},    {"words", words_}};
}

Tokenizer Tokenizer::from_json(const Json& json) {
  const char* where = "Tokenizer.from_json";
  check(json.is_object(), where, ": expected a vocabulary object, got JSON ", json.type_name());
  const auto field = [&](const char* key) -> const Json& {
    check(json.contains(key), where, ": missing \"", key, "\"");
    return json.at(key);
  };
  check(field("format") == format_name, where, ": format must be \"", format_name, "\", got ", field("format").dump());
  check(field("version") == format_version, where, ": version must be ", format_version, ", got ",
        field("version").dump());
  check(field("padding") == padding_id, where, ": padding id must be ", padding_id, ", got ", field("padding").dump());
  check(field("oov") == oov_id, where, ": oov id must be ", oov_id, ", got ", field("oov").dump());
  const Json& n = field("num_words");
  check(n.is_number_integer(), where, ": num_words must be an integer, got ", n.dump());
  Tokenizer out(n.get<int>());
  const Json& words = field("words");
  check(words.is_array(), where, ": words must be an array of strings, got JSON ", words.type_name());
  check(words.size() <= static_cast<std::size_t>(out.num_words_ - first_word_id), where, ": ", words.size(),
        " words do not fit in num_words ", out.num_words_, " (at most num_words - 2)");
  std::vector<std::string> list;
  std::unordered_set<std::string> unique;
  for (std::size_t i = 0; i < words.size(); ++i) {
    check(words[i].is_string(), where, ": words[", i, "] must be a string, got ", words[i].dump());
    std::string word = words[i].get<std::string>();
    // A word our standardisation could never produce means the vocabulary was built with other
    // rules: its ids would silently never match.
    check(!word.empty() && word.find(' ') == std::string::npos && standardize(word) == word, where, ": words[", i, "] = ", words[i].dump(),
          " is not a standardised single word");
    check(unique.insert(word).second, where, ": words[", i, "] = ", words[i].dump(), " appears twice");
    list.push_back(std::move(word));
  }
  out.set_words(std::move(list));
  out.loaded_ = true;
  return out;
}

}  // namespace simdnn::text
