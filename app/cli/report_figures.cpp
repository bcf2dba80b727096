// The figures of a report, drawn by the plot library the window uses (transforms, ticks, decimation).
#include "cli/report_figures.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>

#include "gui/plot/svg_chart.hpp"

namespace limuon::cli::detail {
namespace {

namespace fs = std::filesystem;

std::string capitalised(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

// Per basis, in kBases order: the figure's file-name part and its x-axis label.
struct BasisNames {
  const char* file;
  const char* axis;
};
constexpr BasisNames kBasisNames[] = {
    {"steps", "optimizer steps"}, {"grad_evals", "gradient evaluations"}, {"wall_s", "wall time (s)"}};
const BasisNames& names_of(report::Basis basis) { return kBasisNames[static_cast<int>(basis)]; }

}  // namespace

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

// One figure per basis: each method at its chosen learning rate, the mean over seeds with a band of one
// standard deviation.
std::vector<report::Figure> write_curve_figures(const report::MetricSection& section,
                                                const std::vector<report::RunCurve>& curves, const fs::path& dir) {
  std::map<int64_t, const report::RunCurve*> by_id;
  for (const auto& c : curves) by_id[c.run_id] = &c;
  std::vector<report::Figure> figures;
  for (report::Basis basis : report::kBases) {
    gui::plot::ChartSpec chart;
    // The title fits the chart; the caption under it in report.md says the rest.
    chart.title = capitalised(report::metric_title(section.metric) + " against " + names_of(basis).axis);
    chart.x_label = names_of(basis).axis;
    chart.y_label = report::metric_title(section.metric);
    chart.width = 760;
    chart.height = 420;
    chart.legend = gui::plot::ChartSpec::Legend::below;  // up to a dozen methods: inside, it hid the curves
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
    const std::string file = section.metric + "-" + names_of(basis).file + ".svg";
    write_file(dir / file, gui::plot::svg_line_chart(chart));
    figures.push_back({file, chart.title + ": each method at its chosen lr, mean and spread (one standard "
                                          "deviation) over seeds"});
  }
  return figures;
}

std::optional<report::Figure> write_rank_figure(const report::MetricSection& section,
                                                const std::vector<report::RunCurve>& curves, const fs::path& dir) {
  const auto lines = report::rank_lines(section.comparison, curves);
  size_t points = 0;
  for (const auto& l : lines) points += l.ranks.size();
  if (points < 2) return std::nullopt;
  gui::plot::ChartSpec chart;
  chart.title = capitalised(report::metric_title(section.metric)) + " at equal steps against the rank r";
  chart.x_label = "rank r (log scale)";
  chart.y_label = report::metric_title(section.metric);
  chart.x_scale = gui::plot::Scale::log10;
  chart.width = 760;
  chart.height = 420;
  chart.legend = gui::plot::ChartSpec::Legend::below;  // up to a dozen methods: inside, it hid the curves
  for (size_t i = 0; i < lines.size(); ++i) {
    gui::plot::ChartLine line;
    line.label = lines[i].label;
    line.colour = static_cast<int>(i);
    for (size_t k = 0; k < lines[i].ranks.size(); ++k) {
      const report::Stat& s = lines[i].at_steps[k];
      const double spread = std::isnan(s.std) ? 0.0 : s.std;
      line.xs.push_back(static_cast<double>(lines[i].ranks[k]));
      line.ys.push_back(s.mean);
      line.y_lo.push_back(s.mean - spread);
      line.y_hi.push_back(s.mean + spread);
    }
    chart.lines.push_back(std::move(line));
  }
  // "Enough" means close to what needs no sketch: the other optimizers' best, dashed across the ranks.
  int64_t lowest = lines.front().ranks.front(), highest = lowest;
  for (const auto& l : lines) lowest = std::min(lowest, l.ranks.front()), highest = std::max(highest, l.ranks.back());
  const auto references = report::rank_references(section.comparison, curves, report::higher_is_better(section.metric));
  for (size_t i = 0; i < references.size(); ++i) {
    gui::plot::ChartLine line;
    line.label = references[i].label + " (for reference)";
    line.colour = static_cast<int>(lines.size() + i);
    line.dashed = true;
    line.xs = {static_cast<double>(lowest), static_cast<double>(highest)};
    line.ys = {references[i].at_steps.mean, references[i].at_steps.mean};
    chart.lines.push_back(std::move(line));
  }
  const std::string file = section.metric + "-rank.svg";
  write_file(dir / file, gui::plot::svg_line_chart(chart));
  return report::Figure{file, chart.title + " of LiMuon's low-rank option, mean and spread over seeds; dashed, "
                                          "for reference: each other optimizer of the report at its best"};
}

std::optional<report::Figure> write_spectra_figure(const report::MetricSection& section, const store::Store& db,
                                                   const fs::path& dir) {
  gui::plot::ChartSpec chart;
  chart.x_label = "index i of the singular value";
  chart.y_label = "singular value";
  chart.y_scale = gui::plot::Scale::log10;
  chart.width = 760;
  chart.height = 420;
  chart.legend = gui::plot::ChartSpec::Legend::below;  // up to a dozen methods: inside, it hid the curves
  std::string matrix;
  for (size_t i = 0; i < section.comparison.rows.size(); ++i) {
    const auto& row = section.comparison.rows[i];
    if (row.run_ids.empty()) continue;
    // The first seed's last update spectrum of one matrix (the first one any row recorded), as the
    // window's spectra tab shows it.
    const train::Spectrum* last = nullptr;
    const auto spectra = db.spectra(row.run_ids.front());
    for (const auto& s : spectra) {
      if (s.kind != "update" || (!matrix.empty() && s.param != matrix)) continue;
      if (matrix.empty()) matrix = s.param;
      if (!last || s.step >= last->step) last = &s;
    }
    if (!last) continue;
    gui::plot::ChartLine line;
    line.label = row.label + " (step " + std::to_string(last->step) + ")";
    line.colour = static_cast<int>(i);
    for (size_t k = 0; k < last->values.size(); ++k) {
      line.xs.push_back(static_cast<double>(k + 1));
      line.ys.push_back(last->values[k]);
    }
    chart.lines.push_back(std::move(line));
  }
  if (chart.lines.empty()) return std::nullopt;
  chart.title = "Singular values of the update of " + matrix;
  const std::string file = "update-spectra.svg";
  write_file(dir / file, gui::plot::svg_line_chart(chart));
  return report::Figure{file, "Singular values of the applied update W(t+1) - W(t) of " + matrix +
                                  ", each method's first seed at its last recorded step"};
}

}  // namespace limuon::cli::detail
