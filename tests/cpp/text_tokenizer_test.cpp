// Tokenizer: ranking with ties, OOV, num_words, accumulation, the vocabulary JSON.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "text/tokenizer.hpp"
#include "text_fixtures.hpp"

using namespace simdnn;
using simdnn::text::Tokenizer;

namespace {

std::vector<std::vector<std::int32_t>> nested(const text::Sequences& s) {
  std::vector<std::vector<std::int32_t>> out;
  for (std::size_t i = 0; i < s.size(); ++i) out.emplace_back(s[i].begin(), s[i].end());
  return out;
}

Tokenizer fitted_fixture() {
  const Json& f = testing::text_fixtures().at("tokenizer");
  Tokenizer t(f.at("num_words").get<int>());
  t.fit_on_texts(f.at("fit").get<std::vector<std::string>>());
  return t;
}

}  // namespace

TEST_CASE("Tokenizer ranks by count then first occurrence and maps the rest to OOV (fixtures)", "[text]") {
  const Json& f = testing::text_fixtures().at("tokenizer");
  const Tokenizer t = fitted_fixture();
  CHECK(t.words() == f.at("words").get<std::vector<std::string>>());
  CHECK(t.counted_words() == f.at("counted_words").get<std::size_t>());
  CHECK(t.document_count() == 3);
  const auto texts = f.at("texts").get<std::vector<std::string>>();
  CHECK(nested(t.texts_to_sequences(texts)) == f.at("sequences").get<std::vector<std::vector<std::int32_t>>>());
  CHECK(t.text_to_sequence(texts[0]) == std::vector<std::int32_t>{2, 1, 6, 7, 2, 3});
  CHECK(t.word_id("the") == 2);
  CHECK(t.word_id("mat") == Tokenizer::oov_id);  // counted, but ranked past num_words
  CHECK(t.word_id("The") == Tokenizer::oov_id);  // word_id takes standardised words
}

TEST_CASE("Tokenizer: ids stay below num_words; fewer distinct words than room keeps them all", "[text]") {
  Tokenizer big(1000);
  big.fit_on_texts(std::vector<std::string>{"b a b c", "c c"});
  CHECK(big.words() == std::vector<std::string>{"c", "b", "a"});
  CHECK(big.num_words() == 1000);
  Tokenizer small(3);  // room for one word
  small.fit_on_texts(std::vector<std::string>{"b a b c", "c c"});
  CHECK(small.words() == std::vector<std::string>{"c"});
  CHECK(small.text_to_sequence("a b c d") == std::vector<std::int32_t>{1, 1, 2, 1});
}

TEST_CASE("Tokenizer: repeated fit_on_texts accumulates counts like one call", "[text]") {
  const auto texts = testing::text_fixtures().at("tokenizer").at("fit").get<std::vector<std::string>>();
  Tokenizer once(8);
  once.fit_on_texts(texts);
  Tokenizer twice(8);
  for (const auto& text : texts) twice.fit_on_texts(std::vector<std::string>{text});
  CHECK(twice.words() == once.words());
  CHECK(twice.document_count() == 3);
  // A second "end" ties it with "cat", "a" and "dog" at 2: seen before "a" and "dog", it ranks
  // between them and pushes "on" (count 1) out.
  twice.fit_on_texts(std::vector<std::string>{"END!"});
  CHECK(twice.words() == std::vector<std::string>{"the", "cat", "end", "a", "dog", "sat"});
  CHECK(twice.word_id("on") == Tokenizer::oov_id);
}

TEST_CASE("Tokenizer vocabulary JSON round-trips and gives the same ids", "[text]") {
  const Tokenizer t = fitted_fixture();
  const Json json = t.to_json();
  CHECK(json.at("format") == "simdnn-vocabulary");
  CHECK(json.at("oov") == 1);
  CHECK(json.at("padding") == 0);
  CHECK(json.at("num_words") == 8);
  CHECK(json.at("words") == testing::text_fixtures().at("tokenizer").at("words"));
  const Tokenizer loaded = Tokenizer::from_json(Json::parse(json.dump()));
  CHECK(loaded.words() == t.words());
  CHECK(loaded.num_words() == 8);
  const auto texts = testing::text_fixtures().at("tokenizer").at("texts").get<std::vector<std::string>>();
  CHECK(nested(loaded.texts_to_sequences(texts)) == nested(t.texts_to_sequences(texts)));
  CHECK_THROWS_WITH(Tokenizer(loaded).fit_on_texts(texts), Catch::Contains("loaded from JSON"));
}

TEST_CASE("Tokenizer errors name the function, what was expected and what came", "[text]") {
  CHECK_THROWS_WITH(Tokenizer(2), "Tokenizer: num_words must be at least 3 (ids 0 = padding, 1 = OOV, then words), got 2");
  Json good = fitted_fixture().to_json();
  const auto rejects = [&](const char* key, const Json& value, const std::string& message) {
    Json bad = good;
    bad[key] = value;
    CHECK_THROWS_WITH(Tokenizer::from_json(bad), message);
  };
  rejects("oov", 3, "Tokenizer.from_json: oov id must be 1, got 3");
  rejects("format", "keras", "Tokenizer.from_json: format must be \"simdnn-vocabulary\", got \"keras\"");
  rejects("num_words", 5, "Tokenizer.from_json: 6 words do not fit in num_words 5 (at most num_words - 2)");
  rejects("num_words", "8", "Tokenizer.from_json: num_words must be an integer, got \"8\"");
  rejects("words", Json::array({"the", "The"}), "Tokenizer.from_json: words[1] = \"The\" is not a standardised single word");
  rejects("words", Json::array({"the", "the"}), "Tokenizer.from_json: words[1] = \"the\" appears twice");
  rejects("words", Json::array({"two words"}), "Tokenizer.from_json: words[0] = \"two words\" is not a standardised single word");
  rejects("words", Json::array({1}), "Tokenizer.from_json: words[0] must be a string, got 1");
  good.erase("words");
  CHECK_THROWS_WITH(Tokenizer::from_json(good), "Tokenizer.from_json: missing \"words\"");
  CHECK_THROWS_WITH(Tokenizer::from_json(Json::array()), "Tokenizer.from_json: expected a vocabulary object, got JSON array");
}
