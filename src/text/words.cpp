#include "text/words.hpp"

#include <cstdint>

namespace simdnn::text {
namespace {

enum class Kind { word, apostrophe, separator };

struct CodePoint {
  std::uint32_t value;
  std::size_t length;  // bytes consumed; an invalid byte is consumed alone as U+FFFD
};

constexpr std::uint32_t invalid = 0xFFFD;

CodePoint decode(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return {lead, 1};
  std::size_t length = 0;
  std::uint32_t value = 0;
  std::uint32_t minimum = 0;
  if ((lead & 0xE0) == 0xC0) { length = 2; value = lead & 0x1F; minimum = 0x80; }
  else if ((lead & 0xF0) == 0xE0) { length = 3; value = lead & 0x0F; minimum = 0x800; }
  else if ((lead & 0xF8) == 0xF0) { length = 4; value = lead & 0x07; minimum = 0x10000; }
  else return {invalid, 1};
  if (i + length > s.size()) return {invalid, 1};
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {invalid, 1};
    value = (value << 6) | (byte(i + k) & 0x3F);
  }
  // Overlong forms, surrogates and values past Unicode would let two spellings of one word differ.
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return {invalid, 1};
  return {value, length};
}

void encode(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool is_ascii_word(std::uint32_t cp) {
  return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
}

Kind classify(std::uint32_t cp) {
  if (cp < 0x80) {
    if (cp == '\'') return Kind::apostrophe;
    return is_ascii_word(cp) ? Kind::word : Kind::separator;
  }
  if (cp == 0xB4 || cp == 0x2018 || cp == 0x2019) return Kind::apostrophe;
  if (cp <= 0xBF || cp == 0xD7 || cp == 0xF7) return Kind::separator;
  if ((cp >= 0x2000 && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF || cp == invalid) return Kind::separator;
  return Kind::word;
}

std::uint32_t to_lower(std::uint32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;
  return cp;
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// Length of a `<br>` / `<br/>` / `<br />` tag starting at s[i] == '<', or 0.
std::size_t line_break_tag(std::string_view s, std::size_t i) {
  std::size_t k = i + 1;
  if (k + 1 >= s.size() || ascii_lower(s[k]) != 'b' || ascii_lower(s[k + 1]) != 'r') return 0;
  k += 2;
  while (k < s.size() && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r')) ++k;
  if (k < s.size() && s[k] == '/') ++k;
  return (k < s.size() && s[k] == '>') ? k + 1 - i : 0;
}

}  // namespace

std::string standardize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_word = false;
  bool pending_apostrophe = false;  // seen inside a word; kept only if a word character follows
  const auto end_word = [&] {
    in_word = false;
    pending_apostrophe = false;
  };
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '<') {
      if (const std::size_t tag = line_break_tag(text, i)) {
        end_word();
        i += tag;
        continue;
      }
    }
    const CodePoint cp = decode(text, i);
    i += cp.length;
    switch (classify(cp.value)) {
      case Kind::separator:
        end_word();
        break;
      case Kind::apostrophe:
        if (in_word) pending_apostrophe = true;
        break;
      case Kind::word:
        if (!in_word && !out.empty()) out.push_back(' ');
        if (pending_apostrophe) out.push_back('\'');
        pending_apostrophe = false;
        in_word = true;
        encode(to_lower(cp.value), out);
        break;
    }
  }
  return out;
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  for_each_word(standardize(text), [&](std::string_view w) { words.emplace_back(w); });
  return words;
}

}  // namespace simdnn::text
