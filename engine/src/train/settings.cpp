#include "limuon/train/settings.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>

#include "config_text.hpp"

namespace limuon::train {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr NumberRange kAnyText{0, 0};
constexpr NumberRange kPositive{0, kInf, true, false};
constexpr NumberRange kNonNegative{0, kInf};
constexpr NumberRange kAtLeastOne{1, kInf};
constexpr NumberRange kUnitOpen{0, 1, false, true};  // [0, 1)

std::vector<Setting> make_settings() {
  using C = RunConfig;
  constexpr unsigned matrix_optimizers = limuon_bit | muon_bit;
  return {
      {"name", &C::name, every_optimizer, {}, {}, kAnyText,
       "A label for lists and plots; empty gives the optimizer and every setting that differs from the defaults."},
      {"model", &C::model, every_optimizer,
       {"gpt:classroom", "gpt:small", "gpt:distilgpt2", "vit:classroom", "vit:small", "vit:vit-tiny", "qwen2:classroom",
        "qwen2:small"},
       {}, kAnyText,
       "Model family and size: GPT and Qwen2-style decoders read text, ViT reads images; classroom trains in seconds."},
      {"data", &C::data, every_optimizer, {"", "moby-dick", "fashion-mnist", "mnist"}, {}, kAnyText,
       "Training data: moby-dick for the text models, fashion-mnist or mnist for vit; empty takes the model's own."},
      {"optimizer", &C::optimizer, every_optimizer, {"limuon", "muon", "adamw"}, {}, kAnyText,
       "LiMuon, or one of the two baselines it is judged against: Muon and AdamW."},
      {"lr", &C::lr, matrix_optimizers, {}, {}, kPositive,
       "Learning rate of the hidden weight matrices, the ones LiMuon and Muon orthogonalise."},
      {"adamw_lr", &C::adamw_lr, every_optimizer, {}, {}, kPositive,
       "Learning rate of what AdamW updates: every parameter under adamw; embeddings, head, biases and gains under "
       "limuon and muon."},
      {"beta", &C::beta, limuon_bit, {}, {}, kUnitOpen,
       "Weight of the fresh gradient in LiMuon's momentum M = g(W_new) + (1 - beta)(M - g(W_old)): larger forgets "
       "faster, the opposite of Adam's beta."},
      {"rank", &C::rank, limuon_bit, {}, {}, kNonNegative,
       "LiMuon's sketch rank r: 0 keeps the full momentum matrix; r > 0 keeps rank-r factors, (m + n) r numbers a "
       "matrix."},
      {"polar", &C::polar, matrix_optimizers, {"newton_schulz", "svd", "lowrank"}, {{"ns", "newton_schulz"}}, kAnyText,
       "How the orthogonal update is computed: 5 Newton-Schulz steps, an exact SVD, or (LiMuon with rank > 0, the "
       "light option) straight from the rank-r factors."},
      {"oversampling", &C::oversampling, limuon_bit, {}, {}, {0, 1024},
       "Extra random directions the rank-r sketch draws beyond r; more is closer to the exact top-r at more cost."},
      {"power_iters", &C::power_iters, limuon_bit, {}, {}, {0, 20},
       "Power iterations of the rank-r sketch; each sharpens its top directions at the cost of two more products."},
      {"momentum", &C::momentum, muon_bit, {}, {}, kUnitOpen,
       "Muon's (Nesterov) momentum coefficient."},
      {"weight_decay", &C::weight_decay, every_optimizer, {}, {}, kNonNegative,
       "Decoupled weight decay: each step multiplies the weights by (1 - lr weight_decay)."},
      {"lr_scale", &C::lr_scale, matrix_optimizers, {"shape", "none", "match_adamw_rms", "match_adamw_rms_rank"}, {},
       kAnyText,
       "Per-matrix factor on lr: sqrt(max(1, m/n)) (shape), 1 (none), an update RMS of 0.2 like AdamW's from the "
       "full rank (match_adamw_rms) or from the update's actual rank (match_adamw_rms_rank)."},
      {"steps", &C::steps, every_optimizer, {}, {}, kAtLeastOne,
       "Optimizer steps to run; a LiMuon step evaluates two gradients, Muon and AdamW one."},
      {"grad_evals", &C::grad_evals, every_optimizer, {}, {}, kNonNegative,
       "A budget of gradient evaluations instead of steps, for comparisons at equal cost: 2000 gives Muon and AdamW "
       "2000 steps and LiMuon 1000; 0 uses steps."},
      {"batch_size", &C::batch_size, every_optimizer, {}, {}, {1, 4096},
       "Sequences (text) or images per step."},
      {"eval_every", &C::eval_every, every_optimizer, {}, {}, kAtLeastOne,
       "Validation loss, state bytes and memory every this many steps."},
      {"eval_batches", &C::eval_batches, every_optimizer, {}, {}, kAtLeastOne,
       "Batches of validation data behind each validation loss."},
      {"spectrum_every", &C::spectrum_every, every_optimizer, {}, {}, kNonNegative,
       "Singular values of the update and the momentum every this many steps; 0 never."},
      {"spectrum_params", &C::spectrum_params, every_optimizer, {}, {}, kAnyText,
       "Comma-separated names of the matrices whose spectra are recorded; empty takes the first and the last "
       "hidden matrix."},
      {"checkpoint_every", &C::checkpoint_every, every_optimizer, {}, {}, kNonNegative,
       "A checkpoint every this many steps, so a killed run resumes there; 0 only when stopped."},
      {"seed", &C::seed, every_optimizer, {}, {}, kNonNegative,
       "Seed of the initial weights, the batches and the sketches; the same seed repeats a run bit for bit."},
      {"threads", &C::threads, every_optimizer, {}, {}, {0, 1024},
       "Compute threads for this run; 0 takes every core, or its share of them when a sweep runs several at once."},
      {"divergence_factor", &C::divergence_factor, every_optimizer, {}, {}, {1, kInf, true, false},
       "The run ends as diverged when the loss is not finite or exceeds this times the first step's."},
  };
}

std::string bound_text(double value) { return format_number(value); }

}  // namespace

unsigned optimizer_bit(const std::string& optimizer) {
  if (optimizer == "limuon") return limuon_bit;
  if (optimizer == "muon") return muon_bit;
  if (optimizer == "adamw") return adamw_bit;
  return 0;
}

std::string optimizer_names(unsigned bits) {
  if (bits == every_optimizer) return "all";
  std::vector<std::string> names;
  const std::pair<unsigned, const char*> all[] = {{limuon_bit, "limuon"}, {muon_bit, "muon"}, {adamw_bit, "adamw"}};
  for (const auto& [bit, name] : all)
    if (bits & bit) names.emplace_back(name);
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return out;
}

std::string format_number(double value) {
  if (value == std::floor(value) && std::fabs(value) < 1e15) return std::to_string(static_cast<int64_t>(value));
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;  // shortest round trip
  return std::string(text, end);
}

std::string Setting::type_name() const {
  if (std::holds_alternative<int64_t RunConfig::*>(field)) return "integer";
  if (std::holds_alternative<double RunConfig::*>(field)) return "real";
  return choices.empty() ? "text" : "choice";
}

std::string Setting::valid_values() const {
  if (!choices.empty()) {
    std::string out;
    for (const auto& c : choices)
      out += (out.empty() ? "" : ", ") + (c.empty() ? std::string("(empty)") : std::string(c));
    return out;
  }
  if (!is_number()) return "any text";
  const bool low = std::isfinite(range.low), high = std::isfinite(range.high);
  if (low && high)
    return (range.low_open ? "(" : "[") + bound_text(range.low) + ", " + bound_text(range.high) +
           (range.high_open ? ")" : "]");
  if (low) return (range.low_open ? "> " : ">= ") + bound_text(range.low);
  return "any number";
}

std::string Setting::value(const RunConfig& config) const {
  return std::visit(
      [&](auto member) -> std::string {
        const auto& v = config.*member;
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) return v;
        else if constexpr (std::is_same_v<T, int64_t>) return std::to_string(v);
        else return format_number(v);
      },
      field);
}

void Setting::set(RunConfig& config, const std::string& text, const std::string& where) const {
  const std::string at = where + ": " + std::string(name);
  RunConfig changed = config;
  std::visit(
      [&](auto member) {
        using T = std::decay_t<decltype(changed.*member)>;
        if constexpr (std::is_same_v<T, std::string>) {
          std::string canonical = text;
          for (const auto& [alias, target] : aliases)
            if (text == alias) canonical = target;
          changed.*member = canonical;
        } else if constexpr (std::is_same_v<T, int64_t>) {
          changed.*member = detail::parse_int(at, text);
        } else {
          changed.*member = detail::parse_double(at, text);
        }
      },
      field);
  try {
    check(changed);
  } catch (const ConfigError& e) {
    throw ConfigError(where + ": " + e.what());
  }
  config = changed;
}

void Setting::check(const RunConfig& config) const {
  const std::string v = value(config);
  if (!choices.empty()) {
    if (std::find(choices.begin(), choices.end(), v) == choices.end())
      throw ConfigError(std::string(name) + " = '" + v + "' is not one of " + valid_values());
    return;
  }
  if (!is_number()) return;
  const double x = std::visit(
      [&](auto member) -> double {
        if constexpr (std::is_same_v<std::decay_t<decltype(config.*member)>, std::string>) return 0.0;
        else return static_cast<double>(config.*member);
      },
      field);
  const bool above = range.low_open ? x > range.low : x >= range.low;
  const bool below = range.high_open ? x < range.high : x <= range.high;
  if (!std::isfinite(x) || !above || !below)
    throw ConfigError(std::string(name) + " = " + v + " must be " +
                      (std::isfinite(range.high) ? "in " : "") + valid_values());
}

const std::vector<Setting>& settings() {
  static const std::vector<Setting> table = make_settings();
  return table;
}

const Setting* find_setting(std::string_view name) {
  for (const auto& s : settings())
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<std::string> setting_names() {
  std::vector<std::string> names;
  for (const auto& s : settings()) names.emplace_back(s.name);
  return names;
}

std::vector<const Setting*> ignored_settings(const RunConfig& config) {
  const unsigned chosen = optimizer_bit(config.optimizer);
  std::vector<const Setting*> ignored;
  if (chosen == 0) return ignored;  // an unknown optimizer is its own error
  for (const auto& s : settings())
    if ((s.used_by & chosen) == 0 && s.value(config) != s.default_value()) ignored.push_back(&s);
  return ignored;
}

RunConfig without_ignored_settings(const RunConfig& config) {
  RunConfig out = config;
  const RunConfig defaults;
  for (const Setting* s : ignored_settings(config))
    std::visit([&](auto member) { out.*member = defaults.*member; }, s->field);
  return out;
}

std::string settings_name(const RunConfig& config) {
  std::string out = config.optimizer;
  for (const auto& s : settings()) {
    if (s.name == "name" || s.name == "optimizer") continue;
    const std::string v = s.value(config);
    if (v != s.default_value()) out += " " + std::string(s.name) + "=" + (v.empty() ? "''" : v);
  }
  return out;
}

namespace {
std::string markdown_cell(std::string text) {  // a '|' inside a cell would end it
  for (size_t at = text.find('|'); at != std::string::npos; at = text.find('|', at + 2)) text.insert(at, "\\");
  return text;
}
}  // namespace

std::string settings_markdown() {
  std::ostringstream out;
  out << "| setting | type | default | valid values | read by | meaning |\n|---|---|---|---|---|---|\n";
  for (const auto& s : settings()) {
    const std::string d = s.default_value();
    out << "| `" << s.name << "` | " << s.type_name() << " | " << (d.empty() ? "(empty)" : "`" + d + "`") << " | "
        << markdown_cell(s.valid_values()) << " | " << optimizer_names(s.used_by) << " | "
        << markdown_cell(std::string(s.meaning)) << " |\n";
  }
  return out.str();
}

std::string settings_text() {
  std::ostringstream out;
  for (const auto& s : settings()) {
    const std::string d = s.default_value();
    out << s.name << std::string(std::max<size_t>(1, 19 - s.name.size()), ' ') << s.type_name() << ", default "
        << (d.empty() ? "(empty)" : d) << "; valid: " << s.valid_values() << "; read by " << optimizer_names(s.used_by)
        << "\n    " << s.meaning << "\n";
  }
  return out.str();
}

}  // namespace limuon::train
