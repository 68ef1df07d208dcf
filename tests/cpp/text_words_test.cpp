// Text standardisation: the fixture cases plus what JSON cannot carry (invalid UTF-8).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "text/words.hpp"
#include "text_fixtures.hpp"

using namespace simdnn;
using simdnn::text::split_words;
using simdnn::text::standardize;

TEST_CASE("standardize: <br /> tags, punctuation, apostrophes, case and UTF-8 (fixtures)", "[text]") {
  for (const Json& c : testing::text_fixtures().at("standardize")) {
    const auto text = c.at("text").get<std::string>();
    const auto expected = c.at("words").get<std::vector<std::string>>();
    INFO("text: " << text);
    CHECK(split_words(text) == expected);
    std::string joined;
    for (const auto& w : expected) joined += (joined.empty() ? "" : " ") + w;
    CHECK(standardize(text) == joined);
  }
}

TEST_CASE("standardize: invalid UTF-8 bytes separate words and never reach the output", "[text]") {
  CHECK(split_words("ab\xFF" "cd") == std::vector<std::string>{"ab", "cd"});
  CHECK(split_words("caf\xC3") == std::vector<std::string>{"caf"});             // truncated sequence
  CHECK(split_words("x\xC0\xAFy") == std::vector<std::string>{"x", "y"});       // overlong '/'
  CHECK(split_words("x\xED\xA0\x80y") == std::vector<std::string>{"x", "y"});   // surrogate
  CHECK(split_words("\xF0\x9F\x98\x80 ok") == std::vector<std::string>{"\xF0\x9F\x98\x80", "ok"});  // emoji kept
}

TEST_CASE("standardize: a <br> tag is only the exact tag, and it splits words", "[text]") {
  CHECK(split_words("a<br>b") == std::vector<std::string>{"a", "b"});
  CHECK(split_words("a<br / >b") == std::vector<std::string>{"a", "br", "b"});  // space after '/': not a tag
  CHECK(split_words("end<br") == std::vector<std::string>{"end", "br"});
  CHECK(split_words("<") == std::vector<std::string>{});
  CHECK(split_words("<b") == std::vector<std::string>{"b"});
}
