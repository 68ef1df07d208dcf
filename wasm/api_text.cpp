// Bindings: the text pipeline (src/text). Token ids cross as Int32Arrays, one copy each way:
// a batch of sequences is one flat ids array plus offsets (sequence i = ids[offsets[i]..offsets[i+1])).
#include <emscripten/bind.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "guard.hpp"
#include "js_convert.hpp"
#include "text/sequences.hpp"
#include "text/tokenizer.hpp"
#include "text/words.hpp"

using namespace emscripten;
using simdnn::text::PaddedSequences;
using simdnn::text::Sequences;
using simdnn::text::Tokenizer;

namespace simdnn::bindings {
namespace {

std::vector<std::string> strings_from_js(const val& list, const char* what) {
  check(list.isArray(), what, ": texts must be an array of strings, got ", list.typeOf().as<std::string>());
  const unsigned n = list["length"].as<unsigned>();
  std::vector<std::string> out;
  out.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    const val item = list[i];
    check(item.isString(), what, ": texts[", i, "] must be a string, got ", item.typeOf().as<std::string>());
    out.push_back(item.as<std::string>());
  }
  return out;
}

// An integer number from JS, or fail naming `what`.
double integer_from_js(const val& v, const char* what) {
  check(v.isNumber(), what, " must be an integer, got ", v.typeOf().as<std::string>());
  const double d = v.as<double>();
  check(std::isfinite(d) && d == std::floor(d) && std::fabs(d) <= 2147483647.0, what, " must be an integer, got ", d);
  return d;
}

std::vector<std::int32_t> int32s_from_js(const val& array, const char* what) {
  check(array.instanceof(val::global("Int32Array")), what, " must be an Int32Array");
  std::vector<std::int32_t> out(array["length"].as<unsigned>());
  val(typed_memory_view(out.size(), out.data())).call<void>("set", array);
  return out;
}

val int32s_to_js(const std::vector<std::int32_t>& values) {
  return val::global("Int32Array").new_(typed_memory_view(values.size(), values.data()));
}

val sequences_to_js(const Sequences& s) {
  val out = val::object();
  out.set("ids", int32s_to_js(s.ids));
  out.set("offsets", int32s_to_js(s.offsets));
  return out;
}

std::shared_ptr<Tokenizer> make_tokenizer(const val& num_words) {
  return guarded([&] {
    return std::make_shared<Tokenizer>(static_cast<int>(integer_from_js(num_words, "Tokenizer: numWords")));
  });
}

std::shared_ptr<Tokenizer> tokenizer_from_json(const std::string& text) {
  return guarded([&] {
    return std::make_shared<Tokenizer>(Tokenizer::from_json(parse_json(text, "Tokenizer.fromJSON")));
  });
}

void fit_on_texts(Tokenizer& t, const val& texts) {
  guarded([&] { t.fit_on_texts(strings_from_js(texts, "Tokenizer.fitOnTexts")); });
}

val texts_to_sequences(const Tokenizer& t, const val& texts) {
  return guarded([&] { return sequences_to_js(t.texts_to_sequences(strings_from_js(texts, "Tokenizer.textsToSequences"))); });
}

val tokenizer_words(const Tokenizer& t) {
  val out = val::array();
  for (const std::string& w : t.words()) out.call<void>("push", w);
  return out;
}

val split_words_js(const std::string& text) {
  return guarded([&] {
    val out = val::array();
    for (const std::string& w : text::split_words(text)) out.call<void>("push", w);
    return out;
  });
}

// options: {maxlen: integer | null, padding, truncating, value} with every key present
// (the JS facade fills the Keras defaults).
val pad_sequences_js(const val& ids, const val& offsets, const val& options) {
  return guarded([&] {
    const Sequences seqs = Sequences::from_flat(int32s_from_js(ids, "padSequences: ids"),
                                                int32s_from_js(offsets, "padSequences: offsets"));
    text::PadOptions o;
    const val maxlen = options["maxlen"];
    if (!maxlen.isNull() && !maxlen.isUndefined())
      o.maxlen = static_cast<int>(integer_from_js(maxlen, "pad_sequences: maxlen"));
    const val padding = options["padding"];
    const val truncating = options["truncating"];
    check(padding.isString(), "pad_sequences: padding must be 'pre' or 'post', got ", padding.typeOf().as<std::string>());
    check(truncating.isString(), "pad_sequences: truncating must be 'pre' or 'post', got ",
          truncating.typeOf().as<std::string>());
    const std::string padding_s = padding.as<std::string>();
    const std::string truncating_s = truncating.as<std::string>();
    o.padding = padding_s;
    o.truncating = truncating_s;
    o.value = static_cast<std::int32_t>(integer_from_js(options["value"], "pad_sequences: value"));
    const PaddedSequences padded = text::pad_sequences(seqs, o);
    val out = val::object();
    out.set("values", int32s_to_js(padded.values));
    out.set("rows", static_cast<double>(padded.rows));
    out.set("cols", static_cast<double>(padded.cols));
    return out;
  });
}

}  // namespace
}  // namespace simdnn::bindings

EMSCRIPTEN_BINDINGS(simdnn_text) {
  using namespace simdnn::bindings;
  class_<Tokenizer>("Tokenizer")
      .smart_ptr<std::shared_ptr<Tokenizer>>("TokenizerPtr")
      .function("fitOnTexts", &fit_on_texts)
      .function("textsToSequences", &texts_to_sequences)
      .function("wordId", +[](const Tokenizer& t, const std::string& word) { return t.word_id(word); })
      .function("numWords", +[](const Tokenizer& t) { return t.num_words(); })
      .function("documentCount", +[](const Tokenizer& t) { return static_cast<double>(t.document_count()); })
      .function("countedWords", +[](const Tokenizer& t) { return static_cast<double>(t.counted_words()); })
      .function("words", &tokenizer_words)
      .function("toJSON", +[](const Tokenizer& t) { return t.to_json().dump(); });
  function("makeTokenizer", &make_tokenizer);
  function("tokenizerFromJSON", &tokenizer_from_json);
  function("splitWords", &split_words_js);
  function("padSequences", &pad_sequences_js);
}
