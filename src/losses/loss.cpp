// The loss registry (one table of names serves make_loss and loss_names) and the helpers
// shared by the loss families.
#include <algorithm>
#include <cctype>

#include "core/error.hpp"
#include "core/shape.hpp"
#include "losses/loss_support.hpp"

namespace simdnn {

Json Loss::config() const {
  return Json{{"name", name()}, {"reduction", "sum_over_batch_size"}};
}

namespace losses {

EntryLayout check_dense_targets(const std::string& loss, const Tensor& y_pred,
                                const Tensor& y_true) {
  // if/fail rather than check(): the message parts would allocate on every batch.
  if (y_pred.rank() < 1)
    fail(loss, ": y_pred must have at least one axis, got shape ", shape_str(y_pred.shape()));
  const Shape& p = y_pred.shape();
  const Shape& t = y_true.shape();
  // Same element order either way: a trailing axis of size 1 only changes the rank.
  const bool same = p == t;
  const bool true_has_extra_one = t.size() == p.size() + 1 && t.back() == 1 &&
                                  std::equal(p.begin(), p.end(), t.begin());
  const bool pred_has_extra_one = p.size() == t.size() + 1 && p.back() == 1 &&
                                  std::equal(t.begin(), t.end(), p.begin());
  if (!same && !true_has_extra_one && !pred_has_extra_one)
    fail(loss, ": expected y_true of shape ", shape_str(p), " (the shape of y_pred), got ",
         shape_str(t));
  EntryLayout layout;
  layout.width = static_cast<std::size_t>(p.back());
  layout.entries = layout.width == 0 ? 0 : y_pred.size() / layout.width;
  return layout;
}

EntryLayout check_sparse_targets(const std::string& loss, const Tensor& y_pred,
                                 const Tensor& y_true) {
  if (y_pred.rank() < 1)
    fail(loss, ": y_pred must have at least one axis (classes last), got shape ",
         shape_str(y_pred.shape()));
  const Shape& p = y_pred.shape();
  const Shape& t = y_true.shape();
  // Compared in place (no temporary shapes): this runs on every batch.
  const bool prefix_matches =
      t.size() + 1 >= p.size() && std::equal(p.begin(), p.end() - 1, t.begin());
  const bool ids_only = t.size() + 1 == p.size() && prefix_matches;
  const bool ids_with_one = t.size() == p.size() && prefix_matches && t.back() == 1;
  if (!ids_only && !ids_with_one) {
    Shape ids(p.begin(), p.end() - 1);
    Shape ids_one = ids;
    ids_one.push_back(1);
    fail(loss, ": expected y_true of class ids with shape ", shape_str(ids), " or ",
         shape_str(ids_one), " for y_pred of shape ", shape_str(p), ", got ", shape_str(t));
  }
  EntryLayout layout;
  layout.width = static_cast<std::size_t>(p.back());
  layout.entries = y_true.size();
  if (layout.width == 0 && layout.entries > 0)
    fail(loss, ": y_pred of shape ", shape_str(p), " has no classes");
  return layout;
}

std::size_t class_id(const std::string& loss, float value, std::size_t entry,
                     std::size_t classes) {
  check(std::floor(value) == value, loss, ": class ids must be integers, got ", value,
        " at entry ", entry);
  check(value >= 0.0f && value < static_cast<float>(classes), loss, ": class id ", value,
        " at entry ", entry, " is out of range: expected 0 to ", classes - 1);
  return static_cast<std::size_t>(value);
}

float* prepare_grad(const Tensor& y_pred, Tensor* grad) {
  if (!grad) return nullptr;
  grad->resize(y_pred.shape());
  return grad->data();
}

double number_option(ConfigReader& reader, const std::string& key, double fallback, double low,
                     double high) {
  const Json* value = reader.raw_or_null(key);
  if (!value) return fallback;
  const bool ok = value->is_number() && value->get<double>() >= low && value->get<double>() <= high;
  check(ok, reader.context(), ": option '", key, "' must be a number in [", low, ", ", high,
        "], got ", value->dump());
  return value->get<double>();
}

void last_axis_only(ConfigReader& reader) {
  const Json* axis = reader.raw_or_null("axis");
  check(!axis || (axis->is_number_integer() && axis->get<long long>() == -1), reader.context(),
        ": option 'axis' must be -1 (the last axis), got ", axis ? axis->dump() : "");
}

}  // namespace losses

namespace {

using Factory = std::unique_ptr<Loss> (*)(ConfigReader&);

struct LossEntry {
  const char* snake;               // Keras function name, what name() returns
  const char* class_name;          // Keras class name
  std::vector<const char*> aliases;  // Keras legacy and TF.js spellings
  Factory factory;
};

const std::vector<LossEntry>& registry() {
  using namespace losses;
  static const std::vector<LossEntry> entries = {
      {"mean_squared_error", "MeanSquaredError", {"mse", "MSE"}, make_mean_squared_error},
      {"mean_absolute_error", "MeanAbsoluteError", {"mae", "MAE"}, make_mean_absolute_error},
      {"huber", "Huber", {"huber_loss"}, make_huber},
      {"log_cosh", "LogCosh", {"logcosh"}, make_log_cosh},
      {"binary_crossentropy", "BinaryCrossentropy", {}, make_binary_crossentropy},
      {"categorical_crossentropy", "CategoricalCrossentropy", {}, make_categorical_crossentropy},
      {"sparse_categorical_crossentropy", "SparseCategoricalCrossentropy", {},
       make_sparse_categorical_crossentropy},
      {"kl_divergence", "KLDivergence", {"kld", "KLD", "kullback_leibler_divergence"},
       make_kl_divergence},
      {"hinge", "Hinge", {}, make_hinge},
      {"squared_hinge", "SquaredHinge", {}, make_squared_hinge},
      {"poisson", "Poisson", {}, make_poisson},
      // TF.js calls it cosineProximity; its value is Keras' cosine_similarity loss.
      {"cosine_similarity", "CosineSimilarity", {"cosine_proximity", "cosine"},
       make_cosine_similarity},
  };
  return entries;
}

// "mean_squared_error" -> "meanSquaredError" (TF.js spelling).
std::string camel_case(const std::string& snake) {
  std::string out;
  bool upper_next = false;
  for (char c : snake) {
    if (c == '_') {
      upper_next = true;
      continue;
    }
    out += upper_next ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper_next = false;
  }
  return out;
}

bool entry_matches(const LossEntry& entry, const std::string& name) {
  if (name == entry.snake || name == entry.class_name || name == camel_case(entry.snake))
    return true;
  for (const char* alias : entry.aliases)
    if (name == alias || name == camel_case(alias)) return true;
  return false;
}

}  // namespace

std::unique_ptr<Loss> make_loss(const std::string& name, const Json& config) {
  for (const LossEntry& entry : registry()) {
    if (!entry_matches(entry, name)) continue;
    ConfigReader reader(config, entry.snake);
    std::unique_ptr<Loss> loss = entry.factory(reader);
    // Keras bookkeeping: the instance name carries nothing we act on; only the default
    // reduction is implemented (Keras 2 wrote "auto" for the same thing).
    reader.string("name", entry.snake);
    reader.one_of("reduction", "sum_over_batch_size", {"sum_over_batch_size", "auto"});
    reader.finish();
    return loss;
  }
  std::string known;
  for (const std::string& n : loss_names()) known += (known.empty() ? "" : ", ") + n;
  fail("unknown loss '", name, "'; known losses: ", known,
       " (aliases: mse, mae, kld, logcosh, Keras class names and TF.js camelCase names)");
}

std::vector<std::string> loss_names() {
  std::vector<std::string> names;
  for (const LossEntry& entry : registry()) names.push_back(entry.snake);
  return names;
}

}  // namespace simdnn
