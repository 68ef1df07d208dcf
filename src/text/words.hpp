#pragma once
// Text standardisation shared by the Tokenizer and anything that needs the same words.
//
// The rules (Keras Tokenizer defaults, plus what raw IMDB reviews need):
//  - `<br />`, `<br/>`, `<br>` (any case, spaces before the slash) become a space, so the HTML line
//    breaks of the reviews never produce a word "br".
//  - Lowercasing: ASCII and Latin-1 capitals (À–Þ except ×); other scripts keep their case.
//  - Separators (split points, never part of a word): whitespace, ASCII controls, every ASCII
//    punctuation character except the apostrophe (Keras' default `filters`), the Latin-1
//    punctuation and symbols U+0080–U+00BF plus × and ÷, the General Punctuation block
//    U+2000–U+206F (curly quotes, dashes, ellipsis), U+3000, U+FEFF, and bytes that are not
//    valid UTF-8 (so a word is always valid UTF-8).
//  - Apostrophes: ' and the look-alikes ´ ‘ ’ become '. They are kept inside a word ("don't",
//    "costner's") and dropped at its start or end ("'quoted'" -> quoted); a run of them inside a
//    word becomes one. Keras' default filters keep every apostrophe; we drop the quoting ones
//    because "'good" and "good" are the same word.
//  - Everything else (letters and digits of any script) is part of a word.
#include <string>
#include <string_view>
#include <vector>

namespace simdnn::text {

// The words of `text`, joined by single spaces.
std::string standardize(std::string_view text);

// The words of `text`, in order.
std::vector<std::string> split_words(std::string_view text);

// Calls visit(std::string_view word) for each word of a standardised string.
template <typename Visit>
void for_each_word(std::string_view standardized, Visit&& visit) {
  std::size_t start = 0;
  while (start < standardized.size()) {
    std::size_t end = standardized.find(' ', start);
    if (end == std::string_view::npos) end = standardized.size();
    if (end > start) visit(standardized.substr(start, end - start));
    start = end + 1;
  }
}

}  // namespace simdnn::text
