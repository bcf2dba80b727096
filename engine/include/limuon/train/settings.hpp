// The one definition of every run setting: its name, type, default, valid values, which optimizers
// read it and what it means in one plain sentence. Command-line flags, TOML and JSON configs, the
// validation messages, `limuon-lab settings`, the README's table and the window's tooltips all come
// from this table, so they cannot drift apart.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "limuon/train/run_config.hpp"

namespace limuon::train {

// The optimizers that read a setting, as bits.
enum OptimizerBit : unsigned { limuon_bit = 1u, muon_bit = 2u, adamw_bit = 4u, every_optimizer = 7u };
unsigned optimizer_bit(const std::string& optimizer);  // 0 for a name that is not an optimizer
std::string optimizer_names(unsigned bits);             // "limuon and muon"

// Where a setting lives in RunConfig; its type follows from the member's type.
using SettingField = std::variant<std::string RunConfig::*, int64_t RunConfig::*, double RunConfig::*>;

// Inclusive or open bounds of a number; infinite bounds are not printed.
struct NumberRange {
  double low;
  double high;
  bool low_open = false;
  bool high_open = false;
};

struct Setting {
  std::string_view name;
  SettingField field;
  unsigned used_by;                          // OptimizerBit
  std::vector<std::string_view> choices;     // the accepted spellings; empty = any text or number
  std::vector<std::pair<std::string_view, std::string_view>> aliases;  // {"ns", "newton_schulz"}: stored canonical
  NumberRange range;                         // integers and reals
  std::string_view meaning;                  // one plain sentence

  bool is_number() const { return !std::holds_alternative<std::string RunConfig::*>(field); }
  std::string type_name() const;     // "text", "choice", "integer", "real"
  std::string valid_values() const;  // "[0, 1)", "svd, newton_schulz, lowrank", "> 0"
  std::string value(const RunConfig& config) const;  // as people write it: "0.005", "-1", "lowrank"
  std::string default_value() const { return value(RunConfig{}); }
  // Parses and range-checks `text`; ConfigError "where: key = 'text' must be ..." and `config` unchanged
  // on a bad value.
  void set(RunConfig& config, const std::string& text, const std::string& where) const;
  // ConfigError when the value in `config` is out of range or not a choice (a config built in code).
  void check(const RunConfig& config) const;
};

const std::vector<Setting>& settings();
const Setting* find_setting(std::string_view name);  // nullptr when unknown
std::vector<std::string> setting_names();

// The settings whose value differs from the default but which the chosen optimizer does not read.
std::vector<const Setting*> ignored_settings(const RunConfig& config);
// A copy with every ignored setting back at its default (sweep grids collapse such combinations).
RunConfig without_ignored_settings(const RunConfig& config);
// "limuon rank=8 polar=lowrank lr=0.005": the optimizer, then every other setting that differs from
// the defaults, so two runs with different settings never share a name.
std::string settings_name(const RunConfig& config);

// The shortest text that reads back as the same double: 0.005, 3e-05, -1, 4.
std::string format_number(double value);

// The settings table in Markdown (name, type, default, valid values, read by, meaning): printed by
// `limuon-lab settings --markdown` and kept in the README.
std::string settings_markdown();
// The same as aligned plain text for a terminal.
std::string settings_text();

}  // namespace limuon::train
