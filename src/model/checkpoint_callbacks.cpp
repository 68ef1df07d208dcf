#include "model/checkpoint_callbacks.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "core/error.hpp"
#include "layers/config_reader.hpp"
#include "model/lr_callbacks.hpp"
#include "model/model_io.hpp"
#include "model/training_state.hpp"

namespace simdnn {
namespace {

// One Python format field: {name} or {name:[0][width][.precision][d|f|e|g]}.
std::string format_field(const std::string& name, const std::string& spec, double value,
                         bool integer, const std::string& pattern) {
  std::size_t i = 0;
  std::string flags, width, precision;
  if (i < spec.size() && spec[i] == '0') flags = "0", ++i;
  while (i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i]))) width += spec[i++];
  if (i < spec.size() && spec[i] == '.') {
    ++i;
    while (i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i]))) precision += spec[i++];
    check(!precision.empty(), "ModelCheckpoint: bad format '{", name, ":", spec, "}' in '", pattern, "'");
  }
  char type = i < spec.size() ? spec[i++] : '\0';
  check(i == spec.size() && (type == '\0' || type == 'd' || type == 'f' || type == 'e' || type == 'g'),
        "ModelCheckpoint: unsupported format '{", name, ":", spec, "}' in '", pattern,
        "' (use d, f, e or g with an optional width and precision)");
  if (type == '\0' && precision.empty()) {
    std::string text = integer ? std::to_string(static_cast<long long>(value)) : shortest_decimal(value);
    const std::size_t w = width.empty() ? 0 : std::stoul(width);
    if (text.size() < w) text.insert(0, w - text.size(), flags == "0" ? '0' : ' ');
    return text;
  }
  if (type == '\0') type = 'g';
  std::string fmt = "%" + flags + width + (precision.empty() ? "" : "." + precision);
  char buffer[128];
  if (type == 'd') {
    check(integer || value == std::floor(value), "ModelCheckpoint: '{", name, ":", spec,
          "}' formats an integer but ", name, " is ", value);
    std::snprintf(buffer, sizeof buffer, (fmt + "lld").c_str(), static_cast<long long>(value));
  } else {
    std::snprintf(buffer, sizeof buffer, (fmt + type).c_str(), value);
  }
  return buffer;
}

Json history_json(const History& h) {
  Json logs = Json::array();
  for (const Logs& l : h.logs) {
    Json entries = Json::array();
    for (const auto& [k, v] : l.entries()) entries.push_back(Json::array({k, v}));
    logs.push_back(entries);
  }
  return Json{{"epochs", h.epochs}, {"logs", logs}};
}

History history_from_json(const Json& j) {
  History h;
  check(j.is_object() && j.contains("epochs") && j.contains("logs") && j["epochs"].is_array() &&
            j["logs"].is_array() && j["epochs"].size() == j["logs"].size(),
        "BackupAndRestore: the backup's history is malformed");
  for (const Json& e : j["epochs"]) h.epochs.push_back(e.get<int>());
  for (const Json& entries : j["logs"]) {
    Logs l;
    for (const Json& kv : entries) l.set(kv.at(0).get<std::string>(), kv.at(1).is_number() ? kv.at(1).get<double>() : NAN);
    h.logs.push_back(l);
  }
  return h;
}

}  // namespace

std::string shortest_decimal(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // The first precision that reads back exactly (17 digits always do); %g switches to
  // exponent notation for tiny values as Python's repr does.
  char buffer[64];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  std::string text(buffer);
  // Python writes whole floats with ".0".
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string format_checkpoint_path(const std::string& pattern, int epoch, const Logs& logs, int batch) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if ((c == '{' || c == '}') && i + 1 < pattern.size() && pattern[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    check(c != '}', "ModelCheckpoint: unmatched '}' in filepath '", pattern, "'");
    if (c != '{') {
      out += c;
      continue;
    }
    const std::size_t close = pattern.find('}', i);
    check(close != std::string::npos, "ModelCheckpoint: unmatched '{' in filepath '", pattern, "'");
    const std::string field = pattern.substr(i + 1, close - i - 1);
    const std::size_t colon = field.find(':');
    const std::string name = field.substr(0, colon);
    const std::string spec = colon == std::string::npos ? "" : field.substr(colon + 1);
    if (name == "epoch") {
      out += format_field(name, spec, epoch + 1, true, pattern);
    } else if (name == "batch" && batch >= 0) {
      out += format_field(name, spec, batch + 1, true, pattern);
    } else {
      const auto value = logs.get(name);
      std::string known = batch >= 0 ? "epoch, batch" : "epoch";
      for (const auto& [k, v] : logs.entries()) known += ", " + k;
      check(value.has_value(), "ModelCheckpoint: filepath '", pattern, "' uses '{", name,
            "}', which is not in the logs (", known, ")");
      out += format_field(name, spec, *value, false, pattern);
    }
    i = close;
  }
  return out;
}

ModelCheckpoint::ModelCheckpoint(ModelCheckpointOptions options) : options_(std::move(options)) {
  check(!options_.filepath.empty(), "ModelCheckpoint: filepath is required");
  check(options_.mode == "auto" || options_.mode == "min" || options_.mode == "max",
        "ModelCheckpoint: mode must be 'auto', 'min' or 'max', got '", options_.mode, "'");
  maximize_ = monitor_maximizes(options_.mode, options_.monitor);
}

std::shared_ptr<ModelCheckpoint> ModelCheckpoint::from_config(const Json& config) {
  ConfigReader r(config, "ModelCheckpoint");
  ModelCheckpointOptions o;
  o.filepath = r.string("filepath", "");
  o.monitor = r.string("monitor", o.monitor);
  o.save_best_only = r.boolean("save_best_only", false);
  o.save_weights_only = r.boolean("save_weights_only", false);
  o.mode = r.one_of("mode", "auto", {"auto", "min", "max"});
  if (const Json* f = r.raw_or_null("save_freq")) {
    const bool epoch = f->is_string() && f->get<std::string>() == "epoch";
    const bool batches = f->is_number_integer() && f->get<long long>() >= 1 && f->get<long long>() <= 1000000000;
    check(epoch || batches, r.context(), ": option 'save_freq' must be 'epoch' or a positive integer ",
          "(a number of batches), got ", f->dump());
    if (batches) o.save_freq = f->get<int>();
  }
  if (r.raw_or_null("initial_value_threshold")) {
    o.has_initial_value_threshold = true;
    o.initial_value_threshold = r.number("initial_value_threshold", 0.0f);
    o.initial_value_threshold = r.raw("initial_value_threshold").get<double>();
  }
  r.integer("verbose", 0);
  r.finish();
  return std::make_shared<ModelCheckpoint>(o);
}

void ModelCheckpoint::on_train_begin(const Logs&) {
  batches_since_save_ = 0;
  best_ = options_.has_initial_value_threshold
              ? options_.initial_value_threshold
              : (maximize_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity());
}

void ModelCheckpoint::on_epoch_begin(int epoch, const Logs&) { epoch_ = epoch; }

// With save_freq N, Keras saves after every N-th batch seen (the count runs on across epochs)
// and judges save_best_only on that batch's logs.
void ModelCheckpoint::on_batch_end(int batch, const Logs& logs) {
  if (options_.save_freq == 0 || ++batches_since_save_ < options_.save_freq) return;
  batches_since_save_ = 0;
  save(epoch_, batch, logs);
}

void ModelCheckpoint::on_epoch_end(int epoch, const Logs& logs) {
  if (options_.save_freq == 0) save(epoch, -1, logs);
}

void ModelCheckpoint::save(int epoch, int batch, const Logs& logs) {
  const std::string url = format_checkpoint_path(options_.filepath, epoch, logs, batch);
  if (options_.save_best_only) {
    const auto value = logs.get(options_.monitor);
    check(value.has_value(), "ModelCheckpoint: monitored metric '", options_.monitor,
          "' is not in the logs (did you pass validation data for a val_ metric?)");
    // NaN never compares better, so a diverged epoch is never kept as the best.
    const bool better = maximize_ ? *value > best_ : *value < best_;
    if (!better) return;
    best_ = *value;
  }
  request(Json{{"kind", "save"}, {"url", url}, {"include_optimizer", !options_.save_weights_only}});
}

BackupAndRestore::BackupAndRestore(std::string backup_dir, bool delete_checkpoint)
    : backup_dir_(std::move(backup_dir)), delete_checkpoint_(delete_checkpoint) {
  check(!backup_dir_.empty(), "BackupAndRestore: backup_dir is required");
}

std::shared_ptr<BackupAndRestore> BackupAndRestore::from_config(const Json& config) {
  ConfigReader r(config, "BackupAndRestore");
  const std::string dir = r.string("backup_dir", "");
  if (const Json* f = r.raw_or_null("save_freq"))
    check(f->is_string() && f->get<std::string>() == "epoch", r.context(),
          ": option 'save_freq' supports only 'epoch', got ", f->dump());
  check(!r.boolean("double_checkpoint", false), r.context(),
        ": option 'double_checkpoint' is not supported (only false)");
  const bool del = r.boolean("delete_checkpoint", true);
  r.finish();
  return std::make_shared<BackupAndRestore>(dir, del);
}

void BackupAndRestore::restore(Model& target, const Json& model_json, std::span<const std::uint8_t> weights) {
  check(target.compiled(), "BackupAndRestore: compile the model before fit()");
  check(model_json.is_object() && model_json.contains("weightsManifest"),
        "BackupAndRestore: the backup in '", backup_dir_, "' has no weightsManifest");
  const Json* state = simdnn_metadata(model_json);
  check(state && state->contains("backup"), "BackupAndRestore: '", backup_dir_,
        "' holds model files but no backup state (was it written by BackupAndRestore?)");
  const Json& backup = (*state)["backup"];
  const int epoch = backup.at("epoch").get<int>();
  History history = history_from_json(backup.at("history"));
  restore_model_files(target, model_json, weights, "BackupAndRestore: the backup in '" + backup_dir_ + "'");
  restored_epoch_ = epoch;
  history_ = std::move(history);
}

void BackupAndRestore::on_train_begin(const Logs&) {
  resuming_ = restored();
  if (!resuming_) history_ = History{};
}

void BackupAndRestore::on_epoch_end(int epoch, const Logs& logs) {
  history_.epochs.push_back(epoch);
  history_.logs.push_back(logs);
  request(Json{{"kind", "backup"},
               {"url", backup_dir_},
               {"metadata", Json{{"backup", Json{{"epoch", epoch}, {"history", history_json(history_)}}}}}});
}

void BackupAndRestore::on_train_end(const Logs&) {
  restored_epoch_ = -1;
  if (delete_checkpoint_) request(Json{{"kind", "delete"}, {"url", backup_dir_}});
}

CSVLogger::CSVLogger(std::string filename, std::string separator, bool append)
    : filename_(std::move(filename)), separator_(std::move(separator)), append_(append) {
  check(!filename_.empty(), "CSVLogger: filename is required");
}

std::shared_ptr<CSVLogger> CSVLogger::from_config(const Json& config) {
  ConfigReader r(config, "CSVLogger");
  const std::string filename = r.string("filename", "");
  const std::string separator = r.string("separator", ",");
  const bool append = r.boolean("append", false);
  r.finish();
  return std::make_shared<CSVLogger>(filename, separator, append);
}

void CSVLogger::on_train_begin(const Logs&) {
  keys_.clear();
  if (!append_) request(Json{{"kind", "write"}, {"path", filename_}, {"text", ""}});
}

void CSVLogger::on_epoch_end(int epoch, const Logs& logs) {
  if (keys_.empty()) {
    for (const auto& [k, v] : logs.entries()) keys_.push_back(k);
    std::sort(keys_.begin(), keys_.end());
    std::string header = "epoch";
    for (const auto& k : keys_) header += separator_ + k;
    // Appending to a file that already has rows: Keras writes no second header.
    request(Json{{"kind", "append"}, {"path", filename_}, {"text", header + "\n"}, {"only_if_empty", append_}});
  }
  std::string row = std::to_string(epoch);
  for (const auto& k : keys_) {
    const auto v = logs.get(k);
    row += separator_ + (v ? shortest_decimal(*v) : "NA");
  }
  request(Json{{"kind", "append"}, {"path", filename_}, {"text", row + "\n"}});
}

std::shared_ptr<ProgressBar> ProgressBar::from_config(const Json& config) {
  ConfigReader r(config, "ProgressBar");
  const int width = r.integer("width", 30);
  r.finish();
  check(width >= 1 && width <= 200, "ProgressBar: width must be in [1, 200], got ", width);
  return std::make_shared<ProgressBar>(width);
}

void ProgressBar::on_epoch_begin(int epoch, const Logs&) {
  started_ = std::chrono::steady_clock::now();
  request(Json{{"kind", "progress"}, {"text", "Epoch " + std::to_string(epoch + 1) + "/" + std::to_string(epochs_)},
               {"final", true}});
}

std::string ProgressBar::line(int done, const Logs& logs) const {
  const int digits = static_cast<int>(std::to_string(steps_).size());
  std::string counter = std::to_string(done);
  counter.insert(0, digits - std::min<int>(digits, counter.size()), ' ');
  const int filled = steps_ > 0 ? static_cast<int>(static_cast<long long>(width_) * done / steps_) : width_;
  std::string bar(static_cast<std::size_t>(filled), '=');
  if (filled < width_) {
    if (filled > 0) bar.back() = '>';
    bar.append(static_cast<std::size_t>(width_ - filled), '.');
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  char time[32];
  std::snprintf(time, sizeof time, "%.0fs", seconds);
  std::string out = counter + "/" + std::to_string(steps_) + " [" + bar + "] - " + time;
  for (const auto& [k, v] : logs.entries()) {
    if (k == "batch" || k == "size") continue;
    char value[48];
    // Keras: 4 decimals, or scientific notation for tiny values.
    std::snprintf(value, sizeof value, std::fabs(v) > 1e-3 || v == 0.0 ? "%.4f" : "%.4e", v);
    out += " - " + k + ": " + value;
  }
  return out;
}

void ProgressBar::on_batch_end(int batch, const Logs& logs) {
  request(Json{{"kind", "progress"}, {"text", line(batch + 1, logs)}, {"final", false}});
}

void ProgressBar::on_epoch_end(int, const Logs& logs) {
  request(Json{{"kind", "progress"}, {"text", line(steps_, logs)}, {"final", true}});
}

}  // namespace simdnn
