// The plots a lesson's `views` name, for the lesson's runs only, in the file's order: metric plots on one
// shared x axis (the unit the lesson chose), the latest update or momentum spectrum of each run on a log
// scale, and the share of the momentum's energy a rank-r sketch keeps. Built with the plot widget, so
// zoom, pan, crosshair and the plot menu work as in the Training curves tab.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "gui/classroom.hpp"
#include "gui/plot/colours.hpp"

namespace limuon::gui {

namespace {

// A run's colour; `tint` > 0 blends it toward white, for its second series in a plot.
ImU32 colour_of(int index, float tint = 0.0f) {
  const plot::Rgb c = plot::run_colour(index);
  const auto mix = [&](float v) { return v + (1.0f - v) * tint; };
  return ImGui::ColorConvertFloat4ToU32({mix(c.r), mix(c.g), mix(c.b), 1.0f});
}

const std::vector<SpectrumFrame>* frames_of(const RunData& r, const std::string& param, const char* kind) {
  const auto p = r.spectra.find(param);
  if (p == r.spectra.end()) return nullptr;
  const auto k = p->second.find(kind);
  return k == p->second.end() || k->second.empty() ? nullptr : &k->second;
}

std::vector<PlotSeries> metric_series(const LessonPlot& plot, const std::vector<const RunData*>& runs, double smoothing) {
  std::vector<PlotSeries> out;
  for (const RunData* r : runs)
    for (size_t m = 0; m < plot.metrics.size(); ++m) {
      const MetricColumn* column = r->metric(plot.metrics[m]);
      if (!column) continue;
      const bool sparse = plot.metrics[m] == "val_loss";
      PlotSeries ps;
      ps.raw = &column->raw;
      ps.smoothed = plot.smooth && !sparse && smoothing > 0 ? &column->smoothed : nullptr;
      ps.colour = colour_of(r->colour, m == 0 ? 0.0f : 0.45f);
      ps.label = r->name + (plot.metrics.size() > 1 ? " " + plot.metrics[m] : "");
      ps.markers = sparse;
      out.push_back(std::move(ps));
    }
  return out;
}

// The rank-r cut to mark on a spectrum: the one rank every sketched run shares, else none (NaN).
double shared_rank(const std::vector<const RunData*>& runs) {
  std::set<int64_t> ranks;
  for (const RunData* r : runs)
    if (r->config.optimizer == "limuon" && r->config.rank > 0) ranks.insert(r->config.rank);
  return ranks.size() == 1 ? static_cast<double>(*ranks.begin()) : std::numeric_limits<double>::quiet_NaN();
}

void draw_spectrum(const LessonPlot& plot, const std::vector<const RunData*>& runs, const std::string& param,
                   ImVec2 size) {
  const char* kind = plot.kind == LessonPlotKind::spectrum_update ? "update" : "momentum";
  std::vector<plot::Series> latest;
  latest.reserve(runs.size());  // PlotSeries point into it: no reallocation
  std::vector<PlotSeries> lines;
  double y_lo = std::numeric_limits<double>::infinity(), y_hi = 0, x_hi = 1;
  for (const RunData* r : runs) {
    const auto* frames = frames_of(*r, param, kind);
    if (!frames) continue;
    latest.emplace_back();
    const auto& values = frames->back().values;
    for (size_t i = 0; i < values.size(); ++i) {
      latest.back().append(static_cast<double>(i + 1), values[i]);
      if (values[i] > 0 && std::isfinite(values[i])) y_lo = std::min(y_lo, values[i]), y_hi = std::max(y_hi, values[i]);
    }
    x_hi = std::max(x_hi, static_cast<double>(values.size()));
    lines.push_back({&latest.back(), nullptr, colour_of(r->colour),
                     r->name + " step " + std::to_string(frames->back().step), true});
  }
  y_lo = std::max(y_lo, y_hi * 1e-6);  // six decades: further down is rounding noise
  const plot::Axis x{{0.5, x_hi + 0.5}, plot::Scale::linear};
  const plot::Axis y{plot::fit_minmax(std::isfinite(y_lo) ? y_lo : 1, y_hi > 0 ? y_hi : 10, plot::Scale::log10),
                     plot::Scale::log10};
  const double rank = shared_rank(runs);
  const std::string cut = "rank " + (std::isfinite(rank) ? std::to_string(static_cast<int64_t>(rank)) : "");
  const std::string title = plot.title + (lines.empty() ? ": waiting for the first spectra" : "");
  DrawStaticPlot(plot.title.c_str(), title, x, y, lines, size, std::isfinite(rank) ? rank + 0.5 : rank,
                 std::isfinite(rank) ? cut.c_str() : nullptr);
}

void draw_energy(const LessonPlot& plot, const std::vector<const RunData*>& runs, const std::string& param,
                 ImVec2 size) {
  std::vector<plot::Series> energy;
  energy.reserve(runs.size());
  std::vector<PlotSeries> lines;
  double step_hi = 1;
  for (const RunData* r : runs) {
    const auto* frames = frames_of(*r, param, "momentum");
    if (!frames) continue;
    energy.emplace_back();
    for (const auto& f : *frames)
      if (f.energy_fraction >= 0) energy.back().append(static_cast<double>(f.step), f.energy_fraction);
    if (energy.back().size() == 0) {
      energy.pop_back();
      continue;
    }
    step_hi = std::max(step_hi, energy.back().xs().back());
    lines.push_back({&energy.back(), nullptr, colour_of(r->colour), r->name + " energy kept", true});
  }
  const std::string title = plot.title + " (x: step)" + (lines.empty() ? ": waiting for the first spectra" : "");
  DrawStaticPlot(plot.title.c_str(), title, {{0, step_hi}, plot::Scale::linear}, {{0, 1.02}, plot::Scale::linear}, lines,
                 size, std::numeric_limits<double>::quiet_NaN(), nullptr);
}

// The matrix the spectrum views show: the one picked, else the first any run recorded.
void pick_matrix(ClassroomState& c, const std::vector<const RunData*>& runs) {
  std::set<std::string> params;
  for (const RunData* r : runs)
    for (const auto& [param, kinds] : r->spectra) params.insert(param);
  if (params.empty()) return;
  if (!params.count(c.spectrum_param)) c.spectrum_param = *params.begin();
  if (params.size() < 2) return;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 16);
  if (ImGui::BeginCombo("matrix (spectra)", c.spectrum_param.c_str())) {
    for (const auto& p : params)
      if (ImGui::Selectable(p.c_str(), p == c.spectrum_param)) c.spectrum_param = p;
    ImGui::EndCombo();
  }
}

}  // namespace

void draw_lesson_views(ClassroomState& c, const std::vector<const RunData*>& runs, const AppSettings& settings,
                       const LessonViewHooks& hooks) {
  c.shared_x.begin_frame();
  if (c.plot_states.size() != c.plots.size()) {
    c.plot_states.clear();
    for (const auto& p : c.plots) {
      PlotState state{p.title};
      state.y_scale = settings.log_y && p.log_y ? plot::Scale::log10 : plot::Scale::linear;
      c.plot_states.push_back(std::move(state));
    }
  }
  if (c.built_unit != settings.x_unit) {  // the runs' series were rebuilt for another unit: fit again
    c.built_unit = settings.x_unit;
    c.shared_x.auto_fit = true;
  }
  ImGui::BeginChild("##lesson_views", {0, 0}, false, c.shared_x.hovering ? ImGuiWindowFlags_NoScrollWithMouse : 0);
  if (runs.empty()) ImGui::TextDisabled("Press Play: the lesson's runs appear here, one colour each.");
  pick_matrix(c, runs);
  // The key: which colour is which preset, above the plots where the class looks.
  for (size_t i = 0; i < runs.size(); ++i) {
    if (i > 0) ImGui::SameLine(0, ImGui::GetFontSize() * 1.5f);
    const plot::Rgb rgb = plot::run_colour(runs[i]->colour);
    ImGui::TextColored({rgb.r, rgb.g, rgb.b, 1}, "-- %s", runs[i]->name.c_str());
  }

  std::vector<std::vector<PlotSeries>> series(c.plots.size());
  std::vector<PlotSeries> everything;
  for (size_t k = 0; k < c.plots.size(); ++k) {
    if (c.plots[k].kind != LessonPlotKind::metrics) continue;
    series[k] = metric_series(c.plots[k], runs, settings.smoothing);
    everything.insert(everything.end(), series[k].begin(), series[k].end());
  }
  fit_shared_x(c.shared_x, everything);

  // Two plots a row; with an odd count the first (the loss, usually) takes a whole row.
  const size_t n = c.plots.size();
  const bool first_wide = n % 2 == 1;
  const size_t rows = (n + (first_wide ? 1 : 0)) / 2;
  const ImGuiStyle& style = ImGui::GetStyle();
  const float width = (ImGui::GetContentRegionAvail().x - style.ItemSpacing.x) / 2;
  const float height = std::max(ImGui::GetFontSize() * 11,
                                (ImGui::GetContentRegionAvail().y - rows * style.ItemSpacing.y) / std::max<size_t>(rows, 1));
  for (size_t k = 0; k < n; ++k) {
    const bool wide = first_wide && k == 0;
    if (k > 0 && (k - (first_wide ? 1 : 0)) % 2 == 1) ImGui::SameLine();
    const ImVec2 size{wide ? 0.0f : width, height};
    const LessonPlot& plot = c.plots[k];
    if (plot.kind == LessonPlotKind::spectrum_update || plot.kind == LessonPlotKind::spectrum_momentum) {
      draw_spectrum(plot, runs, c.spectrum_param, size);
    } else if (plot.kind == LessonPlotKind::energy_fraction) {
      draw_energy(plot, runs, c.spectrum_param, size);
    } else {
      PlotActions actions;
      DrawPlot(c.plot_states[k], c.shared_x, series[k], size, &actions);
      if (actions.save_png && hooks.save_png) hooks.save_png(plot.title, actions.rect_min, actions.rect_max);
      if (actions.save_csv && hooks.save_csv) hooks.save_csv(plot.title, series[k]);
    }
  }
  ImGui::EndChild();
}

}  // namespace limuon::gui
