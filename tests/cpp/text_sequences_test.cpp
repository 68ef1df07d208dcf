// pad_sequences: all four padding/truncating combinations, maxlen from the data, errors.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "text/sequences.hpp"
#include "text_fixtures.hpp"

using namespace simdnn;
using namespace simdnn::text;

namespace {

PadOptions options_from(const Json& o, std::string& padding, std::string& truncating) {
  PadOptions out;
  if (o.contains("maxlen")) out.maxlen = o.at("maxlen").get<int>();
  padding = o.value("padding", std::string("pre"));
  truncating = o.value("truncating", std::string("pre"));
  out.padding = padding;
  out.truncating = truncating;
  out.value = o.value("value", 0);
  return out;
}

}  // namespace

TEST_CASE("pad_sequences matches Keras for every padding/truncating pair (fixtures)", "[text]") {
  const Json& f = testing::text_fixtures().at("pad");
  const Sequences seqs = Sequences::from_nested(f.at("sequences").get<std::vector<std::vector<std::int32_t>>>());
  for (const Json& c : f.at("cases")) {
    INFO("options: " << c.at("options").dump());
    std::string padding, truncating;
    const PaddedSequences out = pad_sequences(seqs, options_from(c.at("options"), padding, truncating));
    CHECK(out.rows == c.at("rows").get<std::size_t>());
    CHECK(out.cols == c.at("cols").get<std::size_t>());
    std::vector<std::int32_t> expected;
    for (const Json& row : c.at("values"))
      for (const Json& v : row) expected.push_back(v.get<std::int32_t>());
    CHECK(out.values == expected);
  }
}

TEST_CASE("pad_sequences rejects bad options with the expected and received values (fixtures)", "[text]") {
  const Json& f = testing::text_fixtures().at("pad");
  const Sequences seqs = Sequences::from_nested(f.at("sequences").get<std::vector<std::vector<std::int32_t>>>());
  for (const Json& c : f.at("errors")) {
    std::string padding, truncating;
    CHECK_THROWS_WITH(pad_sequences(seqs, options_from(c.at("options"), padding, truncating)),
                      c.at("message").get<std::string>());
  }
}

TEST_CASE("pad_sequences edge cases: no sequences, all empty, exact length", "[text]") {
  const PaddedSequences none = pad_sequences(Sequences{}, {});
  CHECK(none.rows == 0);
  CHECK(none.cols == 0);
  const PaddedSequences empty = pad_sequences(Sequences::from_nested({{}, {}}), {});
  CHECK(empty.rows == 2);
  CHECK(empty.cols == 0);
  PadOptions three;
  three.maxlen = 3;
  CHECK(pad_sequences(Sequences::from_nested({{7, 8, 9}}), three).values == std::vector<std::int32_t>{7, 8, 9});
}

TEST_CASE("Sequences::from_flat validates offsets", "[text]") {
  CHECK(Sequences::from_flat({1, 2, 3}, {0, 2, 3})[0].size() == 2);
  CHECK_THROWS_WITH(Sequences::from_flat({1, 2}, {1, 2}), "Sequences: offsets must start with 0, got 1");
  CHECK_THROWS_WITH(Sequences::from_flat({1, 2}, {0, 2, 1}),
                    "Sequences: offsets must not decrease, got 2 then 1 at position 2");
  CHECK_THROWS_WITH(Sequences::from_flat({1, 2}, {0, 1}), "Sequences: the last offset must be the id count 2, got 1");
  CHECK_THROWS_WITH(Sequences::from_flat({}, {}), "Sequences: offsets must start with 0, got no offsets");
}
