// limuon-lab runs: list, show, compare and export the runs of a database.
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "args.hpp"
#include "commands.hpp"
#include "limuon/store/compare.hpp"
#include "limuon/store/export.hpp"
#include "limuon/train/config_string.hpp"
#include "limuon/train/settings.hpp"

namespace limuon::cli::detail {
namespace {

std::string loss_text(const std::optional<double>& loss) {
  if (!loss) return "-";
  std::ostringstream s;
  s << std::fixed << std::setprecision(4) << *loss;
  return s.str();
}

std::string table_row(const std::vector<std::pair<std::string, int>>& cells) {
  std::ostringstream s;
  for (const auto& [text, width] : cells) s << std::left << std::setw(width) << text << " ";
  std::string line = s.str();
  line.erase(line.find_last_not_of(' ') + 1);
  return line + "\n";
}

void list_runs(const store::Store& db, std::ostream& out) {
  out << table_row({{"id", 4}, {"created", 16}, {"model", 15}, {"data", 13}, {"optimizer", 9}, {"status", 8},
                    {"steps", 6}, {"train", 7}, {"val", 7}, {"settings", 0}});
  for (const auto& record : db.runs()) {
    const auto s = store::summarize_run(db, record);
    std::string created = record.created_at.substr(0, 16);
    std::replace(created.begin(), created.end(), 'T', ' ');
    out << table_row({{std::to_string(record.id), 4}, {created, 16}, {s.model, 15}, {s.data, 13},
                      {s.optimizer, 9}, {record.status, 8}, {std::to_string(record.steps_done), 6},
                      {loss_text(s.final_train_loss), 7}, {loss_text(s.final_val_loss), 7}, {s.settings, 0}});
  }
  out << "train: mean train loss of the last 10 steps; val: the last validation loss\n";
}

void show_run(const store::Store& db, const store::RunRecord& run, std::ostream& out) {
  out << "run " << run.id << ": " << run.name << "\nstatus " << run.status << ", steps " << run.steps_done
      << (run.diverged_step ? ", diverged at " + std::to_string(*run.diverged_step) : "") << "\nstarted "
      << run.started_at << ", finished " << run.finished_at << "\nconfig " << run.config_json << "\nversions "
      << run.versions_json << (run.error.empty() ? "" : "\nerror " + run.error) << "\n";
  for (const auto& name : db.metric_names(run.id)) {
    const auto s = db.series(run.id, name);
    if (!s.empty())
      out << "  " << name << ": " << s.size() << " points, last " << s.back().value << " at step " << s.back().step
          << "\n";
  }
}

void compare(const store::Store& db, const std::vector<int64_t>& ids, std::ostream& out) {
  const auto c = store::compare_runs(db, ids);
  const int label = 30, column = 14;
  std::vector<std::pair<std::string, int>> header{{"", label}};
  for (int64_t id : ids) header.emplace_back("run " + std::to_string(id), column);
  out << table_row(header);
  std::vector<std::pair<std::string, int>> optimizers{{"optimizer", label}};
  for (int64_t id : ids) optimizers.emplace_back(store::summarize_run(db, *db.run(id)).optimizer, column);
  out << table_row(optimizers);
  auto section = [&](const std::string& title, const std::vector<store::RunAt>& at) {
    out << title << "\n";
    auto row = [&](const std::string& name, auto&& cell) {
      std::vector<std::pair<std::string, int>> cells{{"  " + name, label}};
      for (const auto& a : at) cells.emplace_back(a.step == 0 ? "-" : cell(a), column);
      out << table_row(cells);
    };
    row("step", [](const store::RunAt& a) { return std::to_string(a.step); });
    row("gradient evaluations", [](const store::RunAt& a) { return train::format_number(a.grad_evals); });
    row("wall time (s)", [](const store::RunAt& a) {
      std::ostringstream s;
      s << std::fixed << std::setprecision(1) << a.wall_s;
      return s.str();
    });
    row("train loss (last 10 steps)", [](const store::RunAt& a) { return loss_text(a.train_loss); });
    row("validation loss", [](const store::RunAt& a) { return loss_text(a.val_loss); });
  };
  std::ostringstream wall;
  wall << std::fixed << std::setprecision(1) << c.wall_s;
  section("at equal steps (" + std::to_string(c.steps) + "):", c.at_steps);
  section("at equal gradient evaluations (" + train::format_number(c.grad_evals) + "):", c.at_grad_evals);
  section("at equal wall time (" + wall.str() + " s):", c.at_wall_s);
}

void export_run(const store::Store& db, const store::RunRecord& run, const std::string& csv, const std::string& json,
                std::ostream& out) {
  if (!csv.empty()) {
    store::export_run_csv(db, run, csv);
    out << "wrote " << csv << "\n";
  }
  if (!json.empty()) {
    store::export_run_json(db, run, json);
    out << "wrote " << json << "\n";
  }
}

}  // namespace

int runs_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string db_path = "runs.db", action = "list", csv, json;
  std::vector<int64_t> ids;
  for (ArgCursor a(args); a.next();) {
    const std::string& f = a.flag();
    if (f == "--db") db_path = a.value();
    else if (f == "--csv") csv = a.value();
    else if (f == "--json") json = a.value();
    else if (ids.empty() && action == "list" &&
             (f == "list" || f == "show" || f == "export" || f == "compare" || f == "config-string"))
      action = f;
    else if (action != "list" && f.rfind("--", 0) != 0) ids.push_back(parse_int(action + " ID", f, 1, 2'000'000'000));
    else throw UsageError("unexpected argument '" + f + "' for 'runs'");
  }
  if ((action == "show" || action == "export" || action == "config-string") && ids.size() != 1)
    throw UsageError("'runs " + action + "' takes one run id, e.g. runs " + action + " 3");
  if (action == "compare" && ids.size() < 2) throw UsageError("'runs compare' takes two or more run ids");
  if (action == "export" && csv.empty() && json.empty())
    throw UsageError("'runs export ID' needs --csv FILE and/or --json FILE");
  store::Store db(db_path, store::Store::Mode::read_only);
  if (action == "list") {
    list_runs(db, out);
    return kExitOk;
  }
  for (int64_t id : ids)
    if (!db.run(id)) {
      err << "limuon-lab: no run " << id << " in " << db_path << "\n";
      return kExitFailed;
    }
  if (action == "config-string") {  // the run's settings as one string: train --config-string reruns it
    out << train::to_config_string(train::RunConfig::from_stored_json(db.run(ids[0])->config_json)) << "\n";
    return kExitOk;
  }
  if (action == "show") show_run(db, *db.run(ids[0]), out);
  else if (action == "compare") compare(db, ids, out);
  else export_run(db, *db.run(ids[0]), csv, json, out);
  return kExitOk;
}

}  // namespace limuon::cli::detail
