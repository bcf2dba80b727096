// `limuon-lab report SWEEP.toml [SWEEP.toml ...] --db runs.db --out DIR`: a sweep's runs judged at equal
// steps, gradient evaluations and wall time, written as DIR/report.md with SVG figures drawn by the
// window's own plot code. Reads the database only.
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "gui/plot/svg_chart.hpp"
#include "limuon/report/markdown.hpp"
#include "limuon/store/store.hpp"
#include "limuon/sweep/sweep.hpp"

namespace limuon::cli::detail {
namespace {

namespace fs = std::filesystem;

const char* basis_file(report::Basis basis) {
  switch (basis) {
    case report::Basis::steps: return "steps";
    case report::Basis::grad_evals: return "grad_evals";
    case report::Basis::wall_s: return "wall_s";
  }
  return "";
}

const char* basis_axis(report::Basis basis) {
  switch (basis) {
    case report::Basis::steps: return "optimizer steps";
    case report::Basis::grad_evals: return "gradient evaluations";
    case report::Basis::wall_s: return "wall time (s)";
  }
  return "";
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

// One figure per basis: each method at its chosen learning rate, the mean over seeds with a band of one
// standard deviation.
std::vector<report::Figure> write_figures(const report::MetricSection& section,
                                          const std::vector<report::RunCurve>& curves, const fs::path& dir) {
  std::map<int64_t, const report::RunCurve*> by_id;
  for (const auto& c : curves) by_id[c.run_id] = &c;
  std::vector<report::Figure> figures;
  for (report::Basis basis : report::kBases) {
    gui::plot::ChartSpec chart;
    std::string title = report::metric_title(section.metric) + " against " + basis_axis(basis);
    title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(title[0])));
    chart.title = title + ": each method at its chosen lr, mean and spread over seeds";
    chart.x_label = basis_axis(basis);
    chart.y_label = report::metric_title(section.metric);
    chart.width = 760;
    chart.height = 420;
    for (size_t i = 0; i < section.comparison.rows.size(); ++i) {
      const auto& row = section.comparison.rows[i];
      std::vector<const report::RunCurve*> seeds;
      for (int64_t id : row.run_ids) seeds.push_back(by_id.at(id));
      const report::MeanCurve mean = report::mean_curve(seeds, basis);
      gui::plot::ChartLine line;
      line.label = row.label;
      line.colour = static_cast<int>(i);
      line.xs = mean.x;
      line.ys = mean.mean;
      for (size_t k = 0; k < mean.x.size(); ++k) {
        line.y_lo.push_back(mean.mean[k] - mean.std[k]);
        line.y_hi.push_back(mean.mean[k] + mean.std[k]);
      }
      chart.lines.push_back(std::move(line));
    }
    const std::string file = section.metric + "-" + basis_file(basis) + ".svg";
    write_file(dir / file, gui::plot::svg_line_chart(chart));
    figures.push_back({file, chart.title});
  }
  return figures;
}

std::string quoted_command(const std::vector<std::string>& args) {
  std::string command = "limuon-lab report";
  for (const auto& a : args) command += " " + a;
  return command;
}

}  // namespace

int report_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string db_path, out_dir;
  std::vector<std::string> files, metrics;
  for (ArgCursor a(args); a.next();) {
    if (a.flag() == "--db") db_path = a.value();
    else if (a.flag() == "--out") out_dir = a.value();
    else if (a.flag() == "--metric") metrics.push_back(a.value());
    else if (a.flag().rfind("--", 0) != 0) files.push_back(a.flag());
    else throw UsageError("unexpected argument '" + a.flag() + "' for 'report'");
  }
  if (files.empty()) throw UsageError("'report' needs one or more sweep files, e.g. limuon-lab report experiments/gpt/baselines.toml --db runs.db --out report/");
  if (db_path.empty()) throw UsageError("'report' needs --db, the database the sweep ran in");
  if (out_dir.empty()) throw UsageError("'report' needs --out, the folder to write report.md and its figures to");
  for (const auto& m : metrics)
    if (m != "val_loss" && m != "val_acc") throw UsageError("--metric '" + m + "' is not one of val_loss, val_acc");
  if (!fs::exists(db_path)) throw UsageError("no database at " + db_path + ": run the sweep first (limuon-lab sweep FILE --db " + db_path + ")");

  const store::Store db(db_path, store::Store::Mode::read_only);
  std::vector<store::RunRecord> records;
  std::string title;
  for (const auto& file : files) {
    const auto spec = sweep::load_sweep(file);
    const auto id = db.find_sweep(spec.name);
    if (!id) throw UsageError("sweep '" + spec.name + "' of " + file + " is not in " + db_path + ": run limuon-lab sweep " + file + " --db " + db_path + " first");
    for (auto& r : db.runs(*id)) records.push_back(std::move(r));
    title += (title.empty() ? "" : ", ") + spec.name;
  }
  if (metrics.empty()) {  // the loss always; accuracy too where the runs classify images
    metrics.push_back("val_loss");
    bool images = false;
    for (const auto& r : records) images |= train::RunConfig::from_stored_json(r.config_json).model.rfind("vit:", 0) == 0;
    if (images) metrics.push_back("val_acc");
  }

  fs::create_directories(out_dir);
  report::ReportInput input;
  input.title = "Report: " + title;
  input.command = quoted_command(args);
  input.provenance = report::provenance_of(records);
  for (const auto& metric : metrics) {
    std::vector<report::RunCurve> curves;
    for (const auto& r : records) curves.push_back(report::load_run_curve(db, r, metric));
    report::MetricSection section;
    section.metric = metric;
    section.methods = report::group_methods(curves, report::higher_is_better(metric));
    section.comparison = report::compare_methods(section.methods, curves);
    section.figures = write_figures(section, curves, out_dir);
    if (input.sections.empty())
      for (const auto& c : curves)
        if (report::is_judged(c)) input.provenance.run_seconds += c.end.wall_s;
    input.sections.push_back(std::move(section));
  }
  write_file(fs::path(out_dir) / "report.md", report::render_markdown(input));
  out << "report of " << input.provenance.judged << " runs (" << input.provenance.unjudged
      << " not finished, left out) -> " << (fs::path(out_dir) / "report.md").string() << "\n";
  return kExitOk;
}

}  // namespace limuon::cli::detail
