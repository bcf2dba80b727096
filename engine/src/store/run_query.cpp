#include "limuon/store/run_query.hpp"

#include <cstdint>
#include <limits>
#include <variant>

#include "limuon/train/parse_number.hpp"
#include "limuon/train/run_config.hpp"
#include "limuon/train/settings.hpp"
#include "sqlite_handle.hpp"
#include "store_access.hpp"

namespace limuon::store {
namespace {

using detail::Statement;
using Value = std::variant<int64_t, double, std::string>;

// SQL text with its parameters in order, so each `?` is bound next to where it is written.
struct Sql {
  std::string text;
  std::vector<Value> values;
  Sql& add(const std::string& sql) {
    text += sql;
    return *this;
  }
  Sql& add(const std::string& sql, Value value) {
    values.push_back(std::move(value));
    return add(sql);
  }
};

// summarize_run's definitions (compare.cpp). SQLite stores a NaN as NULL: a window holding one gives
// 'nan', as the C++ mean would, and a run with no points gives NULL.
constexpr const char* kFinalTrainLoss =
    "(SELECT CASE WHEN count(*) = 0 THEN NULL WHEN count(value) < count(*) THEN 'nan' "
    "ELSE ifnull(sum(value) / count(*), 'nan') END FROM (SELECT value FROM metrics WHERE run_id = base.id AND "
    "name_id = (SELECT id FROM metric_names WHERE name = 'train_loss') ORDER BY step DESC LIMIT 10))";
constexpr const char* kFinalValLoss =
    "(SELECT ifnull(value, 'nan') FROM metrics WHERE run_id = base.id AND "
    "name_id = (SELECT id FROM metric_names WHERE name = 'val_loss') ORDER BY step DESC LIMIT 1)";

// 0 a number, 1 NaN, 2 missing: sorted ascending whatever the direction, so NaN and missing come last.
std::string loss_state(const std::string& column) {
  return "CASE WHEN " + column + " IS NULL THEN 2 WHEN typeof(" + column + ") = 'text' THEN 1 ELSE 0 END";
}

// A config value with the default an older config that lacks the key had; NULL when it is not JSON.
Sql& add_config_value(Sql& sql, const std::string& key, Value fallback) {
  return sql.add("CASE WHEN json_valid(config_json) THEN ifnull(json_extract(config_json, ?), ", "$." + key)
      .add("?) END", std::move(fallback));
}

Value default_value(const train::Setting& setting) {
  const train::RunConfig defaults;
  return std::visit([&](auto member) -> Value { return defaults.*member; }, setting.field);
}

// A number as a number, so "8", "8.0" and a stored 8 all match; text in its canonical spelling ("ns" is
// newton_schulz), and a choice must be one of the setting's choices.
Value filter_value(const train::Setting& setting, const std::string& text) {
  if (setting.is_number()) return train::parse_double("runs filter: " + std::string(setting.name), text);
  train::RunConfig config;
  setting.set(config, text, "runs filter");
  return setting.value(config);
}

std::string like_pattern(const std::string& text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

void add_in(Sql& sql, const std::string& column, const std::vector<std::string>& values) {
  sql.add(" AND " + column + " IN (");
  for (size_t i = 0; i < values.size(); ++i) sql.add(i == 0 ? "?" : ", ?", values[i]);
  sql.add(")");
}

void add_filters(Sql& sql, const RunFilter& filter) {
  sql.add(" WHERE 1");
  if (!filter.text.empty()) {  // LIKE ignores ASCII case, as SQLite's lower() would
    const std::string pattern = like_pattern(filter.text);
    sql.add(" AND (name LIKE ? ESCAPE '\\'", pattern)
        .add(" OR note LIKE ? ESCAPE '\\'", pattern)
        .add(" OR config_json LIKE ? ESCAPE '\\')", pattern);
  }
  if (!filter.statuses.empty()) add_in(sql, "status", filter.statuses);
  if (!filter.optimizers.empty()) add_in(sql, "optimizer", filter.optimizers);
  for (const auto& [key, value] : filter.settings) {
    const train::Setting* setting = train::find_setting(key);
    if (setting == nullptr) {
      std::string known;
      for (const auto& name : train::RunConfig::keys()) known += (known.empty() ? "" : ", ") + name;
      throw train::ConfigError("runs filter: unknown key '" + key + "' (known: " + known + ")");
    }
    sql.add(" AND (");
    add_config_value(sql, key, default_value(*setting)).add(" = ?)", filter_value(*setting, value));
  }
}

std::string order_by(RunSortKey key, bool descending) {
  const std::string dir = descending ? " DESC" : " ASC";
  const std::string then_id = ", id" + dir;
  switch (key) {
    case RunSortKey::id: return "id" + dir;
    case RunSortKey::name: return "name COLLATE NOCASE" + dir + then_id;
    case RunSortKey::status: return "status" + dir + then_id;
    case RunSortKey::model: return "model" + dir + then_id;
    case RunSortKey::optimizer: return "optimizer" + dir + then_id;
    case RunSortKey::created: return "created_at" + dir + then_id;
    case RunSortKey::steps: return "steps_done" + dir + then_id;
    case RunSortKey::final_train_loss: return "train_state, train" + dir + then_id;
    case RunSortKey::final_val_loss: return "val_state, val" + dir + then_id;
  }
  return "id" + dir;
}

std::optional<double> read_loss(const Statement& s, int state, int value) {
  switch (s.int64(state)) {
    case 0: return s.real(value);
    case 1: return std::numeric_limits<double>::quiet_NaN();
    default: return std::nullopt;
  }
}

}  // namespace

std::vector<RunRow> query_runs(const Store& store, const RunFilter& filter, RunSortKey sort, bool descending) {
  const train::RunConfig defaults;
  Sql sql;
  // base: a run's columns with its model and optimizer. filtered: the runs that pass, with their losses,
  // MATERIALIZED so each loss subquery runs once per run and not again for the sort.
  sql.add("WITH base AS (SELECT " + detail::run_columns(store.schema_version()) + ", CASE WHEN json_valid(config_json) "
          "THEN ifnull(json_extract(config_json, '$.model'), ?) ELSE '?' END AS model, ",
          defaults.model)
      .add("CASE WHEN json_valid(config_json) THEN ifnull(json_extract(config_json, '$.optimizer'), ?) "
           "ELSE '?' END AS optimizer FROM runs), ",
           defaults.optimizer)
      .add("filtered AS MATERIALIZED (SELECT base.*, " + std::string(kFinalTrainLoss) + " AS train, " + kFinalValLoss +
           " AS val FROM base");
  add_filters(sql, filter);
  sql.add(") SELECT *, " + loss_state("train") + " AS train_state, " + loss_state("val") +
          " AS val_state FROM filtered ORDER BY " + order_by(sort, descending));

  Statement s(detail::StoreAccess::db(store), sql.text, store.path());
  for (size_t i = 0; i < sql.values.size(); ++i)
    std::visit([&](const auto& v) { s.bind(static_cast<int>(i + 1), v); }, sql.values[i]);
  // Columns: the run's, then model, optimizer, train, val, train_state, val_state.
  constexpr int kModel = detail::kRunColumnCount;
  std::vector<RunRow> rows;
  while (s.step()) {
    RunRow row;
    row.record = detail::read_run(s);
    row.model = s.text(kModel);
    row.optimizer = s.text(kModel + 1);
    row.final_train_loss = read_loss(s, kModel + 4, kModel + 2);
    row.final_val_loss = read_loss(s, kModel + 5, kModel + 3);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace limuon::store
