// `limuon-lab report SWEEP.toml [SWEEP.toml ...] --db runs.db --out DIR`: a sweep's runs judged at equal
// steps, gradient evaluations and wall time, written as DIR/report.md with SVG figures drawn by the
// window's own plot code. Reads the database only.
#include <filesystem>
#include <ostream>
#include <set>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/report_figures.hpp"
#include "limuon/report/markdown.hpp"
#include "limuon/store/store.hpp"
#include "limuon/sweep/sweep.hpp"

namespace limuon::cli::detail {
namespace {

namespace fs = std::filesystem;

std::string command_line(const std::vector<std::string>& args) {
  std::string command = "limuon-lab report";
  for (const auto& a : args) command += " " + a;
  return command;
}

}  // namespace

int report_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string db_path, out_dir;
  std::vector<std::string> files, metrics;
  for (ArgCursor a(args); a.next();) {
    if (a.flag() == "--db")
      db_path = a.value();
    else if (a.flag() == "--out")
      out_dir = a.value();
    else if (a.flag() == "--metric")
      metrics.push_back(a.value());
    else if (a.flag().rfind("--", 0) != 0)
      files.push_back(a.flag());
    else
      throw UsageError("unexpected argument '" + a.flag() + "' for 'report'");
  }
  if (files.empty())
    throw UsageError(
        "'report' needs one or more sweep files, e.g. limuon-lab report experiments/gpt/baselines.toml --db runs.db "
        "--out report/");
  if (db_path.empty()) throw UsageError("'report' needs --db, the database the sweep ran in");
  if (out_dir.empty()) throw UsageError("'report' needs --out, the folder to write report.md and its figures to");
  for (const auto& m : metrics)
    if (m != "val_loss" && m != "val_acc") throw UsageError("--metric '" + m + "' is not one of val_loss, val_acc");
  if (!fs::exists(db_path))
    throw UsageError("no database at " + db_path + ": run the sweep first (limuon-lab sweep FILE --db " + db_path +
                     ")");

  const store::Store db(db_path, store::Store::Mode::read_only);
  std::vector<store::RunRecord> records;
  std::set<int64_t> sweep_ids;
  std::string title;
  for (const auto& file : files) {
    const auto spec = sweep::load_sweep(file);
    const auto id = db.find_sweep(spec.name);
    if (!id)
      throw UsageError("sweep '" + spec.name + "' of " + file + " is not in " + db_path + ": run limuon-lab sweep " +
                       file + " --db " + db_path + " first");
    if (!sweep_ids.insert(*id).second) continue;  // the same sweep named twice counts once
    for (auto& r : db.runs(*id)) records.push_back(std::move(r));
    title += (title.empty() ? "" : ", ") + spec.name;
  }
  if (metrics.empty()) {  // the loss always; accuracy too where the runs classify images
    metrics.push_back("val_loss");
    bool images = false;
    for (const auto& r : records)
      images |= train::RunConfig::from_stored_json(r.config_json).model.rfind("vit:", 0) == 0;
    if (images) metrics.push_back("val_acc");
  }

  fs::create_directories(out_dir);
  report::ReportInput input;
  input.title = "Report: " + title;
  input.command = command_line(args);
  input.provenance = report::provenance_of(records);
  for (const auto& metric : metrics) {
    std::vector<report::RunCurve> curves;
    for (const auto& r : records) curves.push_back(report::load_run_curve(db, r, metric));
    report::MetricSection section;
    section.metric = metric;
    section.methods = report::group_methods(curves, report::higher_is_better(metric));
    section.comparison = report::compare_methods(section.methods, curves);
    section.figures = write_curve_figures(section, curves, out_dir);
    if (auto rank = write_rank_figure(section, curves, out_dir)) section.figures.push_back(*rank);
    if (metric == metrics.front())
      if (auto spectra = write_spectra_figure(section, db, out_dir)) section.figures.push_back(*spectra);
    if (input.sections.empty()) report::add_curve_totals(input.provenance, curves);
    input.sections.push_back(std::move(section));
  }
  write_file(fs::path(out_dir) / "report.md", report::render_markdown(input));
  out << "report of " << input.provenance.judged << " runs (" << input.provenance.unjudged
      << " not finished, left out) -> " << (fs::path(out_dir) / "report.md").string() << "\n";
  return kExitOk;
}

}  // namespace limuon::cli::detail
